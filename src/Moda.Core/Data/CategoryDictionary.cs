using System.Buffers;
using System.Collections;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Moda.Data;

/// <summary>
/// The distinct values of a categorical column in order of first appearance; a value's code is
/// its index. Shared by every batch of one read, so codes are stable across batches.
/// </summary>
/// <remarks>
/// Values are kept as UTF-8 bytes in large pages, not as strings: a census file's identifier
/// column has as many values as rows, and ten million strings (and the hash entries pointing at
/// them) cost over a gigabyte and make every full garbage collection walk them all. Here a value
/// costs its bytes, 8 bytes of location and 1⅓ to 2⅔ slots (8 bytes each) of an open-addressed table; a
/// string is made only when one is asked for (<see cref="this[int]"/>). CSV cells, already UTF-8,
/// are looked up without decoding (<see cref="GetOrAdd(ReadOnlySpan{byte})"/>).
/// </remarks>
public sealed class CategoryDictionary
{
    private const int PageSize = 1 << 20;      // bytes in a full page; a longer value gets a page of its own
    private const int MaxValueBytes = (1 << 24) - 1;
    private readonly List<byte[]> _pages = [];
    private int _pageUsed;                      // bytes used in the last page
    private long[] _where = new long[8];        // per code: page << 44 | offset << 24 | length
    private int _count;
    private ulong[] _table = new ulong[16];     // hash << 32 | code + 1; 0 = empty; at most three quarters full
    private ValueList? _values;

    /// <summary>Number of distinct values seen so far.</summary>
    public int Count => _count;

    /// <summary>The value of a code (a new string each time).</summary>
    public string this[int code] => Encoding.UTF8.GetString(Utf8(code));

    /// <summary>The values, indexed by code (each made a string when read).</summary>
    public IReadOnlyList<string> Values => _values ??= new ValueList(this);

    /// <summary>The UTF-8 bytes of a code's value.</summary>
    public ReadOnlySpan<byte> Utf8(int code)
    {
        if ((uint)code >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(code));
        var w = _where[code];
        return _pages[(int)(w >> 44)].AsSpan((int)(w >> 24) & (PageSize - 1), (int)w & MaxValueBytes);
    }

    /// <summary>The code of a value given as UTF-8, adding it when new.</summary>
    /// <exception cref="ArgumentException">The value is longer than 16 MB.</exception>
    public int GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash(utf8);
        var code = Probe(utf8, hash, out var empty);
        return code >= 0 ? code : Add(utf8, hash, empty);
    }

    /// <summary>The code of a value, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return GetOrAdd(buffer[..Encoding.UTF8.GetBytes(value, buffer)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The code in this dictionary of <paramref name="other"/>'s value <paramref name="code"/>, adding it when new.</summary>
    public int GetOrAdd(CategoryDictionary other, int code) => GetOrAdd(other.Utf8(code));

    /// <summary>
    /// Every value of <paramref name="other"/>, in its code order, looked up or added here; the
    /// codes here go to <paramref name="codes"/> (one per value of <paramref name="other"/>).
    /// The same as <see cref="GetOrAdd(CategoryDictionary, int)"/> value by value, but each
    /// value's table slot is fetched from memory a few values ahead of its look-up: a table of
    /// millions of values is mostly outside the caches, and one miss at a time would bound the
    /// rate.
    /// </summary>
    public void GetOrAddAll(CategoryDictionary other, Span<int> codes)
    {
        if (codes.Length < other.Count) throw new ArgumentException("one code per value of the other dictionary", nameof(codes));
        GetOrAddAhead(other, new EveryCode(other.Count), codes);
    }

    /// <summary>
    /// The values of <paramref name="other"/>'s codes <paramref name="otherCodes"/>, in order,
    /// looked up or added here, as <see cref="GetOrAddAll"/> does; their codes here go to
    /// <paramref name="codes"/>. A negative code (missing) stays as it is.
    /// </summary>
    public void GetOrAddMany(CategoryDictionary other, ReadOnlySpan<int> otherCodes, Span<int> codes)
    {
        if (codes.Length < otherCodes.Length) throw new ArgumentException("one code per code asked for", nameof(codes));
        GetOrAddAhead(other, new GivenCodes(otherCodes, other.Count), codes);
    }

    // GetOrAdd for a run of the other's codes, each value's slot fetched a few values ahead.
    private void GetOrAddAhead<TCodes>(CategoryDictionary other, TCodes asked, Span<int> codes) where TCodes : ICodes, allows ref struct
    {
        const int Ahead = 8;
        var n = asked.Count;
        Span<uint> hashes = stackalloc uint[Ahead];
        for (var i = 0; i < n + Ahead; i++)
        {
            // Value i − Ahead is looked up before value i's hash takes its place in the ring.
            var at = i - Ahead;
            if (at >= 0)
            {
                var theirs = asked[at];
                if (theirs < 0) codes[at] = theirs;
                else
                {
                    var value = other.Utf8(theirs);
                    var h = hashes[at % Ahead];
                    var code = Probe(value, h, out var empty);
                    codes[at] = code >= 0 ? code : Add(value, h, empty);
                }
            }
            if (i < n && asked[i] >= 0)
            {
                var hash = Hash(other.Utf8(asked[i]));
                hashes[i % Ahead] = hash;
                Prefetch(hash);
            }
        }
    }

    // The codes GetOrAddAhead takes: every code of a dictionary, or some of them.
    private interface ICodes
    {
        int Count { get; }

        int this[int i] { get; }
    }

    private readonly struct EveryCode(int count) : ICodes
    {
        public int Count => count;

        public int this[int i] => i;
    }

    private readonly ref struct GivenCodes : ICodes
    {
        private readonly ReadOnlySpan<int> _codes;

        public GivenCodes(ReadOnlySpan<int> codes, int count)
        {
            foreach (var c in codes)
                if (c >= count) throw new ArgumentOutOfRangeException(nameof(codes), c, $"the other dictionary has {count} values");
            _codes = codes;
        }

        public int Count => _codes.Length;

        public int this[int i] => _codes[i];
    }

    // Asks for the cache line of a hash's first slot (a hint: the table may grow before it is read).
    private unsafe void Prefetch(uint hash)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        var table = _table;
        fixed (ulong* slot = &table[(int)hash & (table.Length - 1)]) System.Runtime.Intrinsics.X86.Sse.Prefetch0(slot);
    }

    /// <summary>The code of a value, or -1 when it has not been seen.</summary>
    public int Find(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return Probe(bytes, Hash(bytes), out _);
    }

    // The code of a value, or -1 with the empty slot where it would go (linear probing).
    private int Probe(ReadOnlySpan<byte> utf8, uint hash, out int empty)
    {
        var mask = _table.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _table[i];
            if (slot == 0)
            {
                empty = i;
                return -1;
            }
            var code = (int)(uint)slot - 1;
            if ((uint)(slot >> 32) == hash && Utf8(code).SequenceEqual(utf8))
            {
                empty = -1;
                return code;
            }
        }
    }

    /// <summary>A copy with the same values and codes, for another thread to read while this one grows.</summary>
    public CategoryDictionary Snapshot()
    {
        var copy = new CategoryDictionary();
        for (var code = 0; code < _count; code++) copy.GetOrAdd(Utf8(code));
        if (_numericCodes is not null) copy._numericCodes = [.. _numericCodes];
        return copy;
    }

    private int Add(ReadOnlySpan<byte> utf8, uint hash, int at)
    {
        if (utf8.Length > MaxValueBytes) throw new ArgumentException("a categorical value is longer than 16 MB", nameof(utf8));
        var code = _count;
        if (code == int.MaxValue - 1) throw new InvalidOperationException("a categorical column has more than 2^31 distinct values");
        if (_pages.Count == 0 || _pageUsed + utf8.Length > _pages[^1].Length)
        {
            // Pages double from 256 bytes to 1 MB: a chunk's dictionary of a few strata stays small.
            var size = _pages.Count == 0 ? 256 : Math.Min(PageSize, 2 * _pages[^1].Length);
            _pages.Add(new byte[Math.Max(size, utf8.Length)]);
            _pageUsed = 0;
        }
        var page = _pages.Count - 1;
        utf8.CopyTo(_pages[page].AsSpan(_pageUsed));
        if (code == _where.Length) Array.Resize(ref _where, 2 * code);
        // A page of its own (longer than a page) starts at 0, and an empty value is placed at 0 (a
        // full page's end would be offset 2^20), so the offset always fits its 20 bits.
        var offset = utf8.IsEmpty ? 0 : _pageUsed;
        _where[code] = ((long)page << 44) | ((long)offset << 24) | (uint)utf8.Length;
        _pageUsed += utf8.Length;
        _count++;
        _table[at] = ((ulong)hash << 32) | (uint)(code + 1);
        if (4 * _count > 3 * _table.Length) Rehash();
        return code;
    }

    // Doubles the table; the stored hashes place every code again without touching its bytes.
    private void Rehash()
    {
        var table = new ulong[2 * _table.Length];
        var mask = table.Length - 1;
        foreach (var slot in _table)
        {
            if (slot == 0) continue;
            var i = (int)(slot >> 32) & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            table[i] = slot;
        }
        _table = table;
    }

    // A multiplicative hash of the bytes, eight at a time: categories are short (codes, names,
    // identifiers), so this beats a general-purpose hash, and linear probing needs only good low bits.
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        var h = (ulong)bytes.Length * K;
        while (bytes.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ MemoryMarshal.Read<ulong>(bytes)) * K, 29);
            bytes = bytes[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (8 * i);
        h = (h ^ tail) * K;
        h ^= h >> 32;
        h *= K;
        return (uint)(h >> 32);
    }

    // The numeric code behind each value (NaN for none), kept when a reader renders a labelled
    // number as its value label; null until the first such value.
    private List<double>? _numericCodes;

    /// <summary>
    /// The index of a value, adding it when new; <paramref name="numericCode"/> is the number the
    /// file stores for it (a labelled value's code), returned later by <see cref="NumericCodeOf"/>.
    /// </summary>
    public int GetOrAdd(ReadOnlySpan<char> value, double numericCode)
    {
        var before = _count;
        var index = GetOrAdd(value);
        if (index == before)
        {
            _numericCodes ??= [];
            while (_numericCodes.Count < index) _numericCodes.Add(double.NaN);
            _numericCodes.Add(numericCode);
        }
        return index;
    }

    /// <summary>The number the file stores for the value at <paramref name="index"/> (a labelled code), or null.</summary>
    public double? NumericCodeOf(int index) =>
        _numericCodes is { } c && index >= 0 && index < c.Count && !double.IsNaN(c[index]) ? c[index] : null;

    // The values as strings, made when read.
    private sealed class ValueList(CategoryDictionary dictionary) : IReadOnlyList<string>
    {
        public string this[int index] => dictionary[index];

        public int Count => dictionary.Count;

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < dictionary.Count; i++) yield return dictionary[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
