using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;

namespace Moda.Benchmarks;

/// <summary>
/// The kernel target: from in-memory columns to the sufficient statistic (classify every
/// batch, fill a partial histogram per batch, merge in file order) against a plain pass that sums
/// the same in-memory columns (every column the kernel reads: the eight dimension columns and the
/// weight as double[], the stratum and PSU codes as int[]), in one run, so the Ratio column is
/// kernel ÷ baseline. "1 thread" compares one core with one core; "all cores" runs both on
/// <see cref="Environment.ProcessorCount"/> threads (the kernel then merges the partials in order
/// on the calling thread, as the pipeline does). MB/s counts the column bytes both read per row:
/// 80 (9 doubles and 2 ints). Each operation ends by releasing the total's entries, as the
/// estimator does once it holds its copy, so the next operation's partials reuse their pooled
/// columns: the steady state of a process that analyses again and again. (A process's first
/// histograms fault their memory in fresh; benchmarks/README.md gives that figure too.)
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class BandwidthBaseline
{
    private AnalysisPlan _plan = null!;
    private string _path = "";
    private ColumnBatch[] _batches = [];
    private double[][][] _numbers = [];          // per batch: the kernel's double columns, summed by the baseline
    private int[][][] _codes = [];               // per batch: the kernel's code columns, summed by the baseline
    private ChildClassifier[] _workers = [];
    private SurveyHistogram?[] _partials = [];
    private ManualResetEventSlim[] _ready = [];
    private MinimalKernel[] _floors = [];
    private double[][][] _dimensions = [];       // per batch: the eight dimension columns, for the floor

    /// <summary>Children (rows) per operation.</summary>
    [ParamsSource(typeof(BenchData), nameof(BenchData.Sizes))]
    public int Rows { get; set; }

    /// <summary>Parses the file into memory (all cores).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = BenchData.EnsureDefault(Rows);
        using var reader = new CsvTableReader(_path);
        _plan = BenchData.DefaultPlan(reader);
        _batches = BenchData.LoadBatches(reader, _plan.Requests);
        // The baseline reads what the kernel reads: every column the plan asks for.
        var requests = _plan.Requests;
        if (requests.Count != 11) throw new InvalidOperationException($"expected 8 dimensions, weight, stratum and PSU; the plan reads {requests.Count} columns");
        _numbers = _batches.Select(b => b.Numbers.OfType<double[]>().ToArray()).ToArray();
        _codes = _batches.Select(b => b.Codes.OfType<int[]>().ToArray()).ToArray();
        _workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new ChildClassifier(_plan)).ToArray();
        _partials = new SurveyHistogram?[_batches.Length];
        _ready = _batches.Select(_ => new ManualResetEventSlim()).ToArray();
        var dims = _plan.DimensionNames.Select(d => _plan.SlotOf(d, ColumnKind.Numeric)).ToArray();
        _dimensions = _batches.Select(b => dims.Select(s => b.Numbers[s]!).ToArray()).ToArray();
        _floors = _workers.Select(_ => new MinimalKernel()).ToArray();
        if (Vector512.IsHardwareAccelerated) MinimalKernel.Check(_plan, _batches, _path);
    }

    /// <summary>Disposes the readiness events.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var r in _ready) r.Dispose();
    }

    /// <summary>Sums the kernel's columns of every batch (Vector&lt;T&gt;, four accumulators).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("1 thread"), ColumnBytesPerRow(80)]
    public double Baseline()
    {
        var total = 0.0;
        for (var b = 0; b < _batches.Length; b++) total += SumBatch(b);
        return total;
    }

    /// <summary>Classify + partial histogram per batch + merge: columns to sufficient statistic.</summary>
    [Benchmark, BenchmarkCategory("1 thread"), ColumnBytesPerRow(80)]
    public long Kernel()
    {
        SurveyHistogram? total = null;
        var classifier = _workers[0];
        var sizes = new PartialSizes();
        foreach (var batch in _batches)
        {
            var partial = HistogramBuilder.Fill(batch, classifier, _path, _plan, rowUnits: false, sizes);
            if (total is null) total = partial;
            else total.Merge(partial);
        }
        total!.ReleaseEntries();
        return total.Rows;
    }

    /// <summary>
    /// The floor (<see cref="MinimalKernel"/>): the same statistic for the default plan alone, with
    /// nothing checked or merged.
    /// </summary>
    [Benchmark, BenchmarkCategory("1 thread"), ColumnBytesPerRow(80)]
    public long Floor()
    {
        long entries = 0;
        for (var b = 0; b < _batches.Length; b++) entries += FloorOf(_floors[0], b);
        return entries;
    }

    /// <summary>The floor on every core.</summary>
    [Benchmark, BenchmarkCategory("all cores"), ColumnBytesPerRow(80)]
    public long FloorParallel()
    {
        var next = -1;
        long entries = 0;
        Parallel.For(0, _workers.Length, new ParallelOptions { MaxDegreeOfParallelism = _workers.Length }, w =>
        {
            for (int b; (b = Interlocked.Increment(ref next)) < _batches.Length;) Interlocked.Add(ref entries, FloorOf(_floors[w], b));
        });
        return entries;
    }

    // Batch b through the floor; its entries are cleared first, as a partial's are handed on.
    private int FloorOf(MinimalKernel floor, int b)
    {
        var batch = _batches[b];
        floor.Clear();
        floor.Add(_dimensions[b], batch.Numbers[_plan.WeightSlot]!, batch.Codes[_plan.StratumSlot]!, batch.Codes[_plan.ClusterSlot]!, batch.Count);
        return floor.Entries.Count;
    }

    /// <summary>The baseline on every core.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("all cores"), ColumnBytesPerRow(80)]
    public double BaselineParallel()
    {
        var sums = new double[_batches.Length];
        var next = -1;
        Parallel.For(0, _workers.Length, new ParallelOptions { MaxDegreeOfParallelism = _workers.Length }, _ =>
        {
            for (int b; (b = Interlocked.Increment(ref next)) < _batches.Length;) sums[b] = SumBatch(b);
        });
        return sums.Sum();
    }

    /// <summary>
    /// The kernel on every core, as the pipeline runs it (<c>HistogramBuilder</c>): workers fill
    /// partials, and the calling thread merges them in file order as they become ready. The
    /// workers are thread-pool threads, as the baseline's are: the pipeline starts threads of its
    /// own once per file, which costs more than this whole operation, so each operation here
    /// starting two would measure thread start-up, not the kernel.
    /// </summary>
    [Benchmark, BenchmarkCategory("all cores"), ColumnBytesPerRow(80)]
    public long KernelParallel()
    {
        var next = -1;
        foreach (var r in _ready) r.Reset();
        var sizes = new PartialSizes();
        var workers = _workers.Select(classifier => Task.Run(() =>
        {
            for (int b; (b = Interlocked.Increment(ref next)) < _batches.Length;)
            {
                _partials[b] = HistogramBuilder.Fill(_batches[b], classifier, _path, _plan, rowUnits: false, sizes);
                _ready[b].Set();
            }
        })).ToArray();
        _ready[0].Wait();
        var total = _partials[0]!;
        for (var b = 1; b < _partials.Length; b++)
        {
            _ready[b].Wait();
            total.Merge(_partials[b]!);
            _partials[b] = null; // garbage once merged, as the pipeline drops a folded result (kept, it was copied by every collection)
        }
        Task.WaitAll(workers);
        Array.Clear(_partials);
        total.ReleaseEntries();
        return total.Rows;
    }

    private double SumBatch(int b)
    {
        var n = _batches[b].Count;
        var total = 0.0;
        foreach (var column in _numbers[b]) total += Sum<double>(column.AsSpan(0, n));
        foreach (var column in _codes[b]) total += Sum<int>(column.AsSpan(0, n));
        return total;
    }

    private static T Sum<T>(ReadOnlySpan<T> span) where T : struct, INumber<T>
    {
        var acc0 = Vector<T>.Zero;
        var acc1 = Vector<T>.Zero;
        var acc2 = Vector<T>.Zero;
        var acc3 = Vector<T>.Zero;
        var tail = T.Zero;
        var vectors = MemoryMarshal.Cast<T, Vector<T>>(span);
        var i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            acc0 += vectors[i];
            acc1 += vectors[i + 1];
            acc2 += vectors[i + 2];
            acc3 += vectors[i + 3];
        }
        for (; i < vectors.Length; i++) acc0 += vectors[i];
        for (var j = vectors.Length * Vector<T>.Count; j < span.Length; j++) tail += span[j];
        return Vector.Sum(acc0 + acc1 + acc2 + acc3) + tail;
    }
}
