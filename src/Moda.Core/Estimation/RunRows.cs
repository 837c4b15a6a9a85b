using System.Runtime.CompilerServices;

namespace Moda.Estimation;

/// <summary>
/// The rows of a table summed by (run of one unit, key) as rows in unit order go by: each key's row
/// in the current run, made (numbered from 0, in the order first met) when the key is first met in
/// it. A counting pass and then, after <see cref="Reset"/>, a filling pass walk the same rows, so a
/// table is made exactly as long as it needs to be: at 10M children a class table or projection
/// has millions of rows, and growing by doubling held up to three times that.
/// </summary>
internal struct RunRows(int keys)
{
    private readonly int[] _stamp = new int[keys]; // per key: the run (from 1) its row belongs to
    private readonly int[] _row = new int[keys];   // per key: that row
    private int _run;
    private int _unit = -1;

    /// <summary>Rows made so far.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The row of <paramref name="key"/> in <paramref name="unit"/>'s current run (a run ends where
    /// another unit's row comes); <paramref name="made"/> when it is made now.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once or twice a row of every table built: a call cost as much as its work
    public int RowOf(int unit, int key, out bool made)
    {
        if (unit != _unit)
        {
            _unit = unit;
            _run++;
        }
        made = _stamp[key] != _run;
        if (!made) return _row[key];
        _stamp[key] = _run;
        return _row[key] = Count++;
    }

    /// <summary>Forgets every row, for the next pass over the same rows.</summary>
    public void Reset()
    {
        Array.Clear(_stamp);
        _run = 0;
        _unit = -1;
        Count = 0;
    }
}
