using BenchmarkDotNet.Attributes;
using CsvHelper;
using Moda.Data;

namespace Moda.Benchmarks;

/// <summary>
/// CSV parsing of the default-layout file into the columns the default profile needs (eight
/// dimensions, weight, stratum, PSU): sequentially through <see cref="CsvTableReader.Read"/>, and
/// in chunks on every core (<see cref="CsvTableReader.Chunks"/> + <see cref="CsvTableReader.ReadChunk"/>),
/// as <c>moda analyze</c> does. The page cache is warm after the first iteration.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParsingBenchmarks
{
    private CsvTableReader _reader = null!;
    private IReadOnlyList<ColumnRequest> _requests = [];
    private ColumnBatch[] _workerBatches = [];
    private int[] _fields = [];

    /// <summary>Children (rows) in the file.</summary>
    [ParamsSource(typeof(BenchData), nameof(BenchData.Sizes))]
    public int Rows { get; set; }

    /// <summary>Opens the file (generating it when absent) and allocates one batch per worker.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _reader = new CsvTableReader(BenchData.EnsureDefault(Rows));
        _requests = BenchData.DefaultPlan(_reader).Requests;
        _fields = _requests.Select(r => _reader.ColumnNames.ToList().IndexOf(r.Name)).ToArray();
        _workerBatches = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new ColumnBatch(_requests, BenchData.BatchRows)).ToArray();
    }

    /// <summary>Closes the file.</summary>
    [GlobalCleanup]
    public void Cleanup() => _reader.Dispose();

    /// <summary>One thread, <see cref="CsvTableReader.Read"/> in batches of 65,536 rows.</summary>
    [Benchmark, ReadsFile]
    public long Sequential()
    {
        long rows = 0;
        foreach (var batch in _reader.Read(_requests, BenchData.BatchRows)) rows += batch.Count;
        return rows;
    }

    /// <summary>
    /// CsvHelper alone, one thread: every record read and the same fields' UTF-8 spans touched,
    /// nothing parsed or stored. The floor under <see cref="Sequential"/> while CsvHelper does the tokenising.
    /// </summary>
    [Benchmark, ReadsFile]
    public long CsvHelperBare()
    {
        using var csv = CsvReader.FromFile(_reader.Path, new CsvReaderOptions { HasHeader = true });
        long bytes = 0;
        while (csv.Read())
            foreach (var f in _fields) bytes += csv.GetSpan(f).Length;
        return bytes;
    }

    /// <summary>The record-boundary scan that cuts the file into chunks of 65,536 rows.</summary>
    [Benchmark, ReadsFile]
    public int ChunkScan() => _reader.Chunks(BenchData.BatchRows).Count;

    /// <summary>
    /// Chunk scan, then every chunk parsed on this thread by <see cref="CsvTableReader.ReadChunk"/>
    /// (the unquoted fast path on this file): per thread, against <see cref="Sequential"/> (CsvHelper).
    /// </summary>
    [Benchmark, ReadsFile]
    public long ChunkedOneThread()
    {
        long rows = 0;
        foreach (var chunk in _reader.Chunks(BenchData.BatchRows))
        {
            _reader.ReadChunk(chunk, _workerBatches[0]);
            rows += _workerBatches[0].Count;
        }
        return rows;
    }

    /// <summary>Chunk scan, then every chunk parsed on one of <see cref="Environment.ProcessorCount"/> threads.</summary>
    [Benchmark, ReadsFile]
    public long ChunkedParallel()
    {
        var chunks = _reader.Chunks(BenchData.BatchRows);
        var next = -1;
        long rows = 0;
        Parallel.For(0, _workerBatches.Length, new ParallelOptions { MaxDegreeOfParallelism = _workerBatches.Length }, w =>
        {
            var batch = _workerBatches[w];
            long mine = 0;
            for (int i; (i = Interlocked.Increment(ref next)) < chunks.Count;)
            {
                _reader.ReadChunk(chunks[i], batch);
                mine += batch.Count;
            }
            Interlocked.Add(ref rows, mine);
        });
        return rows;
    }
}
