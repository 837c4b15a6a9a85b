using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Moda.Deprivation;

namespace Moda.Estimation;

// Patterns found by key: a child's (group, monetary truth, observed, deprived) is one number, its
// key, and when every key fits in MaxKeys (up to 10 dimensions; 9 with two age groups and a
// monetary rule) a table from key to pattern is the pattern index.
public sealed partial class SurveyHistogram
{
    // Keys up to 2^20 (a 4 MB table): eight dimensions with two age groups and a monetary rule
    // take 2^19. A wider plan finds its patterns through the hash map (PatternIndex).
    private const int MaxKeys = 1 << 20;

    // Key tables are 256 KB and more, one per partial histogram: a consumed histogram clears the
    // slots it set and gives its table back, so the next partial neither allocates nor clears one.
    private static readonly ArrayPool<int> KeyTables = ArrayPool<int>.Create(MaxKeys, 16);
    private readonly bool _keyable;          // every pattern is found by its key in _keyed
    private readonly bool _monetaryInKey;    // the key holds the monetary truth (2 bits above the group)
    private readonly int _keyShift;          // where the key's group (and monetary) bits start: 2 × dimensions
    private readonly int _keySpace;          // number of keys: the key table's length
    private int[] _keyed = [];               // key → pattern + 1, from KeyTables when first needed
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

    // The key of a child (negative for a child in no age group). Without a monetary rule the
    // monetary truth is 1 and not in the key.
    private int Key(int group, uint deprived, uint observed, byte monetary) =>
        ((_monetaryInKey ? (group << 2) | monetary : group) << _keyShift) | (int)(observed << _dimensions) | (int)deprived;

    private Pattern PatternOfKey(int key)
    {
        var mask = (1u << _dimensions) - 1;
        var high = key >> _keyShift;
        return _monetaryInKey
            ? new Pattern(high >> 2, (uint)key & mask, ((uint)key >> _dimensions) & mask, (byte)(high & 3))
            : new Pattern(high, (uint)key & mask, ((uint)key >> _dimensions) & mask, 1);
    }

    private int[] KeyTable() => _keyed.Length > 0 ? _keyed : _keyed = KeyTables.Rent(_keySpace);

    // Eight rows a step: the keys computed and their patterns gathered; a step with a row in no
    // group or a key met for the first time goes row by row (new patterns are made in row order).
    private unsafe int RowPatternsByKey(ChildClassifier c, Span<int> patterns)
    {
        var n = patterns.Length;
        var group = c.Group.AsSpan(0, n);
        var deprived = c.Deprived.AsSpan(0, n);
        var observed = c.Observed.AsSpan(0, n);
        var monetary = _monetaryInKey ? c.MonetaryTruth.AsSpan(0, n) : default;
        var unassigned = 0;
        var r = 0;
        fixed (int* table = KeyTable())
        fixed (byte* money = monetary)
        {
            if (Avx2.IsSupported)
                for (; r <= n - 8; r += 8)
                {
                    var high = Vector256.Create(group.Slice(r, 8));
                    if (_monetaryInKey) high = (high << 2) | Avx2.ConvertToVector256Int32(money + r);
                    var key = (high << _keyShift) | (Vector256.Create(observed.Slice(r, 8)) << _dimensions).AsInt32() |
                        Vector256.Create(deprived.Slice(r, 8)).AsInt32();
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
            for (var t = r; t < n; t++)
                patterns[t] = Key(group[t], deprived[t], observed[t], _monetaryInKey ? monetary[t] : (byte)1);
            unassigned += PatternsOfKeys(table, patterns[r..]);
        }
        return unassigned;
    }

    // Keys to patterns row by row, making the patterns of keys met for the first time.
    private unsafe int PatternsOfKeys(int* table, Span<int> patterns)
    {
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
            patterns[r] = PatternOfKeyIndex(ref table[k], k);
        }
        return unassigned;
    }

    // The pattern in a key table slot, made (at the end of Patterns) when the slot is empty.
    private int PatternOfKeyIndex(ref int slot, int key)
    {
        if (slot == 0)
        {
            Patterns.Add(PatternOfKey(key));
            slot = Patterns.Count;
            _keys.Add(key);
        }
        return slot - 1;
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
        var table = _keyable ? KeyTable() : null;
        for (var i = 0; i < map.Length; i++)
        {
            var p = other.Patterns[i];
            if (table is null) map[i] = PatternIndex(p.Group, p.Deprived, p.Observed, p.Monetary);
            else
            {
                var k = Key(p.Group, p.Deprived, p.Observed, p.Monetary);
                map[i] = PatternOfKeyIndex(ref table[k], k);
            }
        }
        return map;
    }
}
