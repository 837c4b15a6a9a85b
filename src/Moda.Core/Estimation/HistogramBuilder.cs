using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Estimation;

/// <summary>
/// Reads every row once into the <see cref="SurveyHistogram"/>. Rows go in fixed runs of
/// <see cref="RowsPerChunk"/>: each run fills a partial histogram, and partials are merged in
/// file order. A reader that can be split (<see cref="IChunkedTableReader"/>) has its runs parsed
/// on every core; any other reader is read in order. Either way the floating-point sums are the
/// same, so results do not depend on thread timing or file format.
/// </summary>
public static class HistogramBuilder
{
    /// <summary>Rows per run (and per batch).</summary>
    public const int RowsPerChunk = 65536;

    /// <summary>Builds the histogram of every row of <paramref name="reader"/>.</summary>
    public static SurveyHistogram Build(ITableReader reader, AnalysisPlan plan, IProgress<long>? progress = null,
                                        CancellationToken cancel = default, int? threads = null)
    {
        var rowUnits = plan.Spec.Variance.Method == VarianceMethod.Bootstrap;
        var workers = threads ?? Environment.ProcessorCount;
        if (reader is IChunkedTableReader { CanReadChunks: true } chunked)
            return workers > 1
                ? Parallel(chunked, plan, rowUnits, workers, progress, cancel)
                : InOrder(ChunkBatches(chunked.Chunks(RowsPerChunk), chunked.ReadChunk, plan), reader.Path, plan, rowUnits, progress, cancel);
        if (reader is IStreamChunkedTableReader streamed)
            return workers > 1
                ? Streamed(streamed, plan, rowUnits, workers, progress, cancel)
                : InOrder(ChunkBatches<StreamChunk>(streamed.StreamChunks(RowsPerChunk), (c, b) => { using (c) streamed.ReadChunk(c, b); }, plan),
                    reader.Path, plan, rowUnits, progress, cancel);

        return workers > 1
            ? Pipelined(reader, plan, rowUnits, workers, progress, cancel)
            : InOrder(reader.Read(plan.Requests, RowsPerChunk), reader.Path, plan, rowUnits, progress, cancel);
    }

    private static SurveyHistogram InOrder(IEnumerable<ColumnBatch> batches, string path, AnalysisPlan plan, bool rowUnits,
                                           IProgress<long>? progress, CancellationToken cancel)
    {
        SurveyHistogram? total = null;
        var classifier = new ChildClassifier(plan);
        foreach (var batch in batches)
        {
            cancel.ThrowIfCancellationRequested();
            total = Merge(total, Fill(batch, classifier, path, plan, rowUnits));
            progress?.Report(total.Rows);
        }
        return total ?? new SurveyHistogram(plan, path, rowUnits);
    }

    // A file cut into chunks (where it lies, or as its stream goes by) read on one thread chunk by
    // chunk: the parallel paths' reading code (the unquoted-CSV fast path included) and chunks, so
    // the same sums.
    private static IEnumerable<ColumnBatch> ChunkBatches<T>(IEnumerable<T> chunks, Action<T, ColumnBatch> read, AnalysisPlan plan)
    {
        var batch = new ColumnBatch(plan.Requests, RowsPerChunk);
        foreach (var chunk in chunks)
        {
            read(chunk, batch);
            yield return batch;
        }
    }

    // A stream cut into chunks of whole records (a gzipped CSV file): this thread decompresses and
    // cuts, workers parse, classify and fill partial histograms.
    private static SurveyHistogram Streamed(IStreamChunkedTableReader reader, AnalysisPlan plan, bool rowUnits, int workers,
                                            IProgress<long>? progress, CancellationToken cancel)
    {
        var batches = new System.Collections.Concurrent.ConcurrentBag<ColumnBatch>();
        var classifiers = new System.Collections.Concurrent.ConcurrentBag<ChildClassifier>();
        return OnWorkers(reader.StreamChunks(RowsPerChunk), chunk =>
        {
            var batch = batches.TryTake(out var b) ? b : new ColumnBatch(plan.Requests, RowsPerChunk);
            var classifier = classifiers.TryTake(out var c) ? c : new ChildClassifier(plan);
            try
            {
                reader.ReadChunk(chunk, batch);
                return Fill(batch, classifier, reader.Path, plan, rowUnits);
            }
            finally
            {
                chunk.Dispose();
                classifiers.Add(classifier);
                batches.Add(batch);
            }
        }, reader.Path, plan, rowUnits, workers, progress, cancel);
    }

    // A reader that cannot be split still reads on one thread, but hands copies of its batches
    // (with a snapshot of their dictionaries) to workers that classify them and fill partial
    // histograms; partials are merged in order, so the sums are those of InOrder.
    private static SurveyHistogram Pipelined(ITableReader reader, AnalysisPlan plan, bool rowUnits, int workers,
                                             IProgress<long>? progress, CancellationToken cancel)
    {
        using var free = new System.Collections.Concurrent.BlockingCollection<ColumnBatch>();
        for (var i = 0; i < workers + 1; i++) free.Add(new ColumnBatch(plan.Requests, RowsPerChunk));
        var classifiers = new System.Collections.Concurrent.ConcurrentBag<ChildClassifier>();
        var copies = reader.Read(plan.Requests, RowsPerChunk).Select(batch =>
        {
            var copy = free.Take(cancel);
            batch.CopyTo(copy);
            return copy;
        });
        return OnWorkers(copies, copy =>
        {
            var classifier = classifiers.TryTake(out var c) ? c : new ChildClassifier(plan);
            try
            {
                return Fill(copy, classifier, reader.Path, plan, rowUnits);
            }
            finally
            {
                classifiers.Add(classifier);
                free.Add(copy);
            }
        }, reader.Path, plan, rowUnits, workers, progress, cancel);
    }

    // Each item, made in order on this thread, becomes a partial histogram on the thread pool;
    // partials are merged in item order here (OrderedChunks.OnPool).
    private static SurveyHistogram OnWorkers<T>(IEnumerable<T> items, Func<T, SurveyHistogram> partial, string path, AnalysisPlan plan,
                                                bool rowUnits, int workers, IProgress<long>? progress, CancellationToken cancel)
    {
        SurveyHistogram? total = null;
        OrderedChunks.OnPool(items, partial, p =>
        {
            total = Merge(total, p);
            progress?.Report(total.Rows);
        }, workers, cancel);
        return total ?? new SurveyHistogram(plan, path, rowUnits);
    }

    // One batch classified into a new partial histogram.
    private static SurveyHistogram Fill(ColumnBatch batch, ChildClassifier classifier, string path, AnalysisPlan plan, bool rowUnits)
    {
        classifier.Classify(batch);
        var partial = new SurveyHistogram(plan, path, rowUnits, Math.Max(batch.Count, 16));
        partial.Add(batch, classifier);
        return partial;
    }

    private static SurveyHistogram Merge(SurveyHistogram? total, SurveyHistogram partial)
    {
        if (total is null) return partial;
        total.Merge(partial);
        return total;
    }

    private static SurveyHistogram Parallel(IChunkedTableReader reader, AnalysisPlan plan, bool rowUnits, int workers,
                                            IProgress<long>? progress, CancellationToken cancel)
    {
        SurveyHistogram? total = null;
        OrderedChunks.Run<SurveyHistogram>(reader.Chunks(RowsPerChunk), workers, () =>
        {
            var batch = new ColumnBatch(plan.Requests, RowsPerChunk);
            var classifier = new ChildClassifier(plan);
            return chunk =>
            {
                reader.ReadChunk(chunk, batch);
                return Fill(batch, classifier, reader.Path, plan, rowUnits);
            };
        }, partial =>
        {
            total = Merge(total, partial);
            progress?.Report(total.Rows);
        }, cancel);
        return total ?? new SurveyHistogram(plan, reader.Path, rowUnits);
    }
}
