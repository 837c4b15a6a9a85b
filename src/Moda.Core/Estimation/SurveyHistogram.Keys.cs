using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Moda.Deprivation;

namespace Moda.Estimation;

// Patterns found by key: without a monetary rule and with at most 12 dimensions, a child's
// (group, observed, deprived) is one number, and a table from key to pattern is the pattern index.
public sealed partial class SurveyHistogram
{
    // Key tables are 256 KB and more, one per partial histogram: a consumed histogram clears the
    // slots it set and gives its table back, so the next partial neither allocates nor clears one.
    private static readonly ArrayPool<int> KeyTables = ArrayPool<int>.Create(1 << 18, 64);
    private readonly bool _keyable;          // every pattern is found by its key in _keyed
    private int[] _keyed = [];               // row key → pattern + 1, from KeyTables at the first Add
    private readonly List<int> _keys = [];   // the keys set in _keyed

    // Each row's pattern, -1 for a row in no age group (those are counted).
    private int RowPatterns(ChildClassifier c, Span<int> patterns)
    {
        if (_keyable) return RowPatternsByKey(c, patterns);
        var group = c.Group;
        var deprived = c.Deprived;
        var observed = c.Observed;
        var monetary = _plan.Monetary is null ? null : c.MonetaryTruth;
        var unassigned = 0;
        for (var r = 0; r < patterns.Length; r++)
        {
            var g = group[r];
            if (g < 0)
            {
                patterns[r] = -1;
                unassigned++;
                continue;
            }
            patterns[r] = PatternIndex(g, deprived[r], observed[r], monetary is null ? (byte)1 : monetary[r]);
        }
        return unassigned;
    }

    // Without a monetary rule and with few dimensions, a row's (group, observed, deprived) is one
    // number, its key (negative for no group), and its pattern is found in a table by key: eight
    // rows a step, the keys computed and their patterns gathered; a step with a row in no group or
    // a key met for the first time goes row by row (new patterns are made in row order).
    private unsafe int RowPatternsByKey(ChildClassifier c, Span<int> patterns)
    {
        var d = _dimensions;
        var size = _plan.Groups.Count << (2 * d);
        if (_keyed.Length == 0) _keyed = KeyTables.Rent(size);
        var group = c.Group.AsSpan(0, patterns.Length);
        var deprived = c.Deprived.AsSpan(0, patterns.Length);
        var observed = c.Observed.AsSpan(0, patterns.Length);
        var unassigned = 0;
        var r = 0;
        fixed (int* table = _keyed)
        {
            if (Avx2.IsSupported)
                for (; r <= patterns.Length - 8; r += 8)
                {
                    var key = (Vector256.Create(group.Slice(r, 8)) << (2 * d)) |
                        (Vector256.Create(observed.Slice(r, 8)) << d).AsInt32() | Vector256.Create(deprived.Slice(r, 8)).AsInt32();
                    if (key.ExtractMostSignificantBits() == 0)
                    {
                        var slot = Avx2.GatherVector256(table, key, 4);
                        if (!Vector256.EqualsAny(slot, Vector256<int>.Zero))
                        {
                            (slot - Vector256<int>.One).CopyTo(patterns.Slice(r, 8));
                            continue;
                        }
                    }
                    key.CopyTo(patterns.Slice(r, 8));
                    unassigned += PatternsOfKeys(table, patterns.Slice(r, 8));
                }
            for (var t = r; t < patterns.Length; t++)
                patterns[t] = (group[t] << (2 * d)) | (int)(observed[t] << d) | (int)deprived[t];
            unassigned += PatternsOfKeys(table, patterns[r..]);
        }
        return unassigned;
    }

    // Keys to patterns row by row, making the patterns of keys met for the first time.
    private unsafe int PatternsOfKeys(int* table, Span<int> patterns)
    {
        var d = _dimensions;
        var mask = (1 << d) - 1;
        var unassigned = 0;
        for (var r = 0; r < patterns.Length; r++)
        {
            var k = patterns[r];
            if (k < 0)
            {
                patterns[r] = -1;
                unassigned++;
                continue;
            }
            var slot = table[k];
            if (slot == 0)
            {
                slot = table[k] = NewPattern(new Pattern(k >> (2 * d), (uint)(k & mask), (uint)((k >> d) & mask), 1)) + 1;
                _keys.Add(k);
            }
            patterns[r] = slot - 1;
        }
        return unassigned;
    }

    // A histogram merged into another or released adds no more rows: its key table is cleared and pooled.
    private void ReturnKeyTable()
    {
        if (_keyed.Length == 0) return;
        foreach (var k in _keys) _keyed[k] = 0;
        KeyTables.Return(_keyed);
        _keyed = [];
        _keys.Clear();
    }

    // The other histogram's patterns numbered as this one's (made here when new, in its order).
    private int[] PatternsOf(SurveyHistogram other)
    {
        var map = new int[other.Patterns.Count];
        if (!_keyable)
        {
            for (var i = 0; i < map.Length; i++)
            {
                var p = other.Patterns[i];
                map[i] = PatternIndex(p.Group, p.Deprived, p.Observed, p.Monetary);
            }
            return map;
        }
        var d = _dimensions;
        if (_keyed.Length == 0) _keyed = KeyTables.Rent(_plan.Groups.Count << (2 * d));
        for (var i = 0; i < map.Length; i++)
        {
            var p = other.Patterns[i];
            var k = (p.Group << (2 * d)) | (int)(p.Observed << d) | (int)p.Deprived;
            ref var slot = ref _keyed[k];
            if (slot == 0)
            {
                slot = NewPattern(p) + 1;
                _keys.Add(k);
            }
            map[i] = slot - 1;
        }
        return map;
    }

    // A pattern not met before, in a histogram whose patterns are all found by key: the key
    // table is their index, and the hash maps are not needed.
    private int NewPattern(Pattern p)
    {
        Patterns.Add(p);
        return Patterns.Count - 1;
    }
}
