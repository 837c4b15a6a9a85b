using System.CommandLine;
using Moda.Configuration;
using Moda.Data;

namespace Moda.Cli;

/// <summary>The <c>moda</c> command line: parses arguments, runs a command, maps errors to exit codes.</summary>
public static class ModaCli
{
    /// <summary>
    /// Runs <c>moda</c> with <paramref name="args"/>, writing to the given streams; returns the exit
    /// code. <paramref name="stdoutBytes"/>, when given, opens a byte stream onto the same output as
    /// <paramref name="stdout"/> (the process's standard output: <see cref="StandardOutput.Utf8"/>),
    /// which results are then written to as UTF-8 instead of through the writer.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool? stdoutIsTerminal = null, bool? stderrIsTerminal = null,
                          Func<Stream>? stdoutBytes = null)
    {
        var terminal = new Terminal(stdoutIsTerminal ?? !Console.IsOutputRedirected, stderrIsTerminal ?? !Console.IsErrorRedirected);
        var root = new RootCommand("moda: multidimensional child poverty (MODA / Alkire-Foster) with survey standard errors");
        root.Subcommands.Add(AnalyzeCommand.Create(stdout, stderr, terminal, stdoutBytes));
        root.Subcommands.Add(InitCommand.Create(stdout, stderr));
        root.Subcommands.Add(DescribeCommand.Create(stdout, stderr, terminal));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"moda: {e.Message}");
            stderr.WriteLine("Run 'moda --help' or 'moda analyze --help' for usage.");
            return ExitCodes.BadUsage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>Runs <paramref name="action"/>, turning the project's errors into messages and exit codes.</summary>
    internal static int Guard(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ModaConfigurationException e)
        {
            stderr.WriteLine($"moda: configuration error: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (ModaDataException e)
        {
            stderr.WriteLine($"moda: data error: {e.Message}");
            return ExitCodes.BadData;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"moda: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"moda: {e.Message}");
            return ExitCodes.BadData;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"moda: {e.Message}");
            return ExitCodes.BadData;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("moda: cancelled");
            return ExitCodes.InternalError;
        }
        catch (Exception e)
        {
            // A bug of ours: say so plainly, without a stack trace (MODA_DEBUG=1 shows it).
            var inner = e is AggregateException { InnerException: { } i } ? i : e;
            stderr.WriteLine($"moda: internal error ({inner.GetType().Name}: {inner.Message}); please report it with the command you ran");
            if (Environment.GetEnvironmentVariable("MODA_DEBUG") == "1") stderr.WriteLine(inner);
            return ExitCodes.InternalError;
        }
    }
}

/// <summary>Whether standard output and standard error are terminals.</summary>
internal sealed record Terminal(bool Output, bool Error);

/// <summary>Bad usage found after parsing (an option value that does not fit).</summary>
internal sealed class UsageException(string message) : Exception(message);
