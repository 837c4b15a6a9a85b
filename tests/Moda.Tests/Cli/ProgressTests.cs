using Moda.Cli;

namespace Moda.Tests.Cli;

/// <summary>Progress shows on a terminal's standard error, is wiped before anything else is written, and is silent otherwise.</summary>
public class ProgressTests
{
    private const string Wipe = "\r\x1b[K";

    private static (int Exit, string Stderr) Analyze(bool stderrIsTerminal, params string[] args)
    {
        var stderr = new StringWriter();
        var exit = ModaCli.Run(["analyze", .. args], new StringWriter(), stderr, stdoutIsTerminal: false, stderrIsTerminal);
        return (exit, stderr.ToString());
    }

    [Fact]
    public void Analyze_shows_rows_read_on_a_terminal_and_wipes_them_before_notes()
    {
        var (exit, err) = Analyze(true, CliRunner.Hubei, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Contains("rows read", err);
        var wiped = err.IndexOf(Wipe, StringComparison.Ordinal);
        Assert.True(wiped > err.LastIndexOf("rows read", StringComparison.Ordinal), err);
    }

    [Fact]
    public void Analyze_is_silent_when_not_on_a_terminal_or_quiet()
    {
        Assert.DoesNotContain("rows read", Analyze(false, CliRunner.Hubei, "--format", "json").Stderr);
        Assert.DoesNotContain("rows read", Analyze(true, CliRunner.Hubei, "--format", "json", "--quiet").Stderr);
    }

    [Fact]
    public void An_error_after_progress_starts_on_a_wiped_line()
    {
        using var dir = new TempDirectory();
        var bad = dir.Write("bad.csv", File.ReadAllText(CliRunner.Quickstart) + "1,2\n");
        var (exit, err) = Analyze(true, bad, "--format", "json");
        Assert.Equal(1, exit);
        var message = err.IndexOf("malformed", StringComparison.Ordinal);
        Assert.True(message > 0, err);
        Assert.True(err.LastIndexOf(Wipe, message, StringComparison.Ordinal) > err.LastIndexOf("rows read", message, StringComparison.Ordinal), err);
    }
}
