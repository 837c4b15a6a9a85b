namespace Moda.Cli;

/// <summary>The process exit codes of the public contract.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Bad input data; the message names file, line and column.</summary>
    public const int BadData = 1;

    /// <summary>Bad usage or bad configuration; the message names the option or key.</summary>
    public const int BadUsage = 2;

    /// <summary>An internal error (a bug) or a cancelled run.</summary>
    public const int InternalError = 3;
}
