using Moda.Configuration;

namespace Moda.Data;

/// <summary>
/// Reads the chunks of a file on several threads and hands their results to one fold in file
/// order, so whatever the fold sums comes out the same on any number of threads
/// (<see cref="TryRead"/> picks the way for a reader). <see cref="Run"/>
/// takes chunks cut where they lie: each worker has its own state (a batch, a classifier), made by
/// the worker factory on its thread; at most about two results per worker wait for the fold, and
/// the first chunk (in file order) that fails stops the rest, its error thrown (a data or
/// configuration error as it is, anything else wrapped). <see cref="OnPool"/> takes chunks cut
/// from a stream as it is read.
/// </summary>
internal static class OrderedChunks
{
    /// <summary>
    /// Reads a reader that can be cut into chunks of <paramref name="rowsPerChunk"/> rows (where
    /// they lie, or from its stream as it is read) chunk by chunk: each batch is mapped by a
    /// worker's map (from <paramref name="worker"/>, one per thread) on <paramref name="workers"/>
    /// threads, and the results are folded in file order. On one thread the same chunks are read
    /// in turn, so the fold gets the same results. False, with nothing read, when the reader
    /// cannot be cut.
    /// </summary>
    public static bool TryRead<T>(ITableReader reader, IReadOnlyList<ColumnRequest> requests, int rowsPerChunk, int workers,
                                  Func<Func<ColumnBatch, T>> worker, Action<T> fold, CancellationToken cancel) where T : class
    {
        if (reader is IChunkedTableReader { CanReadChunks: true } chunked)
        {
            var chunks = chunked.Chunks(rowsPerChunk);
            if (workers > 1)
                Run(chunks, workers, () =>
                {
                    var batch = new ColumnBatch(requests, rowsPerChunk);
                    var map = worker();
                    return chunk =>
                    {
                        chunked.ReadChunk(chunk, batch);
                        return map(batch);
                    };
                }, fold, cancel);
            else
                InTurn(chunks, chunked.ReadChunk, requests, rowsPerChunk, worker(), fold, cancel);
            return true;
        }
        if (reader is IStreamChunkedTableReader streamed)
        {
            if (workers > 1)
            {
                // This thread decompresses and cuts; a pool task takes a free batch and map for its chunk.
                var free = new System.Collections.Concurrent.ConcurrentBag<(ColumnBatch Batch, Func<ColumnBatch, T> Map)>();
                OnPool(streamed.StreamChunks(rowsPerChunk), chunk =>
                {
                    var state = free.TryTake(out var s) ? s : (Batch: new ColumnBatch(requests, rowsPerChunk), Map: worker());
                    try
                    {
                        streamed.ReadChunk(chunk, state.Batch);
                        return state.Map(state.Batch);
                    }
                    finally
                    {
                        chunk.Dispose();
                        free.Add(state);
                    }
                }, fold, workers, cancel);
            }
            else
                InTurn<StreamChunk, T>(streamed.StreamChunks(rowsPerChunk), (c, b) => { using (c) streamed.ReadChunk(c, b); }, requests, rowsPerChunk, worker(), fold, cancel);
            return true;
        }
        return false;
    }

    // The chunks read one after another on this thread into one batch.
    private static void InTurn<TChunk, T>(IEnumerable<TChunk> chunks, Action<TChunk, ColumnBatch> read, IReadOnlyList<ColumnRequest> requests,
                                          int rowsPerChunk, Func<ColumnBatch, T> map, Action<T> fold, CancellationToken cancel)
    {
        var batch = new ColumnBatch(requests, rowsPerChunk);
        foreach (var chunk in chunks)
        {
            cancel.ThrowIfCancellationRequested();
            read(chunk, batch);
            fold(map(batch));
        }
    }

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
