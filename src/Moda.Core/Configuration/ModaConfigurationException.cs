namespace Moda.Configuration;

/// <summary>A configuration is invalid; <see cref="KeyPath"/> names the offending key.</summary>
public sealed class ModaConfigurationException : Exception
{
    /// <summary>
    /// Creates the error for a key path such as <c>dimensions[2].indicators[0].deprivedIf</c>. The
    /// message is made one line (a value it quotes may span several), as the command prints it.
    /// </summary>
    public ModaConfigurationException(string keyPath, string message, string? file = null)
        : base(Format(keyPath, OneLine(message), file))
    {
        KeyPath = keyPath;
        File = file;
        Reason = OneLine(message);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>The key path of the offending value.</summary>
    public string KeyPath { get; }

    /// <summary>The configuration file, if the configuration came from one.</summary>
    public string? File { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    private static string Format(string keyPath, string message, string? file)
    {
        var where = string.IsNullOrEmpty(keyPath) ? "" : $"'{keyPath}': ";
        return file is null ? $"configuration {where}{message}" : $"{file}: {where}{message}";
    }
}
