using System.Numerics;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Estimation;

/// <summary>
/// The one sufficient statistic: total weight, squared weight and count of children per
/// (sampling unit, breakdown cell, pattern), plus per unit the indicator totals. Every rate,
/// distribution, overlap, H/A/M0, contribution and their variances is a function of it. Rows
/// are added in batches and nothing per row is kept; histograms filled on different threads
/// merge by addition (<see cref="Merge"/>).
/// </summary>
public sealed partial class SurveyHistogram
{
    private readonly AnalysisPlan _plan;
    private readonly string _file;
    private readonly bool _rowUnits;
    private readonly int _indicatorStride;          // values per unit: IndicatorWidth for each (group, indicator) that applies
    private readonly int[] _indicatorOffset;        // per group × indicator: its values' offset in a unit's totals, or -1
    private readonly int[] _indicatorTarget;        // AddIndicators' offsets (see the constructor)
    private readonly double[] _indicatorSums;       // AddIndicators' copy of a unit's totals, with spare slots
    private readonly int[] _summedIndicators;       // the indicators AddIndicators sums: those not whole dimensions
    private readonly bool _packPatterns;
    private readonly LongIntMap _patternIndex = new(capacity: 8); // only for plans too wide for the key table
    private readonly Dictionary<UInt128, int> _wideIndex = [];
    private readonly Dictionary<ulong, int> _cellIndex = [];
    private HistogramEntries _entries;               // this histogram's own entries (rows it added)
    private readonly List<Segment> _segments = [];   // entries of histograms merged in, with their index maps
    private int _segmentEntries;
    private readonly LongIntMap _entryIndex = new(capacity: 8); // grows; asked only for (unit, cell) pairs met again
    private readonly LongIntMap _runs = new(capacity: 512); // (unit, cell) pairs met so far (a chunk of a sorted file: a few hundred)
    private int[] _stratumOfCode = [];              // stratum category code → stratum index + 1
    private int[] _unitOfPsu = [];                  // PSU category code − _psuBase → unit + 1 (nested ids): a window over the codes met
    private int _psuBase;
    private readonly Dictionary<(int Stratum, int Psu), int> _unitOfPair = []; // PSU codes reused across strata
    private readonly List<int> _unitStratum = [];
    private readonly List<int> _unitPsu = [];
    private readonly List<double[]> _indicators = [];
    private readonly List<int> _strataCodes = [];
    private readonly List<long> _strataChildren = [];
    private readonly List<double> _strataFpc = [];
    private bool _merged;
    private bool _released;
    private bool _indicatorsReleased;
    private bool _consumed;                  // merged into another histogram, which owns its entries now
    private bool _failed;                    // an Add threw (bad data) part way: the sums are not whole
    private long _lastPatternKey = -1;
    private int _lastPattern;
    private int[] _entryStamp = [];   // per pattern: the run of (unit, cell) its cached entry belongs to
    private int[] _entryOfPattern = [];
    private int _run;
    private int _runUnit = -1, _runCell = -1;

    /// <summary>
    /// Creates an empty histogram for a plan. With <paramref name="rowUnits"/> every child is its own
    /// sampling unit (bootstrap without clusters); <paramref name="expectedEntries"/> and
    /// <paramref name="expectedPatterns"/> pre-size the entry columns and the pattern list.
    /// </summary>
    public SurveyHistogram(AnalysisPlan plan, string file, bool rowUnits = false, int expectedEntries = 0, int expectedPatterns = 16)
    {
        Patterns = new List<Pattern>(Math.Clamp(expectedPatterns, 0, 1 << 16));
        // A chunk's partial histogram: the entry columns are sized once instead of doubling.
        _plan = plan;
        _file = file;
        _rowUnits = rowUnits && plan.ClusterSlot < 0;
        HasSquares = !UnitsArePsus;
        _entries = HistogramEntries.Pooled(Math.Max(expectedEntries, 0), HasSquares);
        // A unit's indicator totals hold only the (group, indicator) pairs that apply, and Σw² only
        // where the variance reads it (each child its own PSU, where units are strata): 10M
        // children of the Hubei layout in 400,000 PSUs took 410 MB, now 147 MB.
        IndicatorWidth = HasSquares ? 4 : 2;
        _indicatorOffset = new int[plan.Groups.Count * plan.Indicators.Count];
        for (var g = 0; g < plan.Groups.Count; g++)
            for (var i = 0; i < plan.Indicators.Count; i++)
            {
                var ind = plan.Indicators[i];
                var applies = !ind.IsWholeDimension && (ind.AgeGroupMask & (1u << g)) != 0;
                _indicatorOffset[g * plan.Indicators.Count + i] = applies ? _indicatorStride : -1;
                if (applies) _indicatorStride += IndicatorWidth;
            }
        // Per (group + 1) × indicator, where AddIndicators sums a row: its offset, or the spare
        // slots past the totals (row 0: rows in no age group).
        _indicatorSums = new double[_indicatorStride + IndicatorWidth];
        _summedIndicators = Enumerable.Range(0, plan.Indicators.Count).Where(i => !plan.Indicators[i].IsWholeDimension).ToArray();
        _indicatorTarget = new int[(plan.Groups.Count + 1) * plan.Indicators.Count];
        for (var t = 0; t < _indicatorTarget.Length; t++)
        {
            var o = t < plan.Indicators.Count ? -1 : _indicatorOffset[t - plan.Indicators.Count];
            _indicatorTarget[t] = o < 0 ? _indicatorStride : o;
        }
        _packPatterns = plan.DimensionNames.Count <= 28 && plan.Groups.Count <= 16;
        _keys = PatternKeys.Of(plan);
        _patternKeys = new List<int>(_keys.Fit ? Patterns.Capacity : 0);
        if (plan.GroupBySlots.Count > 4)
            throw new Configuration.ModaConfigurationException("groupBy", "at most 4 breakdown columns are supported in one run");
        if (plan.GroupBySlots.Count == 0) Cells.Add([]); // the one cell when there are no breakdowns
    }

    /// <summary>Distinct patterns, indexed as in <see cref="HistogramEntries.Pattern"/>.</summary>
    public List<Pattern> Patterns { get; }

    /// <summary>Distinct breakdown cells: per cell, the category code of each breakdown column (-1 = missing).</summary>
    public List<int[]> Cells { get; } = [];

    /// <summary>Number of entries, merged histograms' included.</summary>
    public int EntryCount => _entries.Count + _segmentEntries;

    /// <summary>
    /// The entries, merged histograms' included (their units, cells and patterns renumbered as
    /// this histogram's), as a new set of columns exactly <see cref="EntryCount"/> long. Entries
    /// are not summed: a (unit, cell, pattern) may appear more than once, which every estimator sums anyway.
    /// </summary>
    public HistogramEntries ToEntries() => CopyEntries(HistogramEntries.Unpooled(EntryCount, squares: true));

    /// <summary>
    /// <see cref="ToEntries"/> for the estimator: without the Σw² column (empty, not NaN) where
    /// the histogram keeps no squares, as its tables then need none (58 MB at 10M children of the
    /// Hubei layout, and as much again in every projection of them).
    /// </summary>
    internal HistogramEntries ToEstimatorEntries() => CopyEntries(HistogramEntries.Unpooled(EntryCount, HasSquares));

    private HistogramEntries CopyEntries(HistogramEntries all)
    {
        // Each segment's place is known beforehand, so the segments are copied on every core (at
        // 10M children, 3.6M entries: 78 ms on one thread, the other idle).
        var starts = new int[_segments.Count + 1];
        starts[0] = _entries.Count;
        for (var i = 0; i < _segments.Count; i++) starts[i + 1] = starts[i] + _segments[i].Count;
        Copy(_entries, null, all, 0);
        Parallel.For(0, _segments.Count, i => Copy(_segments[i].Entries, _segments[i], all, starts[i]));
        all.Count = starts[^1];
        return all;
    }

    // The entries of `from` (renumbered by a merged segment's maps) into `to` from entry `at` on.
    private static void Copy(HistogramEntries from, Segment? map, HistogramEntries to, int at)
    {
        var n = map?.Count ?? from.Count;
        if (map is null)
        {
            from.Unit.AsSpan(0, n).CopyTo(to.Unit.AsSpan(at));
            from.Cell.AsSpan(0, n).CopyTo(to.Cell.AsSpan(at));
            from.Pattern.AsSpan(0, n).CopyTo(to.Pattern.AsSpan(at));
        }
        else
        {
            Remap(from.Unit.AsSpan(0, n), map.Units, to.Unit.AsSpan(at));
            Remap(from.Cell.AsSpan(0, n), map.Cells, to.Cell.AsSpan(at));
            Remap(from.Pattern.AsSpan(0, n), map.Patterns, to.Pattern.AsSpan(at));
        }
        from.Weight.AsSpan(0, n).CopyTo(to.Weight.AsSpan(at));
        if (from.HasSquares) from.Weight2.AsSpan(0, n).CopyTo(to.Weight2.AsSpan(at));
        else if (to.HasSquares) to.Weight2.AsSpan(at, n).Fill(double.NaN);
        from.Children.AsSpan(0, n).CopyTo(to.Children.AsSpan(at));
    }

    // to[e] = map[from[e]].
    private static void Remap(ReadOnlySpan<int> from, int[] map, Span<int> to)
    {
        for (var e = 0; e < from.Length; e++) to[e] = map[from[e]];
    }

    /// <summary>Rows read.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows in no age group (age missing or outside every group).</summary>
    public long Unassigned { get; private set; }

    /// <summary>Number of sampling units (PSUs, or strata when each child is its own PSU).</summary>
    public int UnitCount => _unitStratum.Count;

    /// <summary>Stratum index of each unit.</summary>
    public IReadOnlyList<int> UnitStratum => _unitStratum;

    /// <summary>PSU category code of each unit (-1 when units are strata; the row number when rows are units).</summary>
    public IReadOnlyList<int> UnitPsu => _unitPsu;

    /// <summary>Number of strata.</summary>
    public int StratumCount => _strataCodes.Count;

    /// <summary>Stratum category code of each stratum index (-1 when there are no strata).</summary>
    public IReadOnlyList<int> StratumCodes => _strataCodes;

    /// <summary>Children per stratum.</summary>
    public IReadOnlyList<long> StratumChildren => _strataChildren;

    /// <summary>Finite population correction per stratum, NaN when none.</summary>
    public IReadOnlyList<double> StratumFpc => _strataFpc;

    /// <summary>True when units are PSUs (clusters, or rows as units); false when units are strata and each child is its own PSU.</summary>
    public bool UnitsArePsus => _plan.ClusterSlot >= 0 || _rowUnits;

    /// <summary>
    /// True when entries keep Σw² (<see cref="HistogramEntries.Weight2"/>): where each child is its
    /// own PSU (<see cref="UnitsArePsus"/> false), whose variances sum squared weights. Variances
    /// over PSUs need only their totals, so the squares are not summed; Weight2 is NaN then.
    /// </summary>
    public bool HasSquares { get; }

    /// <summary>The stratum column's dictionary, once a batch has been read.</summary>
    public CategoryDictionary? StratumDictionary { get; private set; }

    /// <summary>The cluster column's dictionary, once a batch has been read.</summary>
    public CategoryDictionary? ClusterDictionary { get; private set; }

    /// <summary>The breakdown columns' dictionaries, once a batch has been read.</summary>
    public CategoryDictionary?[] GroupByDictionaries { get; private set; } = [];

    /// <summary>
    /// Indicator totals of a unit: for age group g and indicator i, from <see cref="IndicatorOffset"/>,
    /// Σw·deprived, Σw·observed and, with <see cref="HasSquares"/>, Σw²·deprived, Σw²·observed;
    /// null when the unit has none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The totals were released (<see cref="ReleaseIndicatorTotals"/>).</exception>
    public double[]? IndicatorTotals(int unit)
    {
        if (_indicatorsReleased) throw new InvalidOperationException("the histogram's indicator totals were released");
        return unit < _indicators.Count ? _indicators[unit] : null;
    }

    /// <summary>
    /// Frees the indicator totals once an estimator has taken the indicators' rates from them (an
    /// array per unit: at 400,000 PSUs and the Hubei study's indicators, 140 MB);
    /// <see cref="IndicatorTotals"/> throws afterwards. Implies <see cref="ReleaseEntries()"/>'s
    /// end: no rows can be added.
    /// </summary>
    public void ReleaseIndicatorTotals()
    {
        _released = true;
        _indicatorsReleased = true;
        _indicators.Clear();
        _indicators.TrimExcess();
    }

    /// <summary>Values per (age group, indicator) in <see cref="IndicatorTotals"/>: 4 with <see cref="HasSquares"/>, else 2.</summary>
    public int IndicatorWidth { get; }

    /// <summary>
    /// Where age group <paramref name="group"/>'s totals of indicator <paramref name="indicator"/>
    /// begin in <see cref="IndicatorTotals"/>; -1 when the indicator does not apply to the group
    /// or is a whole dimension (its rate is the dimension's).
    /// </summary>
    public int IndicatorOffset(int group, int indicator) => _indicatorOffset[group * _plan.Indicators.Count + indicator];

    /// <summary>Adds the rows of <paramref name="batch"/> as classified by <paramref name="c"/>.</summary>
    public void Add(ColumnBatch batch, ChildClassifier c)
    {
        if (_merged) throw new InvalidOperationException("rows cannot be added to a histogram once it has been merged with another; merge partial histograms instead");
        if (_released) throw new InvalidOperationException("rows cannot be added to a histogram once its entries are released");
        if (_failed) throw new InvalidOperationException("rows cannot be added to a histogram after an Add that failed part way");
        var plan = _plan;
        ReadOnlySpan<double> weight = plan.WeightSlot >= 0 ? batch.Numeric(plan.WeightSlot) : default;
        ReadOnlySpan<int> stratum = plan.StratumSlot >= 0 ? batch.Categorical(plan.StratumSlot) : default;
        ReadOnlySpan<int> psu = plan.ClusterSlot >= 0 ? batch.Categorical(plan.ClusterSlot) : default;
        ReadOnlySpan<double> fpc = plan.FpcSlot >= 0 ? batch.Numeric(plan.FpcSlot) : default;
        if (plan.StratumSlot >= 0) StratumDictionary = batch.Categories[plan.StratumSlot];
        if (plan.ClusterSlot >= 0) ClusterDictionary = batch.Categories[plan.ClusterSlot];
        if (GroupByDictionaries.Length != plan.GroupBySlots.Count)
            GroupByDictionaries = plan.GroupBySlots.Select(s => batch.Categories[s]).ToArray();

        // Each row's key (negative: in no age group), from the classifier, or where keys do not fit
        // a table, each row's pattern; then the sums run by run, by key or pattern (the row's slot).
        var rows = batch.Count;
        var keyed = _keys.Fit;
        if (keyed && c.KeyLayout != _keys) throw new ArgumentException("the classifier was made for a plan with other dimensions, age groups or monetary rule", nameof(c));
        int[] scratch = keyed ? [] : ArrayPool<int>.Shared.Rent(Math.Max(rows, 1));
        using var cellScratch = plan.GroupBySlots.Count > 0 ? new CellScratch(batch, plan.GroupBySlots) : null;
        var summed = false;
        try
        {
            ReadOnlySpan<int> slots = keyed ? c.Keys.AsSpan(0, rows) : scratch.AsSpan(0, rows);
            var unassigned = keyed ? (c.HasUnassigned ? CountUnassigned(slots) : 0) : RowPatterns(c, scratch.AsSpan(0, rows));
            RentRunSums();
            var badWeight = weight.IsEmpty ? rows : FirstBadWeight(weight);

            // Survey files list a PSU's children together: the stratum and unit are resolved once
            // per run of rows that share their codes, not once per row, and breakdown cells within
            // the run by AddUnit.
            for (var r = 0; r < rows;)
            {
                if (badWeight == r) throw BadWeight(batch, r, weight[r]);
                var s = 0;
                if (plan.StratumSlot >= 0)
                {
                    s = stratum[r];
                    if (s < 0) throw Bad(batch, r, plan.StratumSlot, "the stratum is missing");
                }
                var stratumIndex = StratumIndex(s, fpc.IsEmpty ? double.NaN : fpc[r], batch, r);
                int unit;
                if (plan.ClusterSlot >= 0)
                {
                    if (psu[r] < 0) throw Bad(batch, r, plan.ClusterSlot, "the cluster (PSU) is missing");
                    unit = Unit(stratumIndex, psu[r]);
                }
                else unit = _rowUnits ? NewUnit(stratumIndex, (int)(batch.FirstRow + r)) : Unit(stratumIndex, -1);
                var runEnd = _rowUnits ? r + 1 : RunEnd(batch, r, stratum, psu, fpc);
                if (badWeight < runEnd) throw BadWeight(batch, badWeight, weight[badWeight]);
                CollectionsMarshal.AsSpan(_strataChildren)[stratumIndex] += runEnd - r;

                AddUnit(c, slots, weight, r, runEnd, unit, cellScratch);
                r = runEnd;
            }
            Unassigned += unassigned;
            // The open run may go on in the next batch; its sums so far are written to the entries now.
            WriteRun(reset: false);
            summed = true;
        }
        finally
        {
            if (!keyed) ArrayPool<int>.Shared.Return(scratch);
            ReturnRunSums(clean: summed);
            _failed |= !summed;
        }
        Rows += batch.Count;
    }

    /// <summary>
    /// Adds another histogram of the same plan (filled on another thread) into this one, which
    /// takes its entries over: the other one can be read but not merged again nor take rows.
    /// </summary>
    public void Merge(SurveyHistogram other)
    {
        // Checked before anything of the other's is taken in: a merge that throws changes nothing.
        if (_released) throw new InvalidOperationException("a histogram whose entries are released cannot take others in");
        if (other._consumed) throw new InvalidOperationException("this histogram was already merged into another; a histogram's entries go to one total");
        if (_failed || other._failed) throw new InvalidOperationException("a histogram whose Add failed part way cannot be merged");
        if (ReferenceEquals(other, this)) throw new InvalidOperationException("a histogram cannot be merged into itself");
        if (other.UnitsArePsus != UnitsArePsus) throw new InvalidOperationException("a histogram whose children are their own PSUs cannot be merged with one whose units are PSUs");
        StratumDictionary ??= other.StratumDictionary;
        ClusterDictionary ??= other.ClusterDictionary;
        if (GroupByDictionaries.Length == 0) GroupByDictionaries = other.GroupByDictionaries;
        int Recode(CategoryDictionary? mine, CategoryDictionary? theirs, int code) =>
            code < 0 || ReferenceEquals(mine, theirs) ? code : mine!.GetOrAdd(theirs!, code);

        var strata = new int[other.StratumCount];
        for (var h = 0; h < strata.Length; h++)
        {
            var code = Recode(StratumDictionary, other.StratumDictionary, other._strataCodes[h]);
            strata[h] = StratumIndex(code < 0 ? 0 : code, other._strataFpc[h], null, 0);
            CollectionsMarshal.AsSpan(_strataChildren)[strata[h]] += other._strataChildren[h];
        }
        var units = new int[other.UnitCount];
        var psus = PsuCodesOf(other);
        for (var u = 0; u < units.Length; u++)
        {
            var stratumIndex = strata[other._unitStratum[u]];
            units[u] = other._rowUnits ? NewUnit(stratumIndex, other._unitPsu[u]) : Unit(stratumIndex, psus[u]);
            if (other.IndicatorTotals(u) is { } totals)
            {
                var mine = Indicators(units[u]);
                for (var i = 0; i < totals.Length; i++) mine[i] += totals[i];
            }
        }
        var cells = new int[other.Cells.Count];
        for (var k = 0; k < cells.Length && other.Cells[k].Length > 0; k++)
        {
            var codes = other.Cells[k].Select((code, b) => Recode(GroupByDictionaries[b], other.GroupByDictionaries[b], code)).ToArray();
            cells[k] = CellIndex(codes);
        }
        var patterns = PatternsOf(other);
        // The other histogram's entries are kept where they are, with the maps that renumber them
        // (ToEntries applies them): a merge costs its units, cells and patterns, not its entries.
        // Entries are not looked up: a (unit, cell, pattern) split across two histograms appears
        // twice, which every estimator sums anyway. Both histograms are closed to Add from now on.
        _merged = other._merged = other._consumed = true;
        other.ReturnKeyTable();
        other.ReturnTouched();
        ReturnTouched();
        if (other._entries.Count > 0) _segments.Add(new Segment(other._entries, other._entries.Count, units, cells, patterns));
        foreach (var s in other._segments)
            _segments.Add(new Segment(s.Entries, s.Count, Compose(units, s.Units), Compose(cells, s.Cells), Compose(patterns, s.Patterns)));
        _segmentEntries += other.EntryCount;
        Rows += other.Rows;
        Unassigned += other.Unassigned;
    }

    // The other's units' PSU codes in this histogram's cluster dictionary (none where each child
    // is its own unit): looked up all at once, GetOrAddMany fetching each value's slot ahead, for
    // a census file's dictionary of PSUs is mostly outside the caches, and one miss per unit made
    // a third of a merge's time at 10M children.
    private ReadOnlySpan<int> PsuCodesOf(SurveyHistogram other)
    {
        if (other._rowUnits) return [];
        var theirs = CollectionsMarshal.AsSpan(other._unitPsu);
        if (ReferenceEquals(ClusterDictionary, other.ClusterDictionary)) return theirs; // the same codes (other is not this)
        var codes = new int[theirs.Length];
        ClusterDictionary!.GetOrAddMany(other.ClusterDictionary!, theirs, codes);
        return codes;
    }

    // outer ∘ inner: a segment's numbers renumbered twice.
    private static int[] Compose(int[] outer, int[] inner)
    {
        var map = new int[inner.Length];
        for (var i = 0; i < map.Length; i++) map[i] = outer[inner[i]];
        return map;
    }

    // Entries of a merged histogram: the first Count of Entries, and the maps from its unit,
    // cell and pattern numbers to this histogram's.
    private sealed record Segment(HistogramEntries Entries, int Count, int[] Units, int[] Cells, int[] Patterns);

    /// <summary>
    /// Frees the entries once an estimator holds its own copy (<see cref="ToEntries"/>; they are
    /// the bulk of the histogram's memory on large files), merged histograms' included, giving
    /// their columns back for the next histograms to fill; patterns, cells, units and indicator
    /// totals stay. No rows can be added afterwards.
    /// </summary>
    public void ReleaseEntries() => ReleaseEntries(reuse: true);

    /// <summary>
    /// <see cref="ReleaseEntries()"/>; with <paramref name="reuse"/> false the columns are left to
    /// the garbage collector instead of kept for histograms to come (an analysis that estimates
    /// next needs the memory, not the columns).
    /// </summary>
    public void ReleaseEntries(bool reuse)
    {
        _released = true;
        ReturnKeyTable();
        ReturnTouched();
        _entries.Return(reuse);
        foreach (var segment in _segments) segment.Entries.Return(reuse);
        _segments.Clear();
        _segmentEntries = 0;
    }

    // The first row whose weight is missing, negative or infinite, or the row count when there is
    // none (CSV text cannot give an infinite weight, a binary file can: one would make the
    // totals infinite and the figures silently wrong). Whole vectors (the machine's width: 256
    // bits with AVX2, 128 on ARM64) are skipped, four at a time, while every weight in them is
    // good; the first step with one that is not (or the tail) goes row by row.
    internal static int FirstBadWeight(ReadOnlySpan<double> weight)
    {
        var r = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref var w = ref MemoryMarshal.GetReference(weight);
            var width = Vector<double>.Count;
            for (; r <= weight.Length - 4 * width; r += 4 * width)
            {
                var ok = Good(Vector.LoadUnsafe(ref w, (nuint)r)) & Good(Vector.LoadUnsafe(ref w, (nuint)(r + width))) &
                    Good(Vector.LoadUnsafe(ref w, (nuint)(r + 2 * width))) & Good(Vector.LoadUnsafe(ref w, (nuint)(r + 3 * width)));
                if (!Vector.EqualsAll(ok, new Vector<long>(-1))) break;
            }
        }
        for (; r < weight.Length; r++)
            if (!(weight[r] >= 0 && weight[r] < double.PositiveInfinity)) return r;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<long> Good(Vector<double> w) =>
        Vector.GreaterThanOrEqual(w, Vector<double>.Zero) & Vector.LessThan(w, new Vector<double>(double.PositiveInfinity));

    private ModaDataException BadWeight(ColumnBatch batch, int r, double w) =>
        Bad(batch, r, _plan.WeightSlot, double.IsNaN(w) ? "the survey weight is missing"
            : double.IsPositiveInfinity(w) ? "the survey weight is infinite" : $"the survey weight {w} is negative");

    // A child of a (unit, cell) met before (an unsorted file): its entry is looked up in the hash
    // table, once per pattern and run (Add keeps patterns below 2^20 and cells below 2^12, the key's
    // fields). The entries of the (unit, cell)'s first run, summed by AddRun, are not in the table,
    // so they appear twice, which estimators sum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddEntry(int unit, int cell, int pattern, double w, double w2, long n)
    {
        if (unit != _runUnit || cell != _runCell)
        {
            _runUnit = unit;
            _runCell = cell;
            _run++;
        }
        if (pattern >= _entryStamp.Length)
        {
            var size = Math.Max(pattern + 1, 2 * _entryStamp.Length);
            Array.Resize(ref _entryStamp, size);
            Array.Resize(ref _entryOfPattern, size);
        }
        int entry;
        var added = false;
        if (_entryStamp[pattern] == _run) entry = _entryOfPattern[pattern];
        else
        {
            var key = ((long)unit << 32) | ((long)cell << 20) | (uint)pattern;
            entry = _entryIndex.GetOrAdd(key, _entries.Count, out added);
            _entryStamp[pattern] = _run;
            _entryOfPattern[pattern] = entry;
        }
        if (added)
        {
            // A new entry starts at its first child's values (0.0 + w: the same bits as summing from zero).
            _entries.Append(unit, cell, pattern, 0.0 + w, 0.0 + w2, n);
            return;
        }
        _entries.Weight[entry] += w;
        if (HasSquares) _entries.Weight2[entry] += w2;
        _entries.Children[entry] += n;
    }

    // The first row after `start` whose stratum, PSU or fpc differ from its own: the end of a
    // unit's rows (breakdown cells within them are found by AddUnitByCell).
    private int RunEnd(ColumnBatch batch, int start, ReadOnlySpan<int> stratum, ReadOnlySpan<int> psu, ReadOnlySpan<double> fpc)
    {
        var end = batch.Count;
        if (!psu.IsEmpty && !stratum.IsEmpty) end = SameUntil(psu, stratum, start, end);
        else if (!psu.IsEmpty) end = SameUntil(psu, start, end);
        else if (!stratum.IsEmpty) end = SameUntil(stratum, start, end);
        if (!fpc.IsEmpty)
            for (var r = start + 1; r < end; r++)
                if (!fpc[r].Equals(fpc[start])) return r;
        return end;
    }

    private static int SameUntil(ReadOnlySpan<int> codes, int start, int end)
    {
        var i = codes[(start + 1)..end].IndexOfAnyExcept(codes[start]);
        return i < 0 ? end : start + 1 + i;
    }

    // The first row after `start` where either column differs from its own value at `start`: the
    // PSU and stratum codes of a run compared in one pass, a vector of rows a step (the machine's
    // width: eight with AVX2, four on ARM64) while all are the same, then row by row.
    private static int SameUntil(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int start, int end)
    {
        a = a[..end];
        b = b[..end];
        var r = start + 1;
        if (Vector.IsHardwareAccelerated)
        {
            // Both columns in one test: a row differs where either code's bits do.
            var first = new Vector<int>(a[start]);
            var second = new Vector<int>(b[start]);
            ref var a0 = ref MemoryMarshal.GetReference(a);
            ref var b0 = ref MemoryMarshal.GetReference(b);
            for (; r <= end - Vector<int>.Count; r += Vector<int>.Count)
                if (((Vector.LoadUnsafe(ref a0, (nuint)r) ^ first) | (Vector.LoadUnsafe(ref b0, (nuint)r) ^ second)) != Vector<int>.Zero) break;
        }
        for (; r < end; r++)
            if (a[r] != a[start] || b[r] != b[start]) return r;
        return end;
    }

    // Per age group and indicator of the unit: Σw and Σw² of the children deprived and observed.
    // A row's truth is as random as the children's answers, so what it adds is not a branch: a
    // total it does not count in gets an exact +0 (the weight's bits masked off), which leaves
    // every sum as it was. Rows of groups the indicator does not apply to, and rows in no group,
    // have an Unknown truth and add only zeros; they go to spare slots past the unit's totals,
    // which are summed in a copy that has them. Each total adds the same terms in the same order
    // as a branch per row would.
    private void AddIndicators(ChildClassifier c, ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int start, int end, int unit)
    {
        var indicators = _plan.Indicators;
        var n = indicators.Count;
        var all = Indicators(unit);
        var sums = _indicatorSums;
        all.CopyTo(sums, 0);
        var truths = c.IndicatorTruth; // once: the getter makes any truth not made yet
        var groups = c.Group;
        var target = _indicatorTarget;
        var squares = HasSquares;
        // Row by row, every indicator within: the totals a row adds to are independent chains of
        // additions, where indicator by indicator each total's additions waited on the last.
        for (var r = start; r < end; r++)
        {
            // Row 0 of the targets is for rows in no age group (their slot is negative).
            var row = ((groups[r] | (slots[r] >> 31)) + 1) * n;
            var w = weight.IsEmpty ? 1.0 : weight[r];
            var w2 = w * w;
            foreach (var i in _summedIndicators)
            {
                var o = target[row + i];
                var t = truths[i][r];
                var deprived = -(long)(t >> 1);          // Yes (2): all ones; No (0), Unknown (1): zero
                var observed = -(long)((t ^ 1) & 1);     // No, Yes: all ones; Unknown: zero
                sums[o] += Masked(w, deprived);
                sums[o + 1] += Masked(w, observed);
                if (!squares) continue;
                sums[o + 2] += Masked(w2, deprived);
                sums[o + 3] += Masked(w2, observed);
            }
        }
        sums.AsSpan(0, all.Length).CopyTo(all);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Masked(double value, long mask) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(value) & mask);

    private double[] Indicators(int unit)
    {
        while (_indicators.Count <= unit) _indicators.Add(null!);
        return _indicators[unit] ??= new double[_indicatorStride];
    }

    private int StratumIndex(int code, double fpc, ColumnBatch? batch, int r)
    {
        if (code >= _stratumOfCode.Length) Array.Resize(ref _stratumOfCode, Math.Max(code + 1, 2 * _stratumOfCode.Length));
        var index = _stratumOfCode[code] - 1;
        if (index < 0)
        {
            index = _strataCodes.Count;
            _stratumOfCode[code] = index + 1;
            _strataCodes.Add(_plan.StratumSlot >= 0 ? code : -1);
            _strataChildren.Add(0);
            _strataFpc.Add(fpc);
        }
        if (_plan.FpcSlot >= 0 && !fpc.Equals(_strataFpc[index]))
        {
            var message = double.IsNaN(fpc) ? "the finite population correction is missing"
                : $"the finite population correction {fpc} differs from {_strataFpc[index]} elsewhere in the same stratum; it must be constant within a stratum";
            throw batch is null ? new ModaDataException(_file, message, 0, _plan.Spec.Variance.Fpc) : Bad(batch, r, _plan.FpcSlot, message);
        }
        return index;
    }

    private int Unit(int stratumIndex, int psu)
    {
        if (psu >= 0)
        {
            var at = psu - _psuBase;
            if ((uint)at >= (uint)_unitOfPsu.Length) at = WidenPsuWindow(psu);
            var unit = _unitOfPsu[at] - 1;
            if (unit >= 0 && _unitStratum[unit] == stratumIndex) return unit;
            if (unit < 0)
            {
                unit = NewUnit(stratumIndex, psu);
                _unitOfPsu[at] = unit + 1;
                return unit;
            }
        }
        // PSU ids repeated across strata name different PSUs (R's nest = TRUE): a PSU id's first
        // stratum is found above, its others here. No cluster: one unit per stratum.
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_unitOfPair, (stratumIndex, psu), out var exists);
        if (!exists) slot = NewUnit(stratumIndex, psu);
        return slot;
    }

    // Widens the window of PSU codes to take `psu` in; returns its index. A chunk of a file sorted
    // by PSU meets a few hundred consecutive codes, so a partial's window stays that small wherever
    // in the file its chunk is. (Indexed by the code itself, the array grew to the file's whole
    // range of codes in every partial: 0.6-1 MB of large-object heap per 65,536-row chunk of the
    // 10M file, growing with the file, so quadratic in its size.)
    private int WidenPsuWindow(int psu)
    {
        if (_unitOfPsu.Length == 0)
        {
            _psuBase = psu;
            _unitOfPsu = new int[256];
            return 0;
        }
        var low = Math.Min(_psuBase, psu);
        var high = Math.Max(_psuBase + _unitOfPsu.Length, psu + 1);
        var size = Math.Max(high - low, 2 * _unitOfPsu.Length);
        var start = psu < _psuBase ? Math.Max(0, high - size) : low; // room on the side the codes go
        var window = new int[size];
        _unitOfPsu.CopyTo(window, _psuBase - start);
        _unitOfPsu = window;
        _psuBase = start;
        return psu - start;
    }

    private int NewUnit(int stratumIndex, int psu)
    {
        _unitStratum.Add(stratumIndex);
        _unitPsu.Add(psu);
        return _unitStratum.Count - 1;
    }

    // The pattern of a child, in a histogram whose patterns are not found by key (many dimensions):
    // through a hash map, with the last pattern remembered (a PSU's children often share one).
    private int PatternIndex(int g, uint deprived, uint observed, byte monetary)
    {
        if (_packPatterns)
        {
            var key = (long)(uint)g | ((long)monetary << 4) | ((long)deprived << 6) | ((long)observed << 34);
            if (key == _lastPatternKey) return _lastPattern;
            var index = _patternIndex.GetOrAdd(key, Patterns.Count, out var added);
            if (added) Patterns.Add(new Pattern(g, deprived, observed, monetary));
            _lastPatternKey = key;
            _lastPattern = index;
            return index;
        }
        var p = new Pattern(g, deprived, observed, monetary);
        ref var wide = ref CollectionsMarshal.GetValueRefOrAddDefault(_wideIndex, p.Key, out var exists);
        if (!exists)
        {
            wide = Patterns.Count;
            Patterns.Add(p);
        }
        return wide;
    }

    private int CellIndex(ReadOnlySpan<int> codes)
    {
        ulong key = 0;
        foreach (var code in codes)
        {
            if (code >= 0xFFFF) throw new ModaDataException(_file, "a breakdown column has more than 65,534 distinct values");
            key = (key << 16) | (uint)(code + 1);
        }
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_cellIndex, key, out var exists);
        if (!exists)
        {
            index = Cells.Count;
            Cells.Add(codes.ToArray());
        }
        return index;
    }

    private ModaDataException Bad(ColumnBatch batch, int r, int slot, string message) =>
        new(_file, message, batch.Lines[r], batch.Requests[slot].Name);
}
