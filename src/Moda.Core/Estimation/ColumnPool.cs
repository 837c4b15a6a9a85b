using System.Buffers;
using System.Numerics;

namespace Moda.Estimation;

/// <summary>
/// The pool of the entry columns of partial histograms (<see cref="HistogramEntries"/>). A file
/// of ten million children makes about 150 partials whose columns all live until the total is
/// gathered. <see cref="ArrayPool{T}.Create(int, int)"/> keeps a fixed number of arrays of a size,
/// fewer than one such file's partials, so every histogram built after the first (its columns
/// given back by <see cref="SurveyHistogram.ReleaseEntries()"/>) made most of its columns afresh,
/// and a fresh array's pages are faulted in again (the kernel benchmark at 10M: 114–262 ms an
/// operation against 84–86 ms with the columns kept). This pool keeps what is
/// given back, up to a budget of bytes, and lets it go at a full collection once it has lain
/// unused for a while or when memory is short, as <see cref="ArrayPool{T}.Shared"/> trims.
/// Arrays are a power of two long and made uninitialised: entries are written before they are read.
/// </summary>
internal sealed class ColumnPool<T> : ArrayPool<T> where T : unmanaged
{
    private const int MinLength = 16;
    private const int MaxLength = 1 << 30;
    private const long IdleMilliseconds = 10_000;        // unused this long, the arrays go at the next full collection
    private readonly Stack<T[]>[] _buckets = new Stack<T[]>[32];   // by log2 of the length
    private readonly long _budget;                       // bytes kept at most
    private readonly Lock _lock = new();
    private long _kept;                                  // bytes kept now
    private long _lastUse = Environment.TickCount64;

    /// <summary>
    /// A pool that keeps at most <paramref name="budgetBytes"/> bytes of arrays and, unless told
    /// otherwise (the tests, whose assertions a collection must not change), trims at full collections.
    /// </summary>
    public ColumnPool(long budgetBytes, bool trimAtFullCollections = true)
    {
        _budget = budgetBytes;
        for (var b = 0; b < _buckets.Length; b++) _buckets[b] = new Stack<T[]>();
        if (trimAtFullCollections) TrimOnFullCollections.Add(this);
    }

    /// <summary>Bytes of arrays kept now.</summary>
    public long KeptBytes
    {
        get
        {
            lock (_lock) return _kept;
        }
    }

    /// <inheritdoc />
    public override T[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength > MaxLength) return GC.AllocateUninitializedArray<T>(minimumLength); // no power of two fits: not pooled
        var bucket = Bucket(Math.Max(minimumLength, MinLength));
        lock (_lock)
        {
            _lastUse = Environment.TickCount64;
            if (_buckets[bucket].TryPop(out var array))
            {
                _kept -= Bytes(array);
                return array;
            }
        }
        return Fresh(1 << bucket);
    }

    /// <summary>
    /// A new array, uninitialised: entry columns are written before they are read. Debug builds
    /// (the tests) fill it with 0xCD bytes, so code that reads what it did not write fails on every
    /// run, not only when the memory it is given happens to hold something.
    /// </summary>
    internal static T[] Fresh(int length)
    {
        var array = GC.AllocateUninitializedArray<T>(length);
#if DEBUG
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()).Fill(0xCD);
#endif
        return array;
    }

    /// <inheritdoc />
    public override void Return(T[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length < MinLength || !BitOperations.IsPow2(array.Length)) return; // not one of ours
        if (clearArray) Array.Clear(array);
        lock (_lock)
        {
            _lastUse = Environment.TickCount64;
            if (_kept + Bytes(array) > _budget) return;
            _buckets[BitOperations.Log2((uint)array.Length)].Push(array);
            _kept += Bytes(array);
        }
    }

    /// <summary>Lets every kept array go.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var bucket in _buckets) bucket.Clear();
            _kept = 0;
        }
    }

    // After a full collection: the arrays go when unused for a while, or when memory is short.
    internal void Trim(bool memoryShort)
    {
        bool idle;
        lock (_lock) idle = Environment.TickCount64 - _lastUse >= IdleMilliseconds;
        if (idle || memoryShort) Clear();
    }

    private static int Bucket(int length) => BitOperations.Log2((uint)length - 1) + 1;

    private static long Bytes(T[] array) => (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    // An object that is never reachable and comes back from each finalisation: its finaliser runs
    // after every full (generation 2) collection and trims the pools.
    private sealed class TrimOnFullCollections
    {
        private static readonly List<WeakReference<ColumnPool<T>>> Pools = [];

        public static void Add(ColumnPool<T> pool)
        {
            lock (Pools)
            {
                if (Pools.Count == 0) _ = new TrimOnFullCollections();
                Pools.Add(new WeakReference<ColumnPool<T>>(pool));
            }
        }

        ~TrimOnFullCollections()
        {
            if (Environment.HasShutdownStarted) return;
            var info = GC.GetGCMemoryInfo();
            var memoryShort = info.MemoryLoadBytes >= info.HighMemoryLoadThresholdBytes;
            lock (Pools)
                foreach (var weak in Pools)
                    if (weak.TryGetTarget(out var pool)) pool.Trim(memoryShort);
            GC.ReRegisterForFinalize(this);
        }
    }
}
