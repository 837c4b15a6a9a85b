namespace Moda.Data;

/// <summary>Bad input data; the message names the file and, where known, the line and column.</summary>
public sealed class ModaDataException : Exception
{
    /// <summary>
    /// Creates the error. The message is made one line (a library's text it quotes may span
    /// several, e.g. an argument error's "Actual value was ..."), as the command prints it.
    /// </summary>
    public ModaDataException(string file, string message, long line = 0, string? column = null, Exception? inner = null)
        : base(Format(file, OneLine(message), line, column), inner)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = OneLine(message);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>The data file.</summary>
    public string File { get; }

    /// <summary>1-based line of the file, or 0 when the problem is not tied to a line.</summary>
    public long Line { get; }

    /// <summary>The column (variable) at fault, if any.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    private static string Format(string file, string message, long line, string? column)
    {
        var where = file;
        if (line > 0) where += $":{line}";
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {message}";
    }
}
