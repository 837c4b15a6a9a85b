using System.Numerics;
using Moda.Deprivation;
using Moda.Results;

namespace Moda.Estimation;

/// <summary>
/// Derives the whole MODA profile of each age group and of the pooled group from the histogram.
/// Every figure is a ratio of weighted totals of a function of the child's pattern. One pass over
/// a domain's histogram rows makes its (unit, score class) totals, split by deprivation in each
/// dimension (<see cref="ClassTotals"/>), which every cut-off, the distribution and the breakdowns
/// read; one more gives every dimension's rate; overlap shares read the rows grouped by mask. A
/// figure then costs units × classes, not children.
/// </summary>
public sealed partial class ProfileEstimator
{
    private const double Tolerance = 1e-9; // identification: c_i ≥ share − 1e-9, never a bare ≥ on a float sum

    private readonly AnalysisPlan _plan;
    private readonly SurveyHistogram _h;
    private readonly RatioEngine _engine;
    private readonly ThreadLocal<RatioEngine> _engines;  // engines reuse buffers: one per thread
    private readonly EntryTable _table;      // the histogram, keyed by pattern, one row per (unit, cell, pattern)
    private readonly int[] _cellOfRow;
    private readonly Pattern[] _patterns;
    private readonly bool[] _complete;       // per pattern: every dimension of its age group observed
    private readonly int[] _classOf;         // per pattern: score class, -1 when incomplete
    private readonly List<ScoreClass> _classes = [];
    private readonly int _units;
    private readonly int[] _stratumOf;       // per unit
    private readonly bool _squares;          // each child its own PSU: variances need Σw² by figure
    private readonly System.Collections.Concurrent.ConcurrentBag<UnitTotals> _scratch = [];
    private readonly bool _releaseHistogram;
    private Results.Estimate?[][]? _indicatorEstimates; // per domain, per indicator (see IndicatorEstimates)

    /// <summary>A score class: children of one age group with the same count and weighted score.</summary>
    private sealed record ScoreClass(int Group, int Count, double Score);

    /// <summary>
    /// Creates the estimator. With <paramref name="releaseHistogramEntries"/> the histogram's entry
    /// lists are freed once copied, and its indicator totals once <see cref="EstimateAll"/> has read
    /// them (saves memory on large files; the histogram can then not be estimated again).
    /// </summary>
    public ProfileEstimator(AnalysisPlan plan, SurveyHistogram histogram, RatioEngine engine, bool releaseHistogramEntries = false)
    {
        _plan = plan;
        _h = histogram;
        _engine = engine;
        _engines = new ThreadLocal<RatioEngine>(engine.Clone);
        _units = engine.Design.UnitCount;
        _stratumOf = engine.Design.UnitStratum;
        _squares = !engine.Design.UnitsArePsus;
        _patterns = histogram.Patterns.ToArray();
        // Rows ordered by unit, so every projection sums one unit at a time.
        var entries = histogram.ToEstimatorEntries();
        _table = new EntryTable(entries.Unit, entries.Pattern, entries.Weight, entries.Weight2, entries.Children, _patterns.Length)
            .SortByUnit(_units, out var order);
        _cellOfRow = entries.Cell;
        if (order is not null)
        {
            var cells = _cellOfRow;
            _cellOfRow = new int[order.Length];
            for (var r = 0; r < order.Length; r++) _cellOfRow[r] = cells[order[r]];
        }
        if (releaseHistogramEntries) histogram.ReleaseEntries(reuse: false);
        _releaseHistogram = releaseHistogramEntries;
        _complete = new bool[_patterns.Length];
        _classOf = new int[_patterns.Length];
        var classIndex = new Dictionary<(int, int, double), int>();
        for (var p = 0; p < _patterns.Length; p++)
        {
            var pattern = _patterns[p];
            var mask = plan.Groups[pattern.Group].DimensionMask;
            _complete[p] = (pattern.Observed & mask) == mask;
            if (!_complete[p])
            {
                _classOf[p] = -1;
                continue;
            }
            var cls = new ScoreClass(pattern.Group, BitOperations.PopCount(pattern.Deprived), Score(pattern));
            var key = (cls.Group, cls.Count, Math.Round(cls.Score, 12));
            if (!classIndex.TryGetValue(key, out var c))
            {
                c = _classes.Count;
                classIndex.Add(key, c);
                _classes.Add(cls);
            }
            _classOf[p] = c;
        }
    }

    /// <summary>Estimates every age group, then the pooled group when there are age groups.</summary>
    public List<GroupResult> EstimateAll()
    {
        // One domain after another, each on every core within: side by side, their class totals,
        // projections and breakdown values were all held at once (10M children of the Hubei
        // layout, three domains: 3.5 -> 2.9 GB at peak, and no slower).
        var domains = Domains();
        var indicators = IndicatorEstimates(domains);
        var results = new GroupResult[domains.Count];
        for (var i = 0; i < domains.Count; i++) results[i] = Estimate(domains[i], indicators[i]);
        return results.ToList();
    }

    private RatioEngine Engine => _engines.Value!;

    // An age group, or the pooled group: its age groups and dimensions.
    private sealed record Domain(string Name, int[] Groups, uint DimensionMask);

    private List<Domain> Domains()
    {
        var groups = _plan.Groups;
        var domains = groups.Select((g, i) => new Domain(g.Name, [i], g.DimensionMask)).ToList();
        if (_plan.HasAgeGroups)
            domains.Add(new Domain("all", Enumerable.Range(0, groups.Count).ToArray(), groups.Aggregate(0u, (m, g) => m | g.DimensionMask)));
        return domains;
    }

    // The histogram rows of a domain's children, in unit order; null when that is every row (the
    // pooled group). Made when the domain is estimated, not held for every domain: at 10M children
    // of the Hubei layout, 29 MB each for the age groups and the pooled group.
    private int[]? RowsOf(Domain d)
    {
        if (d.Groups.Length == _plan.Groups.Count) return null;
        var inDomain = new bool[_patterns.Length];
        for (var p = 0; p < inDomain.Length; p++) inDomain[p] = d.Groups.Contains(_patterns[p].Group);
        return RowsWhere(null, inDomain, _table.Key);
    }

    // The rows among `rows` (null: every row of the table) whose keep[of[r]] is set, in order:
    // counted first, so the array is exactly as long as it needs to be.
    private int[] RowsWhere(int[]? rows, bool[] keep, int[] of)
    {
        var n = rows?.Length ?? _table.Length;
        var count = 0;
        for (var i = 0; i < n; i++)
            if (keep[of[rows is null ? i : rows[i]]]) count++;
        var kept = new int[count];
        count = 0;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            if (keep[of[r]]) kept[count++] = r;
        }
        return kept;
    }

    // A cut-off: its reported k and share, and per score class whether it is deprived (1) or not (0).
    private sealed record Cut(int? K, double? Share, double[] Identified);

    private GroupResult Estimate(Domain d, Results.Estimate?[] indicatorEstimates)
    {
        var dims = Bits(d.DimensionMask);
        var rows = RowsOf(d);
        var deprivedBits = DimensionBits(dims, p => p.Deprived);
        ClassTotals classes = null!;
        Results.Estimate[] dimensionRates = [];
        Parallel.Invoke(                                   // two independent passes over the rows
            () => classes = ClassTotals.Build(_table, rows, _classOf, _classes.Count, deprivedBits, dims.Length, _squares),
            () => dimensionRates = DimensionRates(rows, dims));
        var maxD = d.Groups.Max(g => _plan.Groups[g].DimensionCount);
        var cuts = CutoffsOf(d, maxD);
        long children = 0, excluded = 0;
        var population = 0.0;
        var n = rows?.Length ?? _table.Length;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            children += _table.Count[r];
            population += _table.Weight[r];
            if (!_complete[_table.Key[r]]) excluded += _table.Count[r];
        }

        IReadOnlyList<IndicatorRate> indicators = [];
        CountShare[] distribution = [];
        CutoffResult[] cutoffs = [];
        Dictionary<string, IReadOnlyList<BreakdownValue>> breakdowns = [];
        MonetaryResult? monetary = null;
        ContrastResult[] contrasts = [];
        // Families of figures are independent; each thread estimates with its own engine. The
        // overlap table is two of them, the longest first (at 10M children: combinations ~145 ms,
        // cut-offs ~90, pairs ~55), so that two cores share the work evenly. They run in two
        // stages: those that read the domain's class table, then the breakdowns and contrasts,
        // which read it only for variances where each child is its own PSU. Elsewhere the table
        // is let go between them: the breakdown values' own tables were built while it was held
        // (at 10M children of the Hubei layout, 240 MB of a 1.1 GB peak).
        var shareBase = Engine.Base(classes);
        List<PairShare> pairs = [];
        CombinationShare[] combinations = [];
        GroupTotals? group = null;
        Parallel.Invoke(
            () => combinations = Combinations(rows, shareBase),
            () => cutoffs = Cutoffs(classes, cuts, dims),
            () => pairs = PairShares(rows, dims, shareBase),
            () => distribution = Distribution(classes, maxD),
            () => indicators = IndicatorRates(d, dims, dimensionRates, indicatorEstimates),
            () => group = _plan.GroupByNames.Count == 0 ? null : GroupOf(classes, cuts));
        if (!_squares) LetGo(ref classes, classes.Bytes);
        Parallel.Invoke(
            () => breakdowns = Breakdowns(rows, dims, deprivedBits, cuts, group),
            () => monetary = _plan.Monetary is null ? null : Monetary(rows, d, cuts, maxD),
            () => contrasts = _plan.Spec.Contrasts.Select(c => Contrast(rows, c, cuts)).ToArray());
        var overlap = new OverlapResult(pairs, combinations);
        if (_squares)
        {
            group = null; // it held the table too
            LetGo(ref classes, classes.Bytes);
        }

        return new GroupResult
        {
            Name = d.Name,
            DimensionNames = dims.Select(j => _plan.DimensionNames[j]).ToArray(),
            Children = children,
            Population = population,
            Excluded = excluded,
            Dimensions = dims.Select((j, i) => new NamedRate(_plan.DimensionNames[j], dimensionRates[i])).ToArray(),
            Indicators = indicators,
            Distribution = distribution,
            Cutoffs = cutoffs,
            Overlap = overlap,
            Breakdowns = breakdowns,
            Monetary = monetary,
            Contrasts = contrasts,
        };
    }

    // Per pattern, the bits of dims[j] in f(pattern) as bit j.
    private uint[] DimensionBits(int[] dims, Func<Pattern, uint> f)
    {
        var bits = new uint[_patterns.Length];
        for (var p = 0; p < bits.Length; p++)
        {
            var mask = f(_patterns[p]);
            for (var j = 0; j < dims.Length; j++) bits[p] |= (mask >> dims[j] & 1) << j;
        }
        return bits;
    }

    // Each dimension's deprivation rate among the children observed in it (complete or not), all
    // dimensions from one pass over the rows: per unit Σw deprived and Σw observed.
    private Results.Estimate[] DimensionRates(int[]? rows, int[] dims)
    {
        var observedBits = DimensionBits(dims, p => p.Observed);
        var deprivedBits = DimensionBits(dims, p => p.Observed & p.Deprived);
        var size = dims.Length * _units;
        double[] observed = new double[size], deprived = new double[size];
        double[] deprived2 = _squares ? new double[size] : [], notDeprived2 = _squares ? new double[size] : [];
        BitTotals.Add(rows, _table.Unit, _table.Key, _table.Weight, observedBits, dims.Length, observed, _units);
        BitTotals.Add(rows, _table.Unit, _table.Key, _table.Weight, deprivedBits, dims.Length, deprived, _units);
        if (_squares)
        {
            var notDeprivedBits = new uint[observedBits.Length];
            for (var p = 0; p < notDeprivedBits.Length; p++) notDeprivedBits[p] = observedBits[p] & ~deprivedBits[p];
            BitTotals.Add(rows, _table.Unit, _table.Key, _table.Weight2, deprivedBits, dims.Length, deprived2, _units);
            BitTotals.Add(rows, _table.Unit, _table.Key, _table.Weight2, notDeprivedBits, dims.Length, notDeprived2, _units);
        }
        var rates = new Results.Estimate[dims.Length];
        for (var j = 0; j < dims.Length; j++)
        {
            var at = j * _units;
            rates[j] = Engine.Ratio(deprived.AsSpan(at, _units), observed.AsSpan(at, _units), (ratio, scale, q) =>
            {
                // Deprived children have y − R x = 1 − R, observed ones not deprived −R.
                for (var u = 0; u < _units; u++)
                {
                    var h = _stratumOf[u];
                    if (ratio != 1) q[h] += scale * deprived2[at + u] * (1 - ratio) * (1 - ratio);
                    if (ratio != 0) q[h] += scale * notDeprived2[at + u] * ratio * ratio;
                }
            });
        }
        return rates;
    }

    private List<Cut> CutoffsOf(Domain d, int maxD)
    {
        var spec = _plan.Spec;
        var ks = spec.Cutoffs?.Where(k => k <= maxD) ?? Enumerable.Range(1, maxD);
        var cuts = ks.Select(k => CountCut(k, d)).ToList();
        cuts.AddRange(spec.CutoffShares.Select(s => new Cut(null, s, ByClass(c => _classes[c].Score >= s - Tolerance ? 1 : 0))));
        return cuts;
    }

    // Deprived at count cut-off k: weighted score c_i ≥ k/d_g (with equal weights, s_i ≥ k).
    private Cut CountCut(int k, Domain d)
    {
        var ds = d.Groups.Select(g => _plan.Groups[g].DimensionCount).Distinct().ToArray();
        return new Cut(k, ds.Length == 1 ? (double)k / ds[0] : null,
            ByClass(c => _classes[c].Score >= (double)k / _plan.Groups[_classes[c].Group].DimensionCount - Tolerance ? 1 : 0));
    }

    // Each indicator's rate in the domain: a whole dimension's is the dimension's, the others' were
    // estimated before the domains (IndicatorEstimates).
    private IReadOnlyList<IndicatorRate> IndicatorRates(Domain d, int[] dims, Results.Estimate[] dimensionRates, Results.Estimate?[] estimates)
    {
        var rates = new List<IndicatorRate>();
        for (var i = 0; i < _plan.Indicators.Count; i++)
        {
            var ind = _plan.Indicators[i];
            if (!AppliesTo(ind, d)) continue;
            var rate = ind.IsWholeDimension ? dimensionRates[Array.IndexOf(dims, ind.Dimension)] : (Results.Estimate)estimates[i]!;
            rates.Add(new IndicatorRate(ind.Name, _plan.DimensionNames[ind.Dimension], rate));
        }
        return rates;
    }

    // True when the indicator applies to one of the domain's age groups.
    private static bool AppliesTo(IndicatorPlan indicator, Domain d) => d.Groups.Any(g => (indicator.AgeGroupMask & (1u << g)) != 0);

    // Per domain and indicator, the rate of an indicator that is not a whole dimension (null for the
    // others and where it does not apply), all from the histogram's indicator totals before any
    // domain is estimated, so that the totals (an array per unit) can then be freed: at 10M children
    // of the Hubei layout they were 140 MB held through every domain.
    private Results.Estimate?[][] IndicatorEstimates(List<Domain> domains)
    {
        if (_indicatorEstimates is not null) return _indicatorEstimates;
        var estimates = new Results.Estimate?[domains.Count][];
        Parallel.For(0, domains.Count, i => estimates[i] = IndicatorEstimates(domains[i]));
        if (_releaseHistogram) _h.ReleaseIndicatorTotals();
        return _indicatorEstimates = estimates;
    }

    private Results.Estimate?[] IndicatorEstimates(Domain d)
    {
        var count = _plan.Indicators.Count;
        var estimates = new Results.Estimate?[count];
        var strata = _engine.Design.StratumCount;
        // Per-unit totals cleared per indicator, not two new arrays of every unit each (16
        // indicators, three domains, 400,000 PSUs: 300 MB made and dropped). Not the scratch of
        // the figures (UnitTotals): the domains run side by side here, and the pool would keep as
        // many of those, 35 MB each, as ran at once.
        double[] y = new double[_units], x = new double[_units], y2 = new double[strata], x2 = new double[strata];
        for (var i = 0; i < count; i++)
        {
            var ind = _plan.Indicators[i];
            if (ind.IsWholeDimension || !AppliesTo(ind, d)) continue;
            Array.Clear(y);
            Array.Clear(x);
            Array.Clear(y2);
            Array.Clear(x2);
            for (var unit = 0; unit < _units; unit++)
            {
                if (_h.IndicatorTotals(unit) is not { } totals) continue;
                var h = _engine.Design.UnitStratum[unit];
                foreach (var g in d.Groups)
                {
                    var b = _h.IndicatorOffset(g, i);
                    if (b < 0) continue; // not for this group: its totals were zero
                    y[unit] += totals[b];
                    x[unit] += totals[b + 1];
                    if (!_h.HasSquares) continue; // Σw² only where each child is its own PSU; unread otherwise
                    y2[h] += totals[b + 2];
                    x2[h] += totals[b + 3];
                }
            }
            estimates[i] = Engine.Ratio(y, x, y2, x2);
        }
        return estimates;
    }

    // The share of the complete children deprived in exactly each combination of dimensions
    // (every one met), largest first.
    private CombinationShare[] Combinations(int[]? rows, ShareBase b)
    {
        // Complete children's deprivation masks, numbered in pattern order.
        var maskIndex = new Dictionary<uint, int>();
        var masks = new List<uint>();
        var map = new int[_patterns.Length];
        for (var p = 0; p < map.Length; p++)
        {
            if (!_complete[p]) { map[p] = -1; continue; }
            var m = _patterns[p].Deprived;
            if (!maskIndex.TryGetValue(m, out var k))
            {
                k = masks.Count;
                maskIndex.Add(m, k);
                masks.Add(m);
            }
            map[p] = k;
        }
        // The rows grouped by mask (a stable counting sort, so unit order is kept within a mask):
        // a share then reads its rows directly, with no projection of the table.
        var n = rows?.Length ?? _table.Length;
        var start = new int[masks.Count + 1];
        for (var i = 0; i < n; i++)
            if (map[_table.Key[rows is null ? i : rows[i]]] is var k and >= 0) start[k + 1]++;
        for (var k = 0; k < masks.Count; k++) start[k + 1] += start[k];
        var next = start[..^1];
        var byMask = new int[start[^1]];
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            if (map[_table.Key[r]] is var k and >= 0) byMask[next[k]++] = r;
        }
        ReadOnlySpan<int> RowsOf(int k) => byMask.AsSpan(start[k], start[k + 1] - start[k]);

        var combinations = new List<CombinationShare>();
        for (var k = 0; k < masks.Count; k++)
        {
            if (masks[k] == 0 || start[k + 1] == start[k]) continue;
            combinations.Add(new CombinationShare(Bits(masks[k]).Select(j => _plan.DimensionNames[j]).ToArray(),
                Engine.Share(_table, RowsOf(k), b)));
        }
        LetGo(ref byMask, sizeof(int) * (long)byMask.Length); // RowsOf captures it
        return combinations.OrderByDescending(c => c.Share.Value).ThenBy(c => c.Dimensions.Count)
            .ThenBy(c => string.Join("+", c.Dimensions), StringComparer.Ordinal).ToArray();
    }

    // The share of the complete children deprived in each pair of dimensions. Per-unit totals of up
    // to 16 pairs come from one pass over the rows (BitTotals, a row adding its weight to every
    // pair its mask holds), where a share per pair read each of its rows again: at 10M children
    // that was half the estimation's time. Sixteen, not the 32 a pass could take: the totals of
    // eight dimensions' 28 pairs were 90 MB at 400,000 PSUs, held while the class table was; a
    // second pass over the rows costs ~20 ms there.
    private const int PairsAPass = 16;

    private List<PairShare> PairShares(int[]? rows, int[] dims, ShareBase b)
    {
        var all = new List<(int A, int C)>();
        for (var a = 0; a < dims.Length; a++)
            for (var c = a + 1; c < dims.Length; c++) all.Add((dims[a], dims[c]));
        var most = Math.Min(PairsAPass, all.Count);
        var totals = new double[most * _units];
        var squares = _squares ? new double[most * _units] : [];
        var bits = new uint[_patterns.Length];
        var shares = new List<PairShare>(all.Count);
        for (var first = 0; first < all.Count; first += PairsAPass)
        {
            var pairs = all.GetRange(first, Math.Min(PairsAPass, all.Count - first));
            for (var p = 0; p < bits.Length; p++)
            {
                var mask = _complete[p] ? _patterns[p].Deprived : 0;
                bits[p] = 0;
                for (var i = 0; i < pairs.Count; i++)
                    if ((mask >> pairs[i].A & mask >> pairs[i].C & 1) != 0) bits[p] |= 1u << i;
            }
            Array.Clear(totals);
            BitTotals.Add(rows, _table.Unit, _table.Key, _table.Weight, bits, pairs.Count, totals, _units);
            if (_squares)
            {
                Array.Clear(squares);
                BitTotals.Add(rows, _table.Unit, _table.Key, _table.Weight2, bits, pairs.Count, squares, _units);
            }
            for (var i = 0; i < pairs.Count; i++)
                shares.Add(new PairShare(_plan.DimensionNames[pairs[i].A], _plan.DimensionNames[pairs[i].C],
                    Engine.Share(totals.AsSpan(i * _units, _units), _squares ? squares.AsSpan(i * _units, _units) : default, b)));
        }
        Spent(sizeof(double) * ((long)totals.Length + squares.Length));
        return shares;
    }

    private Dictionary<string, IReadOnlyList<BreakdownValue>> Breakdowns(int[]? domainRows, int[] dims, uint[] deprivedBits, List<Cut> cuts, GroupTotals? group)
    {
        var result = new Dictionary<string, IReadOnlyList<BreakdownValue>>();
        if (group is null) return result;
        for (var b = 0; b < _plan.GroupByNames.Count; b++)
        {
            var groups = RowsByValue(domainRows, b);
            var dict = _h.GroupByDictionaries.Length > b ? _h.GroupByDictionaries[b] : null;
            var values = new BreakdownValue[groups.Length];
            void Value(int i, int parts)
            {
                var (code, rows) = groups[i];
                var sub = ClassTotals.Build(_table, rows, _classOf, _classes.Count, deprivedBits, dims.Length, _squares);
                long n = 0;
                foreach (var r in rows) n += _table.Count[r];
                var share = ShareOfGroup(sub, group);
                var cutoffs = Cutoffs(sub, cuts, dims, group, parts);
                values[i] = new BreakdownValue(code < 0 ? "(missing)" : dict![code], n, share, cutoffs)
                {
                    Code = code < 0 ? null : dict!.NumericCodeOf(code),
                };
                Spent(sub.Bytes);
            }
            // Values of a quarter of the domain's rows or fewer (counties, PSUs) are estimated side
            // by side; larger ones (sex, residence) one at a time, each value's cut-offs on every
            // core: two such values' class tables at once were 300 MB of the peak at 10M children.
            var largest = groups.Length == 0 ? 0 : groups.Max(g => g.Rows.Length);
            if (largest * 4L <= (domainRows?.Length ?? _table.Length)) Parallel.For(0, groups.Length, i => Value(i, 1));
            else
                for (var i = 0; i < groups.Length; i++) Value(i, Environment.ProcessorCount);
            result[_plan.GroupByNames[b]] = values.OrderBy(v => v.Value, NaturalComparer.Instance).ToArray();
            LetGo(ref groups, sizeof(int) * groups.Sum(g => (long)g.Rows.Length)); // Value captures it
        }
        return result;
    }

    // Breakdown values' class tables (and a domain's, a contrast's two projections, the per-unit
    // totals of pairs, the rows by value or mask) are garbage once their figures are out, but a
    // full collection comes late: later tables took new memory (a page fault and a cleared page
    // each 4 KB) while the spent ones were still held. At 10M children of the Hubei layout (a
    // value's table is 30-180 MB, twelve values a domain) the process peaked 0.5 GB above what it
    // needed. So a collection is made each time the tables spent since the last one reach 64 MB:
    // it costs far less than building them did, and none is made below census scale. (An
    // aggressive collection, which gives the freed regions back to the system, lowered the peak
    // by 0-0.1 GB more, and cost 0.5-1 s in page faults as later tables took the memory again.)
    // The caller must no longer hold the table: one held by a captured variable goes through LetGo.
    private void Spent(long tableBytes)
    {
        if (Interlocked.Add(ref _spentBytes, tableBytes) < SpentBeforeCollection) return;
        Interlocked.Exchange(ref _spentBytes, 0);
        GC.Collect();
    }

    private const long SpentBeforeCollection = 64L << 20;

    // Spent for a table a variable captured by a lambda or local function holds: the variable is
    // cleared first, and only then is the table counted. The collection Spent may make cannot free
    // what is still held, and a captured variable holds its table to the method's end (the
    // domain's class table, 248 MB at 10M children of the Hubei layout, was kept until the next
    // 64 MB were spent). A plain local needs none: it is dead after its last use.
    private void LetGo<T>(ref T held, long bytes) where T : class
    {
        held = null!;
        Spent(bytes);
    }

    private long _spentBytes;

    // The domain's rows by their value of breakdown column b, values in code order: counted
    // first, so each value's rows are one array of its own size (lists that doubled held up to
    // twice the domain's rows, and a copy of each value's on top). A row's value is its cell's,
    // so rows are counted by cell and cells mapped to values: no look-up by value per row.
    private (int Code, int[] Rows)[] RowsByValue(int[]? domainRows, int b)
    {
        var cells = _h.Cells;
        var rowsOfCell = new int[cells.Count];
        var n = domainRows?.Length ?? _table.Length;
        for (var i = 0; i < n; i++) rowsOfCell[_cellOfRow[domainRows is null ? i : domainRows[i]]]++;
        var used = Enumerable.Range(0, cells.Count).Where(c => rowsOfCell[c] > 0).ToArray();
        var codes = used.Select(c => cells[c][b]).Distinct().Order().ToArray();
        var valueOfCell = new int[cells.Count];
        var size = new int[codes.Length];
        foreach (var c in used)
        {
            valueOfCell[c] = Array.BinarySearch(codes, cells[c][b]);
            size[valueOfCell[c]] += rowsOfCell[c];
        }
        var groups = codes.Select((code, v) => (Code: code, Rows: new int[size[v]])).ToArray();
        var filled = new int[codes.Length];
        for (var i = 0; i < n; i++)
        {
            var r = domainRows is null ? i : domainRows[i];
            var v = valueOfCell[_cellOfRow[r]];
            groups[v].Rows[filled[v]++] = r;
        }
        return groups;
    }

    private MonetaryResult Monetary(int[]? rows, Domain d, List<Cut> cuts, int maxD)
    {
        var k = Math.Min(_plan.Spec.K, maxD);
        var id = (cuts.FirstOrDefault(c => c.K == k) ?? CountCut(k, d)).Identified;
        // Keys: 3c + monetary truth (0 not poor, 1 unknown, 2 poor).
        var map = new int[_patterns.Length];
        for (var p = 0; p < map.Length; p++)
            map[p] = _classOf[p] < 0 ? -1 : 3 * _classOf[p] + _patterns[p].Monetary;
        var t = _table.Project(rows, map, 3 * _classes.Count, _units);
        double[] Vec(Func<double, int, double> f)
        {
            var v = new double[3 * _classes.Count];
            for (var c = 0; c < _classes.Count; c++)
                for (var m = 0; m < 3; m++) v[3 * c + m] = f(id[c], m);
            return v;
        }
        const int No = Rules.Truth.No, Poor = Rules.Truth.Yes, Unknown = Rules.Truth.Unknown;
        var known = Vec((_, m) => m != Unknown ? 1 : 0);
        return new MonetaryResult(k,
            Engine.Ratio(t, Vec((i, m) => i * (m == Poor ? 1 : 0)), known),
            Engine.Ratio(t, Vec((i, m) => i * (m == No ? 1 : 0)), known),
            Engine.Ratio(t, Vec((i, m) => (1 - i) * (m == Poor ? 1 : 0)), known),
            Engine.Ratio(t, Vec((i, m) => (1 - i) * (m == No ? 1 : 0)), known),
            Engine.Ratio(t, Vec((i, m) => i * (m == No ? 1 : 0)), Vec((i, m) => i * (m != Unknown ? 1 : 0))),
            Engine.Ratio(t, Vec((i, m) => (1 - i) * (m == Poor ? 1 : 0)), Vec((_, m) => m == Poor ? 1 : 0)));
    }

    // The complete children of a table by score class.
    private double[] ByClass(Func<int, double> f)
    {
        var v = new double[_classes.Count];
        for (var c = 0; c < v.Length; c++) v[c] = f(c);
        return v;
    }

    private double[] Ones() => ByClass(_ => 1);

    private double Score(Pattern p)
    {
        var w = _plan.Groups[p.Group].Weights;
        var s = 0.0;
        foreach (var j in Bits(p.Deprived)) s += w[j];
        return s;
    }

    private static int[] Bits(uint mask)
    {
        var bits = new List<int>();
        for (var j = 0; j < 32; j++) if ((mask >> j & 1) != 0) bits.Add(j);
        return bits.ToArray();
    }
}
