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

    /// <summary>
    /// Sums the rows listed in <paramref name="rows"/> (all rows when null) by (unit, new key),
    /// where <paramref name="map"/> gives each old key's new key (-1 drops the row).
    /// </summary>
    public EntryTable Project(int[]? rows, ReadOnlySpan<int> map, int keyCount, int unitCount)
    {
        var n = rows?.Length ?? Length;
        var index = new Dictionary<long, int>();
        var unit = new List<int>();
        var key = new List<int>();
        var w = new List<double>();
        var w2 = new List<double>();
        var count = new List<long>();
        // Dense slots when units × keys is small, a dictionary otherwise.
        var dense = (long)unitCount * keyCount <= 4_000_000 ? new int[unitCount * keyCount] : null;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var k = map[Key[r]];
            if (k < 0) continue;
            var c = Unit[r];
            int slot;
            if (dense is not null)
            {
                ref var s = ref dense[c * keyCount + k];
                if (s == 0)
                {
                    s = unit.Count + 1;
                    Add(c, k);
                }
                slot = s - 1;
            }
            else
            {
                ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(index, (long)c * keyCount + k, out var exists);
                if (!exists)
                {
                    s = unit.Count;
                    Add(c, k);
                }
                slot = s;
            }
            CollectionsMarshal.AsSpan(w)[slot] += Weight[r];
            CollectionsMarshal.AsSpan(w2)[slot] += Weight2[r];
            CollectionsMarshal.AsSpan(count)[slot] += Count[r];
        }
        return new EntryTable(unit.ToArray(), key.ToArray(), w.ToArray(), w2.ToArray(), count.ToArray(), keyCount);

        void Add(int c, int k)
        {
            unit.Add(c);
            key.Add(k);
            w.Add(0);
            w2.Add(0);
            count.Add(0);
        }
    }

    /// <summary>The rows of each key: <c>result[k]</c> lists the rows whose key is k.</summary>
    public int[][] RowsByKey()
    {
        var counts = new int[KeyCount];
        foreach (var k in Key) counts[k]++;
        var result = new int[KeyCount][];
        for (var k = 0; k < KeyCount; k++) result[k] = new int[counts[k]];
        Array.Clear(counts);
        for (var r = 0; r < Length; r++) result[Key[r]][counts[Key[r]]++] = r;
        return result;
    }
}
