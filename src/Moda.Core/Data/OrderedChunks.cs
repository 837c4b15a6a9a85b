using Moda.Configuration;

namespace Moda.Data;

/// <summary>
/// Reads the chunks of a file on several threads and hands their results to one fold in file
/// order, so whatever the fold sums comes out the same on any number of threads. <see cref="Run"/>
/// takes chunks cut where they lie: each worker has its own state (a batch, a classifier), made by
/// the worker factory on its thread; at most about two results per worker wait for the fold, and
/// the first chunk (in file order) that fails stops the rest, its error thrown (a data or
/// configuration error as it is, anything else wrapped). <see cref="OnPool"/> takes chunks cut
/// from a stream as it is read.
/// </summary>
internal static class OrderedChunks
{
    public static void Run<T>(IReadOnlyList<TableChunk> chunks, int workers, Func<Func<TableChunk, T>> worker, Action<T> fold,
                              CancellationToken cancel) where T : class
    {
        if (chunks.Count == 0) return;
        workers = Math.Clamp(workers, 1, chunks.Count);
        var results = new T?[chunks.Count];
        var errors = new Exception?[chunks.Count];
        var ready = new ManualResetEventSlim[chunks.Count];
        for (var i = 0; i < ready.Length; i++) ready[i] = new ManualResetEventSlim();
        using var ahead = new SemaphoreSlim(2 * workers + 1);
        var next = -1;
        var firstFailed = int.MaxValue;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        void Work()
        {
            Func<TableChunk, T>? read = null;
            while (true)
            {
                try { ahead.Wait(stop.Token); }
                catch (OperationCanceledException) { return; }
                var i = Interlocked.Increment(ref next);
                if (i >= chunks.Count) return;
                try
                {
                    if (i < Volatile.Read(ref firstFailed) && !stop.IsCancellationRequested)
                        results[i] = (read ??= worker())(chunks[i]);
                }
                catch (Exception e)
                {
                    errors[i] = e;
                    int seen;
                    while (i < (seen = Volatile.Read(ref firstFailed)) && Interlocked.CompareExchange(ref firstFailed, i, seen) != seen) { }
                }
                finally
                {
                    ready[i].Set();
                }
            }
        }

        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++) tasks[w] = Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning);
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                ready[i].Wait(cancel);
                if (errors[i] is { } error) throw error is ModaDataException or ModaConfigurationException ? error : new AggregateException(error);
                var result = results[i] ?? throw new InvalidOperationException($"chunk {i} was not read");
                results[i] = null;
                ahead.Release();
                fold(result);
            }
        }
        finally
        {
            stop.Cancel();
            ahead.Release(workers);
            Task.WaitAll(tasks);
            foreach (var r in ready) r.Dispose();
        }
    }

    /// <summary>
    /// Each item, made in order on the calling thread (a stream cut as it is read), is mapped on
    /// the thread pool; the results are folded in item order on the calling thread, which throws
    /// the first failed item's error as it is. At most <paramref name="workers"/> items wait for a
    /// worker or their fold, which bounds what is held.
    /// </summary>
    public static void OnPool<TItem, T>(IEnumerable<TItem> items, Func<TItem, T> map, Action<T> fold, int workers, CancellationToken cancel)
    {
        var pending = new Queue<Task<T>>();

        void FoldOldest() => fold(pending.Dequeue().GetAwaiter().GetResult());

        try
        {
            foreach (var item in items)
            {
                cancel.ThrowIfCancellationRequested();
                while (pending.Count > workers) FoldOldest();
                pending.Enqueue(Task.Run(() => map(item), cancel));
            }
            while (pending.Count > 0) FoldOldest();
        }
        finally
        {
            try { Task.WaitAll(pending.ToArray()); } catch (AggregateException) { } // the first error is already on its way out
        }
    }
}
