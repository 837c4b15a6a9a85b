using System.Buffers;
using System.Runtime.InteropServices;
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
    private readonly List<int> _patternKeys; // where patterns are found by key: each pattern's key, as Patterns

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

    // The key table, rented when first needed after it was given back (ReturnKeyTable), with the
    // slots of the patterns made so far set again.
    private int[] KeyTable()
    {
        if (_keyed.Length > 0) return _keyed;
        _keyed = KeyTables.Rent(_keys.Space);
        for (var p = 0; p < _patternKeys.Count; p++) _keyed[_patternKeys[p]] = p + 1;
        return _keyed;
    }

    // The pattern of a key (made, at the end of Patterns, when first met).
    private int PatternOfKey(int[] table, int key) => PatternOfKeyIndex(ref table[key], key);

    // The pattern in a key table slot, made (at the end of Patterns) when the slot is empty.
    private int PatternOfKeyIndex(ref int slot, int key)
    {
        if (slot == 0)
        {
            Patterns.Add(PatternOfKey(key));
            _patternKeys.Add(key);
            slot = Patterns.Count;
        }
        return slot - 1;
    }

    // Clears the slots the patterns set and pools the table: when the histogram is merged into
    // another or released, and after a partial's one batch (HistogramBuilder.Filled), on the thread
    // that filled it, whose caches hold the slots (a merge on another core fetched each slot's
    // line from that core's). A later Add or merge rents a table again.
    internal void ReturnKeyTable()
    {
        if (_keyed.Length == 0) return;
        foreach (var key in CollectionsMarshal.AsSpan(_patternKeys)) _keyed[key] = 0;
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
            map[i] = table is null ? PatternIndex(p.Group, p.Deprived, p.Observed, p.Monetary) : PatternOfKey(table, other._patternKeys[i]);
        }
        return map;
    }
}
