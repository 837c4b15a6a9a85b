using BenchmarkDotNet.Attributes;
using Moda.Configuration;
using Moda.Data;
using Moda.Estimation;

namespace Moda.Benchmarks;

/// <summary>
/// The same 1M-child file as CSV, Stata .dta, SPSS .sav and Parquet (twins written by pandas,
/// readstat and hyparquet-writer: run <c>benchmarks/formats.sh</c> once to make them), each read
/// into the default profile's columns (in order, and in chunks on every core), and each read +
/// classified + turned into the histogram as <c>moda analyze</c> does (every core). A format whose
/// twin is absent is skipped.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class FormatBenchmarks
{
    /// <summary>The file's extension.</summary>
    [Params("csv", "dta", "sav", "parquet")]
    public string Format { get; set; } = "csv";

    private string _path = "";

    /// <summary>Finds the twin; fails (and BenchmarkDotNet skips the case) when it is absent.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = Path.ChangeExtension(BenchData.EnsureDefault(1_000_000), Format);
        if (!File.Exists(_path)) throw new FileNotFoundException($"no {Format} twin; run benchmarks/formats.sh first", _path);
    }

    /// <summary>Every row read into batches, one thread.</summary>
    [Benchmark, ReadsFile]
    public long Read()
    {
        using var reader = TableReaders.Open(_path);
        var requests = BenchData.DefaultPlan(reader).Requests;
        long rows = 0;
        foreach (var batch in reader.Read(requests, BenchData.BatchRows)) rows += batch.Count;
        return rows;
    }

    /// <summary>
    /// Every chunk parsed into its own batch on every core, as moda analyze's workers parse them
    /// (no classification); a reader that cannot be split reads in order.
    /// </summary>
    [Benchmark, ReadsFile]
    public long ReadChunks()
    {
        using var reader = TableReaders.Open(_path);
        var requests = BenchData.DefaultPlan(reader).Requests;
        if (reader is not IChunkedTableReader { CanReadChunks: true } chunked) return Read();
        var chunks = chunked.Chunks(BenchData.BatchRows);
        long rows = 0;
        Parallel.ForEach(chunks, () => new ColumnBatch(requests, BenchData.BatchRows), (chunk, _, batch) =>
        {
            chunked.ReadChunk(chunk, batch);
            Interlocked.Add(ref rows, batch.Count);
            return batch;
        }, _ => { });
        return rows;
    }

    /// <summary>Read + classify + histogram on every core (chunked readers in parallel, others pipelined).</summary>
    [Benchmark, ReadsFile]
    public long Histogram()
    {
        using var reader = TableReaders.Open(_path);
        var plan = BenchData.DefaultPlan(reader);
        return HistogramBuilder.Build(reader, plan).Rows;
    }
}
