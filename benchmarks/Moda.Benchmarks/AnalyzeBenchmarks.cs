using BenchmarkDotNet.Attributes;
using Moda.Configuration;
using Moda.Reporting;

namespace Moda.Benchmarks;

/// <summary>
/// The whole analysis in process and warm (JIT tiered up, page cache warm): what
/// <c>moda analyze FILE --format json</c> computes, minus process start-up and JIT. The gap to
/// benchmarks/e2e.sh's wall time is start-up, JIT/tiering and output.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class AnalyzeBenchmarks
{
    private string _path = "";

    /// <summary>Children in the file.</summary>
    [ParamsSource(typeof(BenchData), nameof(BenchData.Sizes))]
    public int Rows { get; set; }

    /// <summary>Makes sure the file exists.</summary>
    [GlobalSetup]
    public void Setup() => _path = BenchData.EnsureDefault(Rows);

    /// <summary><c>ModaAnalyzer.Analyze</c> with the default profile on every core, then the JSON document.</summary>
    [Benchmark, ReadsFile]
    public long Analyze() => Json(new AnalysisOptions());

    /// <summary>The same on one thread (<c>--threads 1</c>).</summary>
    [Benchmark, ReadsFile]
    public long AnalyzeOneThread() => Json(new AnalysisOptions { Threads = 1 });

    private long Json(AnalysisOptions options)
    {
        var results = ModaAnalyzer.Analyze(_path, Profiles.Default, options);
        using var sink = new MemoryStream();
        JsonResultWriter.Write(results, sink);
        return sink.Length;
    }
}
