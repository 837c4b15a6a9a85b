namespace Moda.Estimation;

/// <summary>
/// How large a chunk's partial histogram will be, learnt from the partials of the same analysis
/// filled before it, so that its entry columns and pattern list are made about that size at once.
/// Entries: the default layout makes 0.39 a child, and sized by rows a 10M file's partials held
/// 268 MB of columns, two thirds of them never written. Patterns: a chunk of that file meets
/// 900–1,400 of the total's 3,761; a list made for the total's count took 60 KB a partial it
/// never filled. Only sizes: a partial that outgrows them grows, so the sums never depend on
/// them. Safe to share between the threads that fill partials.
/// </summary>
internal sealed class PartialSizes
{
    private const double Margin = 1.25;   // chunks of one file differ a little
    private long _rows;
    private long _entries;
    private int _patterns;                // the most patterns a partial has met

    /// <summary>Entries to make room for in a partial of <paramref name="rows"/> rows: one a row until a partial is seen.</summary>
    public int Entries(int rows)
    {
        var seen = Interlocked.Read(ref _rows);
        if (seen == 0) return rows;
        var perRow = (double)Interlocked.Read(ref _entries) / seen;
        return (int)Math.Min(rows, Math.Ceiling(rows * perRow * Margin) + 16);
    }

    /// <summary>Patterns to make room for: the most a partial has met, and a quarter (16 until a partial is seen, at most 4096).</summary>
    public int Patterns => Math.Clamp((int)(Volatile.Read(ref _patterns) * Margin), 16, 4096);

    /// <summary>Learns from a partial of <paramref name="rows"/> rows, filled.</summary>
    public void Observe(int rows, SurveyHistogram partial) => Observe(rows, partial.EntryCount, partial.Patterns.Count);

    /// <summary>Learns from a partial of <paramref name="rows"/> rows that made <paramref name="entries"/> entries of <paramref name="patterns"/> patterns.</summary>
    public void Observe(int rows, int entries, int patterns)
    {
        Interlocked.Add(ref _entries, entries);
        Interlocked.Add(ref _rows, rows);
        for (var seen = Volatile.Read(ref _patterns); patterns > seen; seen = Volatile.Read(ref _patterns))
            if (Interlocked.CompareExchange(ref _patterns, patterns, seen) == seen) break;
    }
}
