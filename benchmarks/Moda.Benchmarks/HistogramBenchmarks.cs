using BenchmarkDotNet.Attributes;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;

namespace Moda.Benchmarks;

/// <summary>
/// The sufficient statistic: <see cref="SurveyHistogram.Add"/> of pre-classified in-memory batches
/// (one partial histogram per 65,536-row chunk, made by the workers' own
/// <c>HistogramBuilder.Filled</c>: sized by the partials before it, its key table given back),
/// <see cref="SurveyHistogram.Merge"/> of those partials in file order (made afresh before each
/// iteration, as a merged partial's entries belong to its total; the merge keeps them
/// where they are), and the same followed by <see cref="SurveyHistogram.ToEntries"/>, where the
/// entries are renumbered and copied into one set of columns for the estimators. Default profile, one thread.
/// </summary>
/// <remarks>
/// A merged total adopts the first partial's category dictionaries and adds the other chunks'
/// PSU labels to them; after the first (warm-up) invocation those labels are already there, so
/// <see cref="Merge"/> measures look-ups, not the ~N/200 one-off string insertions of a real run.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class HistogramBenchmarks
{
    private AnalysisPlan _plan = null!;
    private string _path = "";
    private ColumnBatch[] _batches = [];
    private ChildClassifier[] _classified = [];
    private SurveyHistogram[] _partials = [];

    /// <summary>Children (rows) per operation.</summary>
    [ParamsSource(typeof(BenchData), nameof(BenchData.Sizes))]
    public int Rows { get; set; }

    /// <summary>Parses and classifies the file in memory, one classifier per batch, and builds the partials.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = BenchData.EnsureDefault(Rows);
        using var reader = new CsvTableReader(_path);
        _plan = BenchData.DefaultPlan(reader);
        _batches = BenchData.LoadBatches(reader, _plan.Requests);
        _classified = new ChildClassifier[_batches.Length];
        Parallel.For(0, _batches.Length, i =>
        {
            _classified[i] = new ChildClassifier(_plan);
            _classified[i].Classify(_batches[i]);
        });
    }

    /// <summary>Fresh partials for the merge benchmarks: a merged partial's entries belong to its total.</summary>
    [IterationSetup(Targets = [nameof(Merge), nameof(MergeAndGather)])]
    public void MakePartials()
    {
        _partials = new SurveyHistogram[_batches.Length];
        var sizes = new PartialSizes();
        for (var i = 0; i < _batches.Length; i++) _partials[i] = HistogramBuilder.Filled(_batches[i], _classified[i], _path, _plan, rowUnits: false, sizes);
    }

    /// <summary>A fresh partial histogram per batch, filled with its rows (and released, so its pooled columns serve the next).</summary>
    [Benchmark]
    public long Add()
    {
        long entries = 0;
        var sizes = new PartialSizes();
        for (var i = 0; i < _batches.Length; i++)
        {
            var partial = HistogramBuilder.Filled(_batches[i], _classified[i], _path, _plan, rowUnits: false, sizes); // as the pipeline's workers fill them
            entries += partial.EntryCount;
            partial.ReleaseEntries();
        }
        return entries;
    }

    /// <summary>All partials merged, in file order, into a new total.</summary>
    [Benchmark]
    public long Merge()
    {
        var total = MergedPartials();
        var entries = total.EntryCount;
        total.ReleaseEntries();
        return entries;
    }

    /// <summary>All partials merged and their entries gathered into one set of columns, as the estimators take them.</summary>
    [Benchmark]
    public int MergeAndGather()
    {
        var total = MergedPartials();
        var entries = total.ToEntries().Count;
        total.ReleaseEntries();
        return entries;
    }

    private SurveyHistogram MergedPartials()
    {
        var total = new SurveyHistogram(_plan, _path);
        foreach (var partial in _partials) total.Merge(partial);
        return total;
    }
}
