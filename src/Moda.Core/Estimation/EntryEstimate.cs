namespace Moda.Estimation;

/// <summary>
/// How many entries a chunk's partial histogram will hold, learnt from the chunks filled before
/// it, so that its columns are rented at about that size instead of one entry per row. The
/// default layout makes 0.39 entries a child: sized by rows, a 10M file's partials held 268 MB of
/// columns, two thirds of them never written. Only a size: a partial that outgrows it doubles
/// its columns, so the sums never depend on it. Safe to share between the threads that fill partials.
/// </summary>
internal sealed class EntryEstimate
{
    private const double Margin = 1.25;   // chunks of one file differ a little
    private long _rows;
    private long _entries;

    /// <summary>Entries to make room for in a partial of <paramref name="rows"/> rows: one a row until a partial is seen.</summary>
    public int For(int rows)
    {
        var seen = Interlocked.Read(ref _rows);
        if (seen == 0) return rows;
        var perRow = (double)Interlocked.Read(ref _entries) / seen;
        return (int)Math.Min(rows, Math.Ceiling(rows * perRow * Margin) + 16);
    }

    /// <summary>Learns from a filled partial of <paramref name="rows"/> rows that made <paramref name="entries"/> entries.</summary>
    public void Observe(int rows, int entries)
    {
        Interlocked.Add(ref _entries, entries);
        Interlocked.Add(ref _rows, rows);
    }
}
