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
        var sizes = new PartialSizes();
        SurveyHistogram? total = null;
        void Fold(SurveyHistogram partial)
        {
            total = Merge(total, partial);
            progress?.Report(total.Rows);
        }

        // Chunks cut from the file or its stream, the same on any number of threads (the
        // unquoted-CSV fast path included), so the same sums.
        if (!OrderedChunks.TryRead<SurveyHistogram>(reader, plan.Requests, RowsPerChunk, workers, () =>
            {
                var classifier = new ChildClassifier(plan);
                return batch => Fill(batch, classifier, reader.Path, plan, rowUnits, sizes);
            }, Fold, cancel))
        {
            if (workers > 1) Pipelined(reader, plan, rowUnits, workers, sizes, Fold, cancel);
            else
            {
                var classifier = new ChildClassifier(plan);
                foreach (var batch in reader.Read(plan.Requests, RowsPerChunk))
                {
                    cancel.ThrowIfCancellationRequested();
                    Fold(Fill(batch, classifier, reader.Path, plan, rowUnits, sizes));
                }
            }
        }
        return total ?? new SurveyHistogram(plan, reader.Path, rowUnits);
    }

    // A reader that cannot be split still reads on one thread, but hands copies of its batches
    // (with a snapshot of their dictionaries) to workers that classify them and fill partial
    // histograms; partials are merged in order, so the sums are those of InOrder.
    private static void Pipelined(ITableReader reader, AnalysisPlan plan, bool rowUnits, int workers, PartialSizes sizes, Action<SurveyHistogram> fold,
                                  CancellationToken cancel)
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
        OrderedChunks.OnPool(copies, copy =>
        {
            var classifier = classifiers.TryTake(out var c) ? c : new ChildClassifier(plan);
            try
            {
                return Fill(copy, classifier, reader.Path, plan, rowUnits, sizes);
            }
            finally
            {
                classifiers.Add(classifier);
                free.Add(copy);
            }
        }, fold, workers, cancel);
    }

    // One batch classified into a new partial histogram, sized by the partials before it.
    internal static SurveyHistogram Fill(ColumnBatch batch, ChildClassifier classifier, string path, AnalysisPlan plan, bool rowUnits,
                                         PartialSizes sizes)
    {
        classifier.Classify(batch);
        return Filled(batch, classifier, path, plan, rowUnits, sizes);
    }

    // A batch already classified by `classified` into a new partial histogram, sized by the
    // partials before it; its key table goes back at once, on this thread (the merge needs only
    // its patterns' keys). Fill's second half, and what the histogram benchmarks time.
    internal static SurveyHistogram Filled(ColumnBatch batch, ChildClassifier classified, string path, AnalysisPlan plan, bool rowUnits,
                                           PartialSizes sizes)
    {
        var partial = new SurveyHistogram(plan, path, rowUnits, sizes.Entries(batch.Count), sizes.Patterns);
        partial.Add(batch, classified);
        partial.ReturnKeyTable();
        sizes.Observe(batch.Count, partial);
        return partial;
    }

    private static SurveyHistogram Merge(SurveyHistogram? total, SurveyHistogram partial)
    {
        if (total is null) return partial;
        total.Merge(partial);
        return total;
    }
}
