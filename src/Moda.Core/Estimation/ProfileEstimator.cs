using System.Numerics;
using Moda.Deprivation;
using Moda.Results;

namespace Moda.Estimation;

/// <summary>
/// Derives the whole MODA profile of each age group and of the pooled group from the histogram:
/// every figure is a ratio of weighted totals of functions of the pattern, estimated by the
/// <see cref="RatioEngine"/> with its standard error.
/// </summary>
public sealed class ProfileEstimator
{
    private const double Tolerance = 1e-9; // identification: c_i ≥ share − 1e-9, never a bare ≥ on a float sum

    private readonly AnalysisPlan _plan;
    private readonly SurveyHistogram _h;
    private readonly RatioEngine _engine;
    private readonly int _patternCount;

    /// <summary>Creates the estimator.</summary>
    public ProfileEstimator(AnalysisPlan plan, SurveyHistogram histogram, RatioEngine engine)
    {
        _plan = plan;
        _h = histogram;
        _engine = engine;
        _patternCount = histogram.Patterns.Count;
    }

    /// <summary>Estimates every age group, then the pooled group when there are age groups.</summary>
    public List<GroupResult> EstimateAll() => Domains().Select(Estimate).ToList();

    /// <summary>
    /// The difference <paramref name="valueA"/> − <paramref name="valueB"/> of a measure (H, A or M0)
    /// at count cut-off <paramref name="k"/> between two values of a breakdown column, within an age
    /// group (or <c>all</c>), with the standard error of a difference within one survey.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown group, column, value or measure.</exception>
    public Results.Estimate Difference(string group, string column, string valueA, string valueB, int k, string measure)
    {
        var d = Domains().FirstOrDefault(x => x.Name == group) ?? throw new ArgumentException($"no age group '{group}'", nameof(group));
        var b = _plan.GroupByNames.ToList().IndexOf(column);
        if (b < 0) throw new ArgumentException($"'{column}' is not a breakdown column", nameof(column));
        var dict = _h.GroupByDictionaries[b];
        int Code(string v) => v == "(missing)" ? -1 : dict?.Find(v) is { } c and >= 0 ? c : throw new ArgumentException($"'{column}' has no value '{v}'");
        int[] Sub(int code) => d.Entries.Where(e => _h.Cells[_h.EntryCell[e]][b] == code).ToArray();
        var cut = CountCut(k, d.Groups.Select(g => _plan.Groups[g].DimensionCount).Distinct().ToArray());
        var complete = Vector(p => Complete(p) ? 1 : 0);
        var intensity = Vector(p => cut.Identified[Index(p)] * Score(p));
        var (y, x) = measure switch
        {
            "H" => (cut.Identified, complete),
            "M0" => (intensity, complete),
            "A" => (intensity, cut.Identified),
            _ => throw new ArgumentException($"measure must be H, A or M0, not '{measure}'", nameof(measure)),
        };
        return _engine.Difference(Sub(Code(valueA)), y, x, Sub(Code(valueB)), y, x);
    }

    private List<Domain> Domains()
    {
        var domains = new List<Domain>();
        var groups = _plan.Groups;
        var entriesByGroup = new List<int>[groups.Count];
        for (var g = 0; g < groups.Count; g++) entriesByGroup[g] = [];
        for (var e = 0; e < _h.EntryPattern.Count; e++) entriesByGroup[_h.Patterns[_h.EntryPattern[e]].Group].Add(e);
        for (var g = 0; g < groups.Count; g++)
            domains.Add(new Domain(groups[g].Name, [g], entriesByGroup[g].ToArray(), groups[g].DimensionMask));
        if (_plan.HasAgeGroups)
        {
            var all = Enumerable.Range(0, _h.EntryPattern.Count).ToArray();
            var mask = groups.Aggregate(0u, (m, g) => m | g.DimensionMask);
            domains.Add(new Domain("all", Enumerable.Range(0, groups.Count).ToArray(), all, mask));
        }
        return domains;
    }

    private sealed record Domain(string Name, int[] Groups, int[] Entries, uint DimensionMask);

    private GroupResult Estimate(Domain d)
    {
        var dims = Bits(d.DimensionMask);
        var names = dims.Select(j => _plan.DimensionNames[j]).ToArray();
        var complete = Vector(p => Complete(p) ? 1 : 0);
        var one = Vector(_ => 1);
        long children = 0, excluded = 0;
        var population = 0.0;
        foreach (var e in d.Entries)
        {
            children += _h.EntryCount[e];
            population += _h.EntryWeight[e];
            if (!Complete(_h.Patterns[_h.EntryPattern[e]])) excluded += _h.EntryCount[e];
        }
        var maxD = d.Groups.Max(g => _plan.Groups[g].DimensionCount);
        var cutoffs = CutoffsOf(d, maxD);

        return new GroupResult
        {
            Name = d.Name,
            DimensionNames = names,
            Children = children,
            Population = population,
            Excluded = excluded,
            Dimensions = dims.Select(j => new NamedRate(_plan.DimensionNames[j],
                _engine.Ratio(d.Entries, Vector(p => Has(p.Deprived, j)), Vector(p => Has(p.Observed, j))))).ToArray(),
            Indicators = IndicatorRates(d),
            Distribution = Enumerable.Range(0, maxD + 1).Select(t => new CountShare(t,
                _engine.Ratio(d.Entries, Vector(p => Complete(p) && Count(p) == t ? 1 : 0), complete),
                _engine.Ratio(d.Entries, Vector(p => Complete(p) && Count(p) >= t ? 1 : 0), complete))).ToArray(),
            Cutoffs = cutoffs.Select(c => Cutoff(d.Entries, dims, c, complete)).ToArray(),
            Overlap = Overlap(d, dims, complete),
            Breakdowns = Breakdowns(d, dims, cutoffs, complete),
            Monetary = _plan.Monetary is null ? null : Monetary(d, cutoffs, maxD),
        };
    }

    // A cut-off: its reported k and share, and which patterns it identifies as deprived.
    private sealed record Cut(int? K, double? Share, double[] Identified);

    private List<Cut> CutoffsOf(Domain d, int maxD)
    {
        var spec = _plan.Spec;
        var ds = d.Groups.Select(g => _plan.Groups[g].DimensionCount).Distinct().ToArray();
        var ks = spec.Cutoffs?.Where(k => k <= maxD) ?? Enumerable.Range(1, maxD);
        var cuts = ks.Select(k => CountCut(k, ds)).ToList();
        cuts.AddRange(spec.CutoffShares.Select(s => new Cut(null, s, Vector(p => Complete(p) && Score(p) >= s - Tolerance ? 1 : 0))));
        return cuts;
    }

    // Deprived at count cut-off k: weighted score c_i ≥ k/d_g (with equal weights, s_i ≥ k).
    private Cut CountCut(int k, int[] ds) => new(k, ds.Length == 1 ? (double)k / ds[0] : null,
        Vector(p => Complete(p) && Score(p) >= (double)k / _plan.Groups[p.Group].DimensionCount - Tolerance ? 1 : 0));

    private CutoffResult Cutoff(int[] entries, int[] dims, Cut cut, double[] complete, int[]? groupEntries = null, double[]? groupIntensity = null)
    {
        var id = cut.Identified;
        var intensity = Vector(p => id[Index(p)] * Score(p));
        var censored = new Dictionary<string, Results.Estimate>();
        var contributions = new Dictionary<string, Results.Estimate>();
        foreach (var j in dims)
        {
            censored[_plan.DimensionNames[j]] = _engine.Ratio(entries, Vector(p => id[Index(p)] * Has(p.Deprived, j)), complete);
            contributions[_plan.DimensionNames[j]] = _engine.Ratio(entries,
                Vector(p => id[Index(p)] * Has(p.Deprived, j) * _plan.Groups[p.Group].Weights[j]), intensity);
        }
        return new CutoffResult(cut.K, cut.Share,
            _engine.Ratio(entries, id, complete),
            _engine.Ratio(entries, intensity, id),
            _engine.Ratio(entries, intensity, complete),
            censored, contributions,
            groupEntries is null ? null : _engine.Ratio(entries, intensity, groupEntries, groupIntensity!));
    }

    private IReadOnlyList<IndicatorRate> IndicatorRates(Domain d)
    {
        var units = _engine.Design.UnitCount;
        var strata = _engine.Design.StratumCount;
        var rates = new List<IndicatorRate>();
        var totals = _h.IndicatorTotals;
        var stride = 4 * _plan.Indicators.Count;
        for (var i = 0; i < _plan.Indicators.Count; i++)
        {
            var ind = _plan.Indicators[i];
            if (!d.Groups.Any(g => (ind.AgeGroupMask & (1u << g)) != 0)) continue;
            double[] y = new double[units], x = new double[units];
            double[] qyy = new double[strata], qxx = new double[strata];
            for (var row = 0; row < _h.IndicatorRowKeys.Count; row++)
            {
                var (g, unit) = _h.IndicatorRowKeys[row];
                if (Array.IndexOf(d.Groups, g) < 0) continue;
                var b = row * stride + 4 * i;
                y[unit] += totals[b];
                x[unit] += totals[b + 1];
                var h = _engine.Design.UnitStratum[unit];
                qyy[h] += totals[b + 2];
                qxx[h] += totals[b + 3];
            }
            // y is 0/1 and implies x, so Σ w²y² = Σ w²xy = Σ w²y.
            rates.Add(new IndicatorRate(ind.Name, _plan.DimensionNames[ind.Dimension], _engine.Ratio(y, x, qyy, qyy, qxx)));
        }
        return rates;
    }

    private OverlapResult Overlap(Domain d, int[] dims, double[] complete)
    {
        var pairs = new List<PairShare>();
        for (var a = 0; a < dims.Length; a++)
            for (var b = a + 1; b < dims.Length; b++)
            {
                int ja = dims[a], jb = dims[b];
                pairs.Add(new PairShare(_plan.DimensionNames[ja], _plan.DimensionNames[jb],
                    _engine.Ratio(d.Entries, Vector(p => Complete(p) ? Has(p.Deprived, ja) * Has(p.Deprived, jb) : 0), complete)));
            }
        var masks = new SortedSet<uint>();
        foreach (var e in d.Entries)
        {
            var p = _h.Patterns[_h.EntryPattern[e]];
            if (Complete(p) && p.Deprived != 0) masks.Add(p.Deprived);
        }
        var combinations = masks
            .Select(m => new CombinationShare(Bits(m).Select(j => _plan.DimensionNames[j]).ToArray(),
                _engine.Ratio(d.Entries, Vector(p => Complete(p) && p.Deprived == m ? 1 : 0), complete)))
            .OrderByDescending(c => c.Share.Value).ThenBy(c => c.Dimensions.Count).ToArray();
        return new OverlapResult(pairs, combinations);
    }

    private Dictionary<string, IReadOnlyList<BreakdownValue>> Breakdowns(Domain d, int[] dims, List<Cut> cuts, double[] complete)
    {
        var result = new Dictionary<string, IReadOnlyList<BreakdownValue>>();
        for (var b = 0; b < _plan.GroupByNames.Count; b++)
        {
            var byValue = new SortedDictionary<int, List<int>>();
            foreach (var e in d.Entries)
            {
                var code = _h.Cells[_h.EntryCell[e]][b];
                if (!byValue.TryGetValue(code, out var list)) byValue[code] = list = [];
                list.Add(e);
            }
            var dict = _h.GroupByDictionaries.Length > b ? _h.GroupByDictionaries[b] : null;
            var values = new List<BreakdownValue>();
            foreach (var (code, list) in byValue)
            {
                var sub = list.ToArray();
                long n = 0;
                foreach (var e in sub) n += _h.EntryCount[e];
                var share = _engine.Ratio(sub, complete, d.Entries, complete);
                var subCuts = cuts.Select(c =>
                {
                    var intensity = Vector(p => c.Identified[Index(p)] * Score(p));
                    return Cutoff(sub, dims, c, complete, d.Entries, intensity);
                }).ToArray();
                values.Add(new BreakdownValue(code < 0 ? "(missing)" : dict![code], n, share, subCuts)
                {
                    Code = code < 0 ? null : dict!.NumericCodeOf(code),
                });
            }
            result[_plan.GroupByNames[b]] = values.OrderBy(v => v.Value, NaturalComparer.Instance).ToArray();
        }
        return result;
    }

    private MonetaryResult Monetary(Domain d, List<Cut> cuts, int maxD)
    {
        var k = Math.Min(_plan.Spec.K, maxD);
        var cut = cuts.FirstOrDefault(c => c.K == k)
            ?? CountCut(k, d.Groups.Select(g => _plan.Groups[g].DimensionCount).Distinct().ToArray());
        var id = cut.Identified;
        double Poor(Pattern p) => p.Monetary == Rules.Truth.Yes ? 1 : 0;
        double NotPoor(Pattern p) => p.Monetary == Rules.Truth.No ? 1 : 0;
        var known = Vector(p => Complete(p) && p.Monetary != Rules.Truth.Unknown ? 1 : 0);
        var deprivedKnown = Vector(p => id[Index(p)] * (p.Monetary != Rules.Truth.Unknown ? 1 : 0));
        var poorKnown = Vector(p => Complete(p) ? Poor(p) : 0);
        var e = d.Entries;
        return new MonetaryResult(k,
            _engine.Ratio(e, Vector(p => id[Index(p)] * Poor(p)), known),
            _engine.Ratio(e, Vector(p => id[Index(p)] * NotPoor(p)), known),
            _engine.Ratio(e, Vector(p => Complete(p) ? (1 - id[Index(p)]) * Poor(p) : 0), known),
            _engine.Ratio(e, Vector(p => Complete(p) ? (1 - id[Index(p)]) * NotPoor(p) : 0), known),
            _engine.Ratio(e, Vector(p => id[Index(p)] * NotPoor(p)), deprivedKnown),
            _engine.Ratio(e, Vector(p => Complete(p) ? (1 - id[Index(p)]) * Poor(p) : 0), poorKnown));
    }

    private readonly Dictionary<Pattern, int> _index = [];

    private int Index(Pattern p)
    {
        if (_index.Count == 0)
            for (var i = 0; i < _h.Patterns.Count; i++) _index[_h.Patterns[i]] = i;
        return _index[p];
    }

    private double[] Vector(Func<Pattern, double> f)
    {
        var v = new double[_patternCount];
        for (var i = 0; i < v.Length; i++) v[i] = f(_h.Patterns[i]);
        return v;
    }

    private bool Complete(Pattern p)
    {
        var mask = _plan.Groups[p.Group].DimensionMask;
        return (p.Observed & mask) == mask;
    }

    private static int Count(Pattern p) => BitOperations.PopCount(p.Deprived);

    private double Score(Pattern p)
    {
        var w = _plan.Groups[p.Group].Weights;
        var s = 0.0;
        foreach (var j in Bits(p.Deprived)) s += w[j];
        return s;
    }

    private static double Has(uint mask, int j) => (mask >> j & 1) != 0 ? 1 : 0;

    private static int[] Bits(uint mask)
    {
        var bits = new List<int>();
        for (var j = 0; j < 32; j++) if ((mask >> j & 1) != 0) bits.Add(j);
        return bits.ToArray();
    }
}
