using System.Buffers;
using Moda.Deprivation;

namespace Moda.Estimation;

// Patterns found by key: a child's (group, monetary truth, observed, deprived) is one number, its
// key (PatternKeys), which the classifier makes; when every key fits in a table (up to 10
// dimensions; 9 with two age groups and a monetary rule), a table from key to pattern is the
// pattern index, read row by row as runs are summed. A wider plan finds its patterns through the
// hash map.
public sealed partial class SurveyHistogram
{
    // Key tables are 256 KB and more, one per partial histogram: a consumed histogram clears the
    // slots it set and gives its table back, so the next partial neither allocates nor clears one.
    private static readonly ArrayPool<int> KeyTables = ArrayPool<int>.Create(PatternKeys.MaxKeys, 16);
    private readonly PatternKeys _keys;      // when they fit, every pattern is found by its key in _keyed
    private int[] _keyed = [];               // key → pattern + 1, from KeyTables when first needed

    // Each row's pattern, -1 for a row in no age group (those are counted), in a histogram whose
    // patterns are not found by key.
    private int RowPatterns(ChildClassifier c, Span<int> patterns)
    {
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

    // Rows in no age group: their keys are negative.
    private static int CountUnassigned(ReadOnlySpan<int> keys)
    {
        var n = 0;
        foreach (var k in keys) n += k >>> 31;
        return n;
    }

    private Pattern PatternOfKey(int key)
    {
        var (group, deprived, observed, monetary) = _keys.Facts(key);
        return new Pattern(group, deprived, observed, monetary);
    }

    private int[] KeyTable() => _keyed.Length > 0 ? _keyed : _keyed = KeyTables.Rent(_keys.Space);

    // The pattern of a key (made, at the end of Patterns, when first met).
    private int PatternOfKey(int[] table, int key) => PatternOfKeyIndex(ref table[key], key);

    // The pattern in a key table slot, made (at the end of Patterns) when the slot is empty.
    private int PatternOfKeyIndex(ref int slot, int key)
    {
        if (slot == 0)
        {
            Patterns.Add(PatternOfKey(key));
            slot = Patterns.Count;
        }
        return slot - 1;
    }

    // A histogram merged into another or released adds no more rows: its key table is cleared and pooled.
    private void ReturnKeyTable()
    {
        if (_keyed.Length == 0) return;
        foreach (var p in Patterns) _keyed[_keys.Key(p.Group, p.Deprived, p.Observed, p.Monetary)] = 0; // every pattern's key has a slot
        KeyTables.Return(_keyed);
        _keyed = [];
    }

    // The other histogram's patterns numbered as this one's (made here when new, in its order).
    private int[] PatternsOf(SurveyHistogram other)
    {
        var map = new int[other.Patterns.Count];
        var table = _keys.Fit ? KeyTable() : null;
        for (var i = 0; i < map.Length; i++)
        {
            var p = other.Patterns[i];
            if (table is null) map[i] = PatternIndex(p.Group, p.Deprived, p.Observed, p.Monetary);
            else
            {
                map[i] = PatternOfKey(table, _keys.Key(p.Group, p.Deprived, p.Observed, p.Monetary));
            }
        }
        return map;
    }
}
