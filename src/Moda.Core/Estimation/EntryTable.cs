using System.Runtime.InteropServices;

namespace Moda.Estimation;

/// <summary>
/// Weighted counts of children per (sampling unit, key): a histogram, or a projection of one
/// onto a coarser key (a score class, a dimension's status, a deprivation mask). Estimators
/// iterate a projection with as few rows as the figure needs, not the children nor the full
/// histogram. Σw² rides along for designs where each child is its own PSU.
/// </summary>
public sealed class EntryTable
{
    /// <summary>Creates a table from its columns.</summary>
    public EntryTable(int[] unit, int[] key, double[] weight, double[] weight2, long[] count, int keyCount)
    {
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

    /// <summary>Σ w² of each row.</summary>
    public double[] Weight2 { get; }

    /// <summary>Number of children of each row.</summary>
    public long[] Count { get; }

    /// <summary>Number of distinct keys.</summary>
    public int KeyCount { get; }

    /// <summary>Number of rows.</summary>
    public int Length => Unit.Length;

    /// <summary>The rows listed (all rows when null) as a table of their own, without summing.</summary>
    public EntryTable Subset(int[]? rows)
    {
        if (rows is null) return this;
        var n = rows.Length;
        int[] unit = new int[n], key = new int[n];
        double[] w = new double[n], w2 = new double[n];
        var count = new long[n];
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            unit[i] = Unit[r];
            key[i] = Key[r];
            w[i] = Weight[r];
            w2[i] = Weight2[r];
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
        var w = new double[projections][];
        var w2 = new double[projections][];
        var count = new long[projections][];
        for (var p = 0; p < projections; p++)
        {
            w[p] = new double[cells];
            w2[p] = new double[cells];
            count[p] = new long[cells];
        }
        var n = rows?.Length ?? Length;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var key = Key[r];
            var at = (long)Unit[r] * keyCount;
            double weight = Weight[r], weight2 = Weight2[r];
            var c = Count[r];
            for (var p = 0; p < projections; p++)
            {
                var k = maps[p][key];
                if (k < 0) continue;
                w[p][at + k] += weight;
                w2[p][at + k] += weight2;
                count[p][at + k] += c;
            }
        }
        var result = new EntryTable[projections];
        for (var p = 0; p < projections; p++)
        {
            var filled = 0;
            foreach (var x in count[p]) if (x != 0) filled++;
            int[] unit = new int[filled], key = new int[filled];
            double[] pw = new double[filled], pw2 = new double[filled];
            var pc = new long[filled];
            var j = 0;
            for (long cell = 0; cell < cells; cell++)
            {
                if (count[p][cell] == 0) continue;
                unit[j] = (int)(cell / keyCount);
                key[j] = (int)(cell % keyCount);
                pw[j] = w[p][cell];
                pw2[j] = w2[p][cell];
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

    // Rows ordered by unit: each unit's sums build up in a scratch of keyCount cells per
    // projection and are written out when the next unit starts.
    private EntryTable[] ProjectByUnit(int[]? rows, int[][] maps, int keyCount)
    {
        var projections = maps.Length;
        var w = new double[projections][];
        var w2 = new double[projections][];
        var count = new long[projections][];
        var touched = new List<int>[projections];
        var outUnit = new List<int>[projections];
        var outKey = new List<int>[projections];
        var outW = new List<double>[projections];
        var outW2 = new List<double>[projections];
        var outCount = new List<long>[projections];
        for (var p = 0; p < projections; p++)
        {
            w[p] = new double[keyCount];
            w2[p] = new double[keyCount];
            count[p] = new long[keyCount];
            touched[p] = [];
            outUnit[p] = [];
            outKey[p] = [];
            outW[p] = [];
            outW2[p] = [];
            outCount[p] = [];
        }
        void Flush(int unit)
        {
            for (var p = 0; p < projections; p++)
            {
                foreach (var k in touched[p])
                {
                    outUnit[p].Add(unit);
                    outKey[p].Add(k);
                    outW[p].Add(w[p][k]);
                    outW2[p].Add(w2[p][k]);
                    outCount[p].Add(count[p][k]);
                    w[p][k] = 0;
                    w2[p][k] = 0;
                    count[p][k] = 0;
                }
                touched[p].Clear();
            }
        }
        var n = rows?.Length ?? Length;
        var current = -1;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var unit = Unit[r];
            if (unit != current)
            {
                if (current >= 0) Flush(current);
                current = unit;
            }
            var key = Key[r];
            double weight = Weight[r], weight2 = Weight2[r];
            var c = Count[r];
            for (var p = 0; p < projections; p++)
            {
                var k = maps[p][key];
                if (k < 0) continue;
                if (count[p][k] == 0) touched[p].Add(k);
                w[p][k] += weight;
                w2[p][k] += weight2;
                count[p][k] += c;
            }
        }
        if (current >= 0) Flush(current);
        var result = new EntryTable[projections];
        for (var p = 0; p < projections; p++)
            result[p] = new EntryTable(outUnit[p].ToArray(), outKey[p].ToArray(), outW[p].ToArray(), outW2[p].ToArray(), outCount[p].ToArray(), keyCount);
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
                w2.Add(0);
                count.Add(0);
            }
            CollectionsMarshal.AsSpan(w)[slot] += Weight[r];
            CollectionsMarshal.AsSpan(w2)[slot] += Weight2[r];
            CollectionsMarshal.AsSpan(count)[slot] += Count[r];
        }
        return new EntryTable(unit.ToArray(), key.ToArray(), w.ToArray(), w2.ToArray(), count.ToArray(), keyCount);
    }
}
