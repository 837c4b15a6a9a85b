using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Rules;

/// <summary>
/// Compares two columns of doubles into <see cref="Truth"/> bytes: <see cref="Truth.Unknown"/>
/// where either side is NaN (missing), else Yes/No. The vector paths compare four lanes at a
/// time (one 256-bit vector, or two 128-bit ones where 256 bits are not accelerated, e.g. on
/// ARM64) and turn the two lane masks into four result bytes with one table lookup; the scalar
/// path is the reference they must equal, and handles the tail.
/// </summary>
internal static class CompareKernel
{
    // For 4-bit masks (true, nan): the four result bytes, lane 0 in the low byte.
    private static readonly uint[] Bytes = BuildTable();

    /// <summary>The vector width this machine compares with: 256, 128, or 0 (scalar).</summary>
    internal static int Width => Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    public static void Compare(CompareOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<byte> result) =>
        Compare(op, x, new Column(y), result, Width);

    /// <summary>
    /// <see cref="Compare(CompareOp, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{byte})"/>
    /// against a constant <paramref name="c"/> (<c>x &lt; 2</c> in an expression): no column of
    /// copies of it is made or read.
    /// </summary>
    public static void Compare(CompareOp op, ReadOnlySpan<double> x, double c, Span<byte> result) =>
        Compare(op, x, new Constant(c), result, Width);

    /// <summary>The comparison with vectors of <paramref name="width"/> bits (256, 128, or 0: none), then the scalar tail.</summary>
    internal static void Compare<TRight>(CompareOp op, ReadOnlySpan<double> x, TRight y, Span<byte> result, int width)
        where TRight : IRightSide, allows ref struct
    {
        var n = x.Length;
        if (!y.Covers(n) || result.Length < n) throw new ArgumentException("both sides and the result must be as long as the left side", nameof(result));
        var i = width switch
        {
            256 => Wide(op, x, y, result),
            128 => Narrow(op, x, y, result),
            _ => 0,
        };
        for (; i < n; i++) result[i] = Of(op, x[i], y.At(i));
    }

    // Rows compared four at a time in one 256-bit vector; returns how many.
    private static int Wide<TRight>(CompareOp op, ReadOnlySpan<double> x, TRight y, Span<byte> result) where TRight : IRightSide, allows ref struct
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pr = ref MemoryMarshal.GetReference(result);
        var i = 0;
        for (; i <= x.Length - 4; i += 4)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref pr, i), Four(op, Vector256.LoadUnsafe(ref px, (nuint)i), y.Load256((nuint)i)));
        return i;
    }

    // Rows compared four at a time in two 128-bit vectors; returns how many.
    private static int Narrow<TRight>(CompareOp op, ReadOnlySpan<double> x, TRight y, Span<byte> result) where TRight : IRightSide, allows ref struct
    {
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var pr = ref MemoryMarshal.GetReference(result);
        var i = 0;
        for (; i <= x.Length - 4; i += 4)
        {
            var (t0, nan0) = Two(op, Vector128.LoadUnsafe(ref px, (nuint)i), y.Load128((nuint)i));
            var (t1, nan1) = Two(op, Vector128.LoadUnsafe(ref px, (nuint)i + 2), y.Load128((nuint)i + 2));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref pr, i), Bytes[t0 | t1 << 2 | (nan0 | nan1 << 2) << 4]);
        }
        return i;
    }

    // Four lanes' truth bytes, lane 0 in the low byte.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Four(CompareOp op, Vector256<double> a, Vector256<double> b)
    {
        var nan = ~(Vector256.Equals(a, a) & Vector256.Equals(b, b));
        var t = op switch
        {
            CompareOp.Less => Vector256.LessThan(a, b),
            CompareOp.LessEqual => Vector256.LessThanOrEqual(a, b),
            CompareOp.Greater => Vector256.GreaterThan(a, b),
            CompareOp.GreaterEqual => Vector256.GreaterThanOrEqual(a, b),
            CompareOp.Equal => Vector256.Equals(a, b),
            _ => ~Vector256.Equals(a, b),
        };
        return Bytes[(t.ExtractMostSignificantBits() & 0xF) | ((nan.ExtractMostSignificantBits() & 0xF) << 4)];
    }

    // Two lanes' masks: whether op holds, and whether either side is NaN (bit 0 lane 0, bit 1 lane 1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint True, uint NaN) Two(CompareOp op, Vector128<double> a, Vector128<double> b)
    {
        var nan = ~(Vector128.Equals(a, a) & Vector128.Equals(b, b));
        var t = op switch
        {
            CompareOp.Less => Vector128.LessThan(a, b),
            CompareOp.LessEqual => Vector128.LessThanOrEqual(a, b),
            CompareOp.Greater => Vector128.GreaterThan(a, b),
            CompareOp.GreaterEqual => Vector128.GreaterThanOrEqual(a, b),
            CompareOp.Equal => Vector128.Equals(a, b),
            _ => ~Vector128.Equals(a, b),
        };
        return (t.ExtractMostSignificantBits() & 3, nan.ExtractMostSignificantBits() & 3);
    }

    /// <summary>The right side of a comparison: a column, or a constant.</summary>
    internal interface IRightSide
    {
        /// <summary>Whether it has a value for each of the first <paramref name="n"/> rows.</summary>
        bool Covers(int n);

        /// <summary>Row <paramref name="i"/>'s value.</summary>
        double At(int i);

        /// <summary>Rows i to i + 3 (i + 4 ≤ the rows covered).</summary>
        Vector256<double> Load256(nuint i);

        /// <summary>Rows i and i + 1 (i + 2 ≤ the rows covered).</summary>
        Vector128<double> Load128(nuint i);
    }

    /// <summary>A column on the right.</summary>
    internal readonly ref struct Column(ReadOnlySpan<double> values) : IRightSide
    {
        private readonly ReadOnlySpan<double> _values = values;

        public bool Covers(int n) => _values.Length >= n;

        public double At(int i) => _values[i];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Load256(nuint i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_values), i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<double> Load128(nuint i) => Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_values), i);
    }

    /// <summary>A constant on the right: every row's value.</summary>
    internal readonly struct Constant(double value) : IRightSide
    {
        public bool Covers(int n) => true;

        public double At(int i) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Load256(nuint i) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<double> Load128(nuint i) => Vector128.Create(value);
    }

    /// <summary>The operator with its sides swapped: <c>c op x</c> is <c>x Mirror(op) c</c>.</summary>
    public static CompareOp Mirror(CompareOp op) => op switch
    {
        CompareOp.Less => CompareOp.Greater,
        CompareOp.LessEqual => CompareOp.GreaterEqual,
        CompareOp.Greater => CompareOp.Less,
        CompareOp.GreaterEqual => CompareOp.LessEqual,
        _ => op,
    };

    /// <summary>The reference: one element at a time.</summary>
    public static void CompareScalar(CompareOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<byte> result)
    {
        for (var i = 0; i < x.Length; i++) result[i] = Of(op, x[i], y[i]);
    }

    // One row's truth: Unknown where either side is missing (NaN), else whether op holds.
    private static byte Of(CompareOp op, double a, double c) =>
        double.IsNaN(a) || double.IsNaN(c) ? Truth.Unknown : Holds(op, a, c) ? Truth.Yes : Truth.No;

    /// <summary><paramref name="a"/> op <paramref name="c"/>, for numbers that are not missing.</summary>
    public static bool Holds(CompareOp op, double a, double c) => op switch
    {
        CompareOp.Less => a < c,
        CompareOp.LessEqual => a <= c,
        CompareOp.Greater => a > c,
        CompareOp.GreaterEqual => a >= c,
        CompareOp.Equal => a == c,
        _ => a != c,
    };

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var bits = 0; bits < 256; bits++)
        {
            uint v = 0;
            for (var lane = 0; lane < 4; lane++)
            {
                var nan = (bits >> (4 + lane) & 1) != 0;
                var t = (bits >> lane & 1) != 0;
                uint b = nan ? Truth.Unknown : t ? Truth.Yes : Truth.No;
                v |= b << (8 * lane);
            }
            table[bits] = v;
        }
        return table;
    }
}
