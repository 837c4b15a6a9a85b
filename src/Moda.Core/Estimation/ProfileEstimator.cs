using System.Numerics;
using Moda.Deprivation;
using Moda.Results;

namespace Moda.Estimation;

/// <summary>
/// Derives the whole MODA profile of each age group and of the pooled group from the histogram.
/// Every figure is a ratio of weighted totals of a function of the child's pattern; each family
/// of figures reads a projection of the histogram onto just the keys it needs (score class,
/// class × one dimension, a dimension's status, the deprivation mask), so the cost per figure is
/// units × keys, not children.
/// </summary>
public sealed class ProfileEstimator
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

    /// <summary>A score class: children of one age group with the same count and weighted score.</summary>
    private sealed record ScoreClass(int Group, int Count, double Score);

    /// <summary>
    /// Creates the estimator. With <paramref name="releaseHistogramEntries"/> the histogram's entry
    /// lists are freed once copied (saves memory on large files; the histogram can then not be
    /// estimated again).
    /// </summary>
    public ProfileEstimator(AnalysisPlan plan, SurveyHistogram histogram, RatioEngine engine, bool releaseHistogramEntries = false)
    {
        _plan = plan;
        _h = histogram;
        _engine = engine;
        _engines = new ThreadLocal<RatioEngine>(engine.Clone);
        _units = engine.Design.UnitCount;
        _patterns = histogram.Patterns.ToArray();
        // Rows ordered by unit, so every projection sums one unit at a time.
        _table = new EntryTable(histogram.EntryUnit.ToArray(), histogram.EntryPattern.ToArray(), histogram.EntryWeight.ToArray(),
            histogram.EntryWeight2.ToArray(), histogram.EntryCount.ToArray(), _patterns.Length).SortByUnit(_units, out var order);
        var cells = histogram.EntryCell;
        _cellOfRow = order.Select(r => cells[r]).ToArray();
        if (releaseHistogramEntries) histogram.ReleaseEntries();
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
        var domains = Domains();
        var results = new GroupResult[domains.Count];
        Parallel.For(0, domains.Count, i => results[i] = Estimate(domains[i]));
        return results.ToList();
    }

    private RatioEngine Engine => _engines.Value!;

    /// <summary>
    /// The difference <paramref name="valueA"/> − <paramref name="valueB"/> of a measure (H, A or M0)
    /// at count cut-off <paramref name="k"/> between two values of a breakdown column, within an age
    /// group (or <c>all</c>), with the standard error of a difference within one survey.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown group, column, value or measure.</exception>
    public Results.Estimate Difference(string group, string column, string valueA, string valueB, int k, string measure)
    {
        var d = Domains().FirstOrDefault(x => x.Name == group) ?? throw new ArgumentException($"no age group '{group}'", nameof(group));
        return Difference(d, column, valueA, valueB, k, measure);
    }

    private Results.Estimate Difference(Domain d, string column, string valueA, string valueB, int k, string measure) =>
        Difference(SubgroupClasses(d, column, valueA), SubgroupClasses(d, column, valueB), CountCut(k, d), measure);

    // The children of one value of a breakdown column within a domain, by score class (empty for a value no child has).
    private EntryTable SubgroupClasses(Domain d, string column, string value)
    {
        var b = _plan.GroupByNames.ToList().IndexOf(column);
        if (b < 0) throw new ArgumentException($"'{column}' is not a breakdown column", nameof(column));
        var dict = _h.GroupByDictionaries[b];
        var code = value == "(missing)" ? -1 : dict?.Find(value) is int c and >= 0 ? c : -2;
        return ClassTable(_table.Subset(d.Rows.Where(r => _h.Cells[_cellOfRow[r]][b] == code).ToArray()));
    }

    private Results.Estimate Difference(EntryTable a, EntryTable b, Cut cut, string measure)
    {
        var intensity = ByClass(c => cut.Identified[c] * _classes[c].Score);
        var (y, x) = measure switch
        {
            "H" => (cut.Identified, Ones()),
            "M0" => (intensity, Ones()),
            "A" => (intensity, cut.Identified),
            _ => throw new ArgumentException($"measure must be H, A or M0, not '{measure}'", nameof(measure)),
        };
        return Engine.Difference(a, y, x, b, y, x);
    }

    // A configured contrast at every count cut-off: the two subgroups are projected once.
    private ContrastResult Contrast(Domain d, Configuration.ContrastSpec c, List<Cut> cuts)
    {
        var a = SubgroupClasses(d, c.Column, c.A);
        var b = SubgroupClasses(d, c.Column, c.B);
        return new ContrastResult(c.Column, c.A, c.B, cuts.Where(x => x.K is not null)
            .Select(x => new ContrastCutoff(x.K!.Value, Difference(a, b, x, "H"), Difference(a, b, x, "A"), Difference(a, b, x, "M0")))
            .ToArray());
    }

    // An age group, or the pooled group: the histogram rows of its children and its dimensions.
    private sealed record Domain(string Name, int[] Groups, int[] Rows, uint DimensionMask);

    private List<Domain> Domains()
    {
        var domains = new List<Domain>();
        var groups = _plan.Groups;
        var rowsByGroup = new List<int>[groups.Count];
        for (var g = 0; g < groups.Count; g++) rowsByGroup[g] = [];
        for (var r = 0; r < _table.Length; r++) rowsByGroup[_patterns[_table.Key[r]].Group].Add(r);
        for (var g = 0; g < groups.Count; g++)
            domains.Add(new Domain(groups[g].Name, [g], rowsByGroup[g].ToArray(), groups[g].DimensionMask));
        if (_plan.HasAgeGroups)
            domains.Add(new Domain("all", Enumerable.Range(0, groups.Count).ToArray(), Enumerable.Range(0, _table.Length).ToArray(),
                groups.Aggregate(0u, (m, g) => m | g.DimensionMask)));
        return domains;
    }

    // A cut-off: its reported k and share, and per score class whether it is deprived (1) or not (0).
    private sealed record Cut(int? K, double? Share, double[] Identified);

    private GroupResult Estimate(Domain d)
    {
        var dims = Bits(d.DimensionMask);
        var table = d.Rows.Length == _table.Length ? _table : _table.Subset(d.Rows);
        EntryTable classes = null!;
        Dictionary<int, EntryTable> byDimension = null!, rateTables = null!;
        Parallel.Invoke(                                   // three independent projections
            () => classes = ClassTable(table),
            () => byDimension = Tables(table, dims),
            () => rateTables = RateTables(table, dims));
        var maxD = d.Groups.Max(g => _plan.Groups[g].DimensionCount);
        var cuts = CutoffsOf(d, maxD);
        long children = 0, excluded = 0;
        var population = 0.0;
        for (var r = 0; r < table.Length; r++)
        {
            children += table.Count[r];
            population += table.Weight[r];
            if (!_complete[table.Key[r]]) excluded += table.Count[r];
        }

        NamedRate[] rates = [];
        IReadOnlyList<IndicatorRate> indicators = [];
        CountShare[] distribution = [];
        CutoffResult[] cutoffs = [];
        OverlapResult? overlap = null;
        Dictionary<string, IReadOnlyList<BreakdownValue>> breakdowns = [];
        MonetaryResult? monetary = null;
        ContrastResult[] contrasts = [];
        // Families of figures are independent; each thread estimates with its own engine.
        Parallel.Invoke(
            () => rates = dims.Select(j => new NamedRate(_plan.DimensionNames[j], DimensionRate(rateTables[j]))).ToArray(),
            () => indicators = IndicatorRates(d, rateTables),
            () => distribution = Enumerable.Range(0, maxD + 1).Select(t => new CountShare(t,
                Engine.Ratio(classes, ByClass(c => _classes[c].Count == t ? 1 : 0), Ones()),
                Engine.Ratio(classes, ByClass(c => _classes[c].Count >= t ? 1 : 0), Ones()))).ToArray(),
            () => cutoffs = cuts.Select(c => Cutoff(classes, byDimension, c)).ToArray(),
            () => overlap = Overlap(table, dims),
            () => breakdowns = Breakdowns(d, dims, cuts, classes),
            () => monetary = _plan.Monetary is null ? null : Monetary(table, d, cuts, maxD),
            () => contrasts = _plan.Spec.Contrasts.Select(c => Contrast(d, c, cuts)).ToArray());

        return new GroupResult
        {
            Name = d.Name,
            DimensionNames = dims.Select(j => _plan.DimensionNames[j]).ToArray(),
            Children = children,
            Population = population,
            Excluded = excluded,
            Dimensions = rates,
            Indicators = indicators,
            Distribution = distribution,
            Cutoffs = cutoffs,
            Overlap = overlap!,
            Breakdowns = breakdowns,
            Monetary = monetary,
            Contrasts = contrasts,
        };
    }

    // The class × dimension table of each dimension (key 2c + d_j), in one pass over the table.
    private Dictionary<int, EntryTable> Tables(EntryTable table, int[] dims)
    {
        var maps = dims.Select(j =>
        {
            var map = new int[_patterns.Length];
            for (var p = 0; p < map.Length; p++)
                map[p] = _classOf[p] < 0 ? -1 : 2 * _classOf[p] + (int)(_patterns[p].Deprived >> j & 1);
            return map;
        }).ToArray();
        var tables = table.ProjectMany(null, maps, 2 * _classes.Count, _units);
        return dims.Select((j, i) => (j, i)).ToDictionary(x => x.j, x => tables[x.i]);
    }

    // Each dimension's status table (key 0: not observed, 1: observed, not deprived, 2: deprived), in one pass.
    private Dictionary<int, EntryTable> RateTables(EntryTable table, int[] dims)
    {
        var maps = dims.Select(j =>
        {
            var map = new int[_patterns.Length];
            for (var p = 0; p < map.Length; p++)
                map[p] = (_patterns[p].Observed >> j & 1) == 0 ? 0 : 1 + (int)(_patterns[p].Deprived >> j & 1);
            return map;
        }).ToArray();
        var tables = table.ProjectMany(null, maps, 3, _units);
        return dims.Select((j, i) => (j, i)).ToDictionary(x => x.j, x => tables[x.i]);
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

    // H, A, M0 from the class table; censored headcounts and contributions from class × dimension tables.
    // With a group table, also the subgroup's contribution to the group's M0.
    private CutoffResult Cutoff(EntryTable classes, Dictionary<int, EntryTable> byDimension, Cut cut,
                                EntryTable? groupClasses = null)
    {
        var id = cut.Identified;
        var intensity = ByClass(c => id[c] * _classes[c].Score);
        var censored = new Dictionary<string, Results.Estimate>();
        var contributions = new Dictionary<string, Results.Estimate>();
        foreach (var (j, t) in byDimension)
        {
            // Keys of a class × dimension table: 2c + 1 when deprived in j, 2c when not.
            var deprived = ByClassDimension(c => id[c], 0);
            var weighted = ByClassDimension(c => id[c] * _plan.Groups[_classes[c].Group].Weights[j], 0);
            var intensity2 = ByClassDimension(c => id[c] * _classes[c].Score, id2 => id2);
            censored[_plan.DimensionNames[j]] = Engine.Ratio(t, deprived, ByClassDimension(_ => 1, x => x));
            contributions[_plan.DimensionNames[j]] = Engine.Ratio(t, weighted, intensity2);
        }
        return new CutoffResult(cut.K, cut.Share,
            Engine.Ratio(classes, id, Ones()),
            Engine.Ratio(classes, intensity, id),
            Engine.Ratio(classes, intensity, Ones()),
            censored, contributions,
            groupClasses is null ? null : Engine.Ratio(classes, intensity, groupClasses, intensity));
    }

    private Results.Estimate DimensionRate(EntryTable statusTable) => Engine.Ratio(statusTable, [0, 0, 1], [0, 1, 1]);

    private IReadOnlyList<IndicatorRate> IndicatorRates(Domain d, Dictionary<int, EntryTable> rateTables)
    {
        var strata = _engine.Design.StratumCount;
        var rates = new List<IndicatorRate>();
        var count = _plan.Indicators.Count;
        for (var i = 0; i < count; i++)
        {
            var ind = _plan.Indicators[i];
            if (!d.Groups.Any(g => (ind.AgeGroupMask & (1u << g)) != 0)) continue;
            if (ind.IsWholeDimension)
            {
                rates.Add(new IndicatorRate(ind.Name, _plan.DimensionNames[ind.Dimension], DimensionRate(rateTables[ind.Dimension])));
                continue;
            }
            double[] y = new double[_units], x = new double[_units], y2 = new double[strata], x2 = new double[strata];
            for (var unit = 0; unit < _units; unit++)
            {
                if (_h.IndicatorTotals(unit) is not { } totals) continue;
                var h = _engine.Design.UnitStratum[unit];
                foreach (var g in d.Groups)
                {
                    var b = 4 * (g * count + i);
                    y[unit] += totals[b];
                    x[unit] += totals[b + 1];
                    y2[h] += totals[b + 2];
                    x2[h] += totals[b + 3];
                }
            }
            rates.Add(new IndicatorRate(ind.Name, _plan.DimensionNames[ind.Dimension], Engine.Ratio(y, x, y2, x2)));
        }
        return rates;
    }

    private OverlapResult Overlap(EntryTable table, int[] dims)
    {
        // Project complete children onto their deprivation mask.
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
        var byMask = table.Project(null, map, masks.Count, _units);
        var rowsByMask = byMask.RowsByKey();
        var b = Engine.Base(byMask, Enumerable.Repeat(1.0, masks.Count).ToArray());

        var pairs = new List<PairShare>();
        for (var a = 0; a < dims.Length; a++)
            for (var c = a + 1; c < dims.Length; c++)
            {
                var both = (1u << dims[a]) | (1u << dims[c]);
                var rows = new List<int>();
                for (var k = 0; k < masks.Count; k++)
                    if ((masks[k] & both) == both) rows.AddRange(rowsByMask[k]);
                pairs.Add(new PairShare(_plan.DimensionNames[dims[a]], _plan.DimensionNames[dims[c]], Engine.Share(byMask, rows.ToArray(), b)));
            }
        var combinations = new List<CombinationShare>();
        for (var k = 0; k < masks.Count; k++)
        {
            if (masks[k] == 0 || rowsByMask[k].Length == 0) continue;
            combinations.Add(new CombinationShare(Bits(masks[k]).Select(j => _plan.DimensionNames[j]).ToArray(),
                Engine.Share(byMask, rowsByMask[k], b)));
        }
        return new OverlapResult(pairs,
            combinations.OrderByDescending(c => c.Share.Value).ThenBy(c => c.Dimensions.Count)
                .ThenBy(c => string.Join("+", c.Dimensions), StringComparer.Ordinal).ToArray());
    }

    private Dictionary<string, IReadOnlyList<BreakdownValue>> Breakdowns(Domain d, int[] dims, List<Cut> cuts, EntryTable groupClasses)
    {
        var result = new Dictionary<string, IReadOnlyList<BreakdownValue>>();
        var ones = Ones();
        for (var b = 0; b < _plan.GroupByNames.Count; b++)
        {
            var byValue = new SortedDictionary<int, List<int>>();
            foreach (var r in d.Rows)
            {
                var code = _h.Cells[_cellOfRow[r]][b];
                if (!byValue.TryGetValue(code, out var list)) byValue[code] = list = [];
                list.Add(r);
            }
            var dict = _h.GroupByDictionaries.Length > b ? _h.GroupByDictionaries[b] : null;
            var groups = byValue.ToArray();
            var values = new BreakdownValue[groups.Length];
            Parallel.For(0, groups.Length, i =>
            {
                var (code, rows) = groups[i];
                var sub = _table.Subset(rows.ToArray());
                var classes = ClassTable(sub);
                var byDimension = Tables(sub, dims);
                long n = 0;
                for (var r = 0; r < sub.Length; r++) n += sub.Count[r];
                values[i] = new BreakdownValue(code < 0 ? "(missing)" : dict![code], n,
                    Engine.Ratio(classes, ones, groupClasses, ones),
                    cuts.Select(c => Cutoff(classes, byDimension, c, groupClasses)).ToArray())
                {
                    Code = code < 0 ? null : dict!.NumericCodeOf(code),
                };
            });
            result[_plan.GroupByNames[b]] = values.OrderBy(v => v.Value, NaturalComparer.Instance).ToArray();
        }
        return result;
    }

    private MonetaryResult Monetary(EntryTable table, Domain d, List<Cut> cuts, int maxD)
    {
        var k = Math.Min(_plan.Spec.K, maxD);
        var id = (cuts.FirstOrDefault(c => c.K == k) ?? CountCut(k, d)).Identified;
        // Keys: 3c + monetary truth (0 not poor, 1 unknown, 2 poor).
        var map = new int[_patterns.Length];
        for (var p = 0; p < map.Length; p++)
            map[p] = _classOf[p] < 0 ? -1 : 3 * _classOf[p] + _patterns[p].Monetary;
        var t = table.Project(null, map, 3 * _classes.Count, _units);
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
    private EntryTable ClassTable(EntryTable table) => table.Project(null, _classOf, _classes.Count, _units);

    private double[] ByClass(Func<int, double> f)
    {
        var v = new double[_classes.Count];
        for (var c = 0; c < v.Length; c++) v[c] = f(c);
        return v;
    }

    private double[] Ones() => ByClass(_ => 1);

    // A vector over class × dimension keys: deprived(c) for key 2c+1, notDeprived(deprived(c)) for key 2c.
    private double[] ByClassDimension(Func<int, double> deprived, Func<double, double> notDeprived)
    {
        var v = new double[2 * _classes.Count];
        for (var c = 0; c < _classes.Count; c++)
        {
            v[2 * c + 1] = deprived(c);
            v[2 * c] = notDeprived(v[2 * c + 1]);
        }
        return v;
    }

    private double[] ByClassDimension(Func<int, double> deprived, double notDeprived) =>
        ByClassDimension(deprived, _ => notDeprived);

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
