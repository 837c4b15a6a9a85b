using BenchmarkDotNet.Attributes;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Benchmarks;

/// <summary>
/// <see cref="ChildClassifier.Classify"/> (rules → per-child pattern keys, which the histogram
/// counts by; the deprived and observed masks are made from them only when read) over every
/// in-memory batch of the default-layout file, default profile (eight dimensions), one thread.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ClassifyBenchmarks
{
    private ColumnBatch[] _batches = [];
    private ChildClassifier _classifier = null!;

    /// <summary>Children (rows) classified per operation.</summary>
    [ParamsSource(typeof(BenchData), nameof(BenchData.Sizes))]
    public int Rows { get; set; }

    /// <summary>Parses the file into memory.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using var reader = new CsvTableReader(BenchData.EnsureDefault(Rows));
        var plan = BenchData.DefaultPlan(reader);
        _batches = BenchData.LoadBatches(reader, plan.Requests);
        _classifier = new ChildClassifier(plan);
    }

    /// <summary>Classifies every batch in turn.</summary>
    [Benchmark]
    public int Classify()
    {
        var x = 0;
        foreach (var batch in _batches)
        {
            _classifier.Classify(batch);
            x ^= _classifier.Keys[0];
        }
        return x;
    }
}
