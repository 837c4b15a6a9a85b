using System.Diagnostics;

namespace Moda.Cli;

/// <summary>
/// Rows read so far, on one line of a terminal's standard error, at most five times a second;
/// <see cref="Clear"/> wipes the line before results are written.
/// </summary>
internal sealed class StderrProgress(TextWriter stderr) : IProgress<long>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _last = -1000;

    /// <summary>A progress line for a run that may show one: not quiet, and stderr a terminal.</summary>
    public static StderrProgress? For(TextWriter stderr, Terminal terminal, bool quiet = false) =>
        !quiet && terminal.Error ? new StderrProgress(stderr) : null;

    public void Report(long rows)
    {
        var now = _clock.ElapsedMilliseconds;
        if (now - _last < 200) return;
        _last = now;
        stderr.Write($"\rmoda: {rows:N0} rows read");
        stderr.Flush();
    }

    /// <summary>Wipes the progress line.</summary>
    public void Clear() => stderr.Write("\r\x1b[K");
}
