using BenchmarkDotNet.Attributes;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;
using Moda.Results;

namespace Moda.Benchmarks;

/// <summary>
/// Everything after the histogram: <see cref="ProfileEstimator.EstimateAll"/> on a prebuilt
/// histogram of the default-layout file (default profile, with and without <c>--by county</c> or
/// <c>--by stratum</c>),
/// the same with the design, ratio engine and estimator built first (what <c>moda analyze</c>
/// does after reading), and the variance machinery alone: one <see cref="RatioEngine.Ratio(EntryTable, ReadOnlySpan{double}, ReadOnlySpan{double})"/>
/// over the full histogram and over a deprivation-count projection, and one
/// <see cref="SurveyDesign.Variance"/> of per-PSU influence totals.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class EstimationBenchmarks
{
    private Prepared _plain = null!, _county = null!, _stratum = null!;
    private double[] _oneY = [], _oneX = [];
    private int[] _onePsu = [];
    private EntryTable _full = null!, _byCount = null!;
    private int[] _identity = [];
    private double[] _fullY = [], _fullX = [], _countY = [], _countX = [], _u = [], _q = [];

    /// <summary>Children (rows) behind the histogram (Mrows/s: children per second of this stage); its size scales with PSUs (N/200).</summary>
    [ParamsSource(typeof(BenchData), nameof(BenchData.Sizes))]
    public int Rows { get; set; }

    private sealed record Prepared(AnalysisPlan Plan, SurveyHistogram Histogram, SurveyDesign Design, RatioEngine Engine, ProfileEstimator Estimator, string Path);

    /// <summary>Builds both histograms (all cores) and the estimators.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var path = BenchData.EnsureDefault(Rows);
        _plain = Prepare(path);
        _county = Prepare(path, "county");
        _stratum = Prepare(path, "stratum");

        // Full histogram keyed by pattern: y = deprived in dimension 0, x = observed in dimension 0.
        var h = _plain.Histogram;
        var entries = h.ToEntries();
        _full = new EntryTable(entries.Unit, entries.Pattern, entries.Weight, entries.Weight2, entries.Children, h.Patterns.Count);
        _fullY = h.Patterns.Select(p => (double)(p.Deprived & p.Observed & 1)).ToArray();
        _fullX = h.Patterns.Select(p => (double)(p.Observed & 1)).ToArray();

        // Complete children by number of deprivations (the score classes of equal weights): headcount at k = 3.
        var d = _plain.Plan.Groups[0].DimensionMask;
        var map = h.Patterns.Select(p => (p.Observed & d) == d ? System.Numerics.BitOperations.PopCount(p.Deprived) : -1).ToArray();
        var classes = System.Numerics.BitOperations.PopCount(d) + 1;
        _byCount = _full.Project(null, map, classes, _plain.Design.UnitCount);
        _countY = Enumerable.Range(0, classes).Select(c => c >= 3 ? 1.0 : 0.0).ToArray();
        _countX = Enumerable.Repeat(1.0, classes).ToArray();

        _identity = Enumerable.Range(0, h.Patterns.Count).ToArray();
        Console.WriteLine($"// histogram of {Rows} children: {h.EntryCount} entries, {h.Patterns.Count} patterns, {h.UnitCount} units, {h.StratumCount} strata; by county: {_county.Histogram.EntryCount} entries, {_county.Histogram.Cells.Count} cells");

        _u = new double[_plain.Design.UnitCount];
        var random = new Random(1);
        for (var i = 0; i < _u.Length; i++) _u[i] = random.NextDouble() - 0.5;
        _q = new double[_plain.Design.StratumCount];

        // A subgroup of one PSU (the middle unit): y and x zero elsewhere.
        _onePsu = [_u.Length / 2];
        _oneY = new double[_u.Length];
        _oneX = new double[_u.Length];
        _oneY[_onePsu[0]] = 40;
        _oneX[_onePsu[0]] = 100;
    }

    private static Prepared Prepare(string path, params string[] groupBy)
    {
        using var reader = new CsvTableReader(path);
        var plan = BenchData.DefaultPlan(reader, groupBy);
        var histogram = HistogramBuilder.Build(reader, plan);
        var (design, engine, estimator) = Build(plan, histogram, path);
        return new Prepared(plan, histogram, design, engine, estimator, path);
    }

    private static (SurveyDesign, RatioEngine, ProfileEstimator) Build(AnalysisPlan plan, SurveyHistogram histogram, string path)
    {
        var v = plan.Spec.Variance;
        var design = new SurveyDesign(histogram, v, path, plan.Spec.Strata, v.Fpc);
        var engine = new RatioEngine(design, v);
        return (design, engine, new ProfileEstimator(plan, histogram, engine));
    }

    /// <summary>The whole profile (every estimate and SE) from a prebuilt estimator.</summary>
    [Benchmark]
    public List<GroupResult> EstimateAll() => _plain.Estimator.EstimateAll();

    /// <summary>The whole profile broken down by county (eight counties).</summary>
    [Benchmark]
    public List<GroupResult> EstimateAllByCounty() => _county.Estimator.EstimateAll();

    /// <summary>
    /// The whole profile broken down by stratum (40 values, each a fortieth of the PSUs: summed
    /// over its own units, not the design's).
    /// </summary>
    [Benchmark]
    public List<GroupResult> EstimateAllByStratum() => _stratum.Estimator.EstimateAll();

    /// <summary>Design + ratio engine + estimator (entry table copy, score classes) + the whole profile: the pipeline after the histogram.</summary>
    [Benchmark]
    public List<GroupResult> FromHistogram()
    {
        var (_, _, estimator) = Build(_plain.Plan, _plain.Histogram, _plain.Path);
        return estimator.EstimateAll();
    }

    /// <summary>The same by county.</summary>
    [Benchmark]
    public List<GroupResult> FromHistogramByCounty()
    {
        var (_, _, estimator) = Build(_county.Plan, _county.Histogram, _county.Path);
        return estimator.EstimateAll();
    }

    /// <summary>
    /// <see cref="EntryTable.Project"/> of the whole histogram onto (unit, pattern): the first step
    /// of each age group's estimates (it merges breakdown cells).
    /// </summary>
    [Benchmark, RowsPerOp(0)]
    public int ProjectFullHistogram() => _full.Project(null, _identity, _identity.Length, _plain.Design.UnitCount).Length;

    /// <summary>One ratio with its linearized SE over the full histogram (every entry row).</summary>
    [Benchmark, RowsPerOp(0)]
    public double RatioFullHistogram() => _plain.Engine.Ratio(_full, _fullY, _fullX).Se;

    /// <summary>One ratio with its SE over the deprivation-count projection (units × 9 keys), as most figures are.</summary>
    [Benchmark, RowsPerOp(0)]
    public double RatioCountTable() => _plain.Engine.Ratio(_byCount, _countY, _countX).Se;

    /// <summary>The stratified variance of per-PSU influence totals alone.</summary>
    [Benchmark, RowsPerOp(0)]
    public double DesignVariance() => _plain.Design.Variance(_u, _q);

    /// <summary>The variance of a ratio over a subgroup of one PSU, summed over every unit of the design.</summary>
    [Benchmark, RowsPerOp(0)]
    public double VarianceOfOnePsuOverEveryUnit() => _plain.Design.Variance(_oneY, _oneX, 0.4, 100, _q);

    /// <summary>The same over the subgroup's unit alone (the same value to the last bit).</summary>
    [Benchmark, RowsPerOp(0)]
    public double VarianceOfOnePsuOverItsUnit() => _plain.Design.Variance(_oneY, _oneX, 0.4, 100, _q, _onePsu);
}
