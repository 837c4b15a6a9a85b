using System.Runtime.InteropServices;

namespace Moda.Estimation;

/// <summary>
/// Weighted counts of children per (sampling unit, key): a histogram, or a projection of one
/// onto a coarser key (a score class, a dimension's status, a deprivation mask). Estimators
/// iterate a projection with as few rows as the figure needs, not the children nor the full
/// histogram. Σw² rides along for designs where each child is its own PSU; elsewhere the table
/// keeps no squares (<see cref="Weight2"/> is empty), and its projections keep none either.
/// </summary>
public sealed class EntryTable
{
    /// <summary>
    /// Creates a table from its columns; <paramref name="weight2"/> is as long as the others, or
    /// empty for a table that keeps no Σw².
    /// </summary>
    public EntryTable(int[] unit, int[] key, double[] weight, double[] weight2, long[] count, int keyCount)
    {
        if (weight2.Length != 0 && weight2.Length != unit.Length)
            throw new ArgumentException("Σw² is given for every row or for none", nameof(weight2));
        Unit = unit;
        Key = key;
        Weight = weight;
        Weight2 = weight2;
        Count = count;
        KeyCount = keyCount;
    }

    /// <summary>Sampling unit of each row.</summary>
    public int[] Unit { get; }

    /// <summary>Key of each row, in [0, <see cref="KeyCount"/>).</summary>
    public int[] Key { get; }

    /// <summary>Σ w of each row.</summary>
    public double[] Weight { get; }

    /// <summary>Σ w² of each row; empty when the table keeps no squares (<see cref="HasSquares"/>).</summary>
    public double[] Weight2 { get; }

    /// <summary>True when <see cref="Weight2"/> is kept (every table of no rows counts as keeping it).</summary>
    public bool HasSquares => Weight2.Length == Unit.Length;

    /// <summary>Number of children of each row.</summary>
    public long[] Count { get; }

    /// <summary>Number of distinct keys.</summary>
    public int KeyCount { get; }

    /// <summary>Number of rows.</summary>
    public int Length => Unit.Length;

    /// <summary>The bytes of the table's columns.</summary>
    internal long Bytes => (long)Length * (2 * sizeof(int) + sizeof(double) + sizeof(long)) + (long)sizeof(double) * Weight2.Length;

    /// <summary>The rows listed (all rows when null) as a table of their own, without summing.</summary>
    public EntryTable Subset(int[]? rows)
    {
        if (rows is null) return this;
        var n = rows.Length;
        int[] unit = new int[n], key = new int[n];
        var squares = HasSquares;
        double[] w = new double[n], w2 = squares ? new double[n] : [];
        var count = new long[n];
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            unit[i] = Unit[r];
            key[i] = Key[r];
            w[i] = Weight[r];
            if (squares) w2[i] = Weight2[r];
            count[i] = Count[r];
        }
        return new EntryTable(unit, key, w, w2, count, KeyCount);
    }

    /// <summary>
    /// Sums the rows listed in <paramref name="rows"/> (all rows when null) by (unit, new key),
    /// where <paramref name="map"/> gives each old key's new key (-1 drops the row).
    /// </summary>
    public EntryTable Project(int[]? rows, ReadOnlySpan<int> map, int keyCount, int unitCount) =>
        ProjectMany(rows, [map.ToArray()], keyCount, unitCount)[0];

    /// <summary>
    /// Several projections in one pass over the rows: projection p maps old key k to
    /// <c>maps[p][k]</c> in [0, <paramref name="keyCount"/>) or -1. Sums go to dense per-(unit, key)
    /// cells when units × keys is small, to a hash map otherwise.
    /// </summary>
    public EntryTable[] ProjectMany(int[]? rows, int[][] maps, int keyCount, int unitCount)
    {
        if (SortedByUnit(rows)) return ProjectByUnit(rows, maps, keyCount);
        var cells = (long)unitCount * keyCount;
        if (cells > 4_000_000) return maps.Select(m => ProjectSparse(rows, m, keyCount)).ToArray();
        var projections = maps.Length;
        var squares = HasSquares;
        var w = new double[projections][];
        var w2 = new double[projections][];
        var count = new long[projections][];
        for (var p = 0; p < projections; p++)
        {
            w[p] = new double[cells];
            w2[p] = squares ? new double[cells] : [];
            count[p] = new long[cells];
        }
        var n = rows?.Length ?? Length;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var key = Key[r];
            var at = (long)Unit[r] * keyCount;
            var weight = Weight[r];
            var c = Count[r];
            for (var p = 0; p < projections; p++)
            {
                var k = maps[p][key];
                if (k < 0) continue;
                w[p][at + k] += weight;
                if (squares) w2[p][at + k] += Weight2[r];
                count[p][at + k] += c;
            }
        }
        var result = new EntryTable[projections];
        for (var p = 0; p < projections; p++)
        {
            var filled = 0;
            foreach (var x in count[p]) if (x != 0) filled++;
            int[] unit = new int[filled], key = new int[filled];
            double[] pw = new double[filled], pw2 = squares ? new double[filled] : [];
            var pc = new long[filled];
            var j = 0;
            for (long cell = 0; cell < cells; cell++)
            {
                if (count[p][cell] == 0) continue;
                unit[j] = (int)(cell / keyCount);
                key[j] = (int)(cell % keyCount);
                pw[j] = w[p][cell];
                if (squares) pw2[j] = w2[p][cell];
                pc[j] = count[p][cell];
                j++;
            }
            result[p] = new EntryTable(unit, key, pw, pw2, pc, keyCount);
        }
        return result;
    }

    /// <summary>
    /// Returns a copy whose rows are ordered by unit (stable), so projections can sum one unit at
    /// a time in a small scratch; <paramref name="order"/> gives each new row's old row. A table
    /// already in unit order (files list a PSU's children together) is returned as it is, with a
    /// null order.
    /// </summary>
    public EntryTable SortByUnit(int unitCount, out int[]? order)
    {
        order = null;
        if (SortedByUnit(null)) return this;
        var starts = new int[unitCount + 1];
        foreach (var u in Unit) starts[u + 1]++;
        for (var u = 0; u < unitCount; u++) starts[u + 1] += starts[u];
        order = new int[Length];
        for (var r = 0; r < Length; r++) order[starts[Unit[r]]++] = r;
        return Subset(order);
    }

    private bool SortedByUnit(int[]? rows)
    {
        var n = rows?.Length ?? Length;
        var last = -1;
        for (var i = 0; i < n; i++)
        {
            var u = Unit[rows is null ? i : rows[i]];
            if (u < last) return false;
            last = u;
        }
        return true;
    }

    // Rows ordered by unit: a unit's rows of each projection are written where its keys are first
    // met in the unit, and summed in place, counted first (RunRows).
    private EntryTable[] ProjectByUnit(int[]? rows, int[][] maps, int keyCount)
    {
        var projections = maps.Length;
        var squares = HasSquares;
        var n = rows?.Length ?? Length;
        var runs = new RunRows[projections];
        for (var p = 0; p < projections; p++) runs[p] = new RunRows(keyCount);
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            for (var p = 0; p < projections; p++)
                if (maps[p][Key[r]] is var k and >= 0) runs[p].RowOf(Unit[r], k, out _);
        }

        var result = new EntryTable[projections];
        for (var p = 0; p < projections; p++)
        {
            var m = runs[p].Count;
            result[p] = new EntryTable(new int[m], new int[m], new double[m], squares ? new double[m] : [], new long[m], keyCount);
            runs[p].Reset();
        }
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var unit = Unit[r];
            var key = Key[r];
            for (var p = 0; p < projections; p++)
            {
                var k = maps[p][key];
                if (k < 0) continue;
                var t = result[p];
                var o = runs[p].RowOf(unit, k, out var made);
                if (made)
                {
                    t.Unit[o] = unit;
                    t.Key[o] = k;
                }
                t.Weight[o] += Weight[r];
                if (squares) t.Weight2[o] += Weight2[r];
                t.Count[o] += Count[r];
            }
        }
        return result;
    }

    private EntryTable ProjectSparse(int[]? rows, int[] map, int keyCount)
    {
        var index = new Dictionary<long, int>();
        var unit = new List<int>();
        var key = new List<int>();
        var w = new List<double>();
        var w2 = new List<double>();
        var count = new List<long>();
        var squares = HasSquares;
        var n = rows?.Length ?? Length;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var k = map[Key[r]];
            if (k < 0) continue;
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, (long)Unit[r] * keyCount + k, out var exists);
            if (!exists)
            {
                slot = unit.Count;
                unit.Add(Unit[r]);
                key.Add(k);
                w.Add(0);
                if (squares) w2.Add(0);
                count.Add(0);
            }
            CollectionsMarshal.AsSpan(w)[slot] += Weight[r];
            if (squares) CollectionsMarshal.AsSpan(w2)[slot] += Weight2[r];
            CollectionsMarshal.AsSpan(count)[slot] += Count[r];
        }
        return new EntryTable(unit.ToArray(), key.ToArray(), w.ToArray(), w2.ToArray(), count.ToArray(), keyCount);
    }
}
