using Moda.Cli;

namespace Moda.Tests.Cli;

/// <summary>Runs <c>moda</c> in-process with captured output; neither stream is a terminal.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int Exit, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {Exit}\nstdout: {Stdout[..Math.Min(Stdout.Length, 2000)]}\nstderr: {Stderr}";
    }

    public static Outcome Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = ModaCli.Run(args, stdout, stderr, stdoutIsTerminal: false, stderrIsTerminal: false);
        return new Outcome(exit, stdout.ToString(), stderr.ToString());
    }

    public static string Quickstart => TestPaths.Sample("quickstart", "children.csv");

    public static string Hubei => TestPaths.Sample("hubei", "children.csv");
}
