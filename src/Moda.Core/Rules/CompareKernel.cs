using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Rules;

/// <summary>
/// Compares two columns of doubles into <see cref="Truth"/> bytes: <see cref="Truth.Unknown"/>
/// where either side is NaN (missing), else Yes/No. The vector path compares four lanes at a
/// time and turns the two lane masks into four result bytes with one table lookup; the scalar
/// path is the reference it must equal, and handles the tail.
/// </summary>
internal static class CompareKernel
{
    // For 4-bit masks (true, nan): the four result bytes, lane 0 in the low byte.
    private static readonly uint[] Bytes = BuildTable();

    public static void Compare(CompareOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<byte> result)
    {
        var n = x.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref var px = ref MemoryMarshal.GetReference(x);
            ref var py = ref MemoryMarshal.GetReference(y);
            ref var pr = ref MemoryMarshal.GetReference(result);
            for (; i <= n - 4; i += 4)
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref pr, i), Four(op, Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i)));
        }
        CompareScalar(op, x[i..], y[i..], result[i..]);
    }

    /// <summary>
    /// <see cref="Compare(CompareOp, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{byte})"/>
    /// against a constant <paramref name="c"/> (<c>x &lt; 2</c> in an expression): no column of
    /// copies of it is made or read.
    /// </summary>
    public static void Compare(CompareOp op, ReadOnlySpan<double> x, double c, Span<byte> result)
    {
        var n = x.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref var px = ref MemoryMarshal.GetReference(x);
            ref var pr = ref MemoryMarshal.GetReference(result);
            var b = Vector256.Create(c);
            for (; i <= n - 4; i += 4)
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref pr, i), Four(op, Vector256.LoadUnsafe(ref px, (nuint)i), b));
        }
        for (; i < n; i++)
        {
            double a = x[i];
            result[i] = double.IsNaN(a) || double.IsNaN(c) ? Truth.Unknown : Holds(op, a, c) ? Truth.Yes : Truth.No;
        }
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
        for (var i = 0; i < x.Length; i++)
        {
            double a = x[i], c = y[i];
            if (double.IsNaN(a) || double.IsNaN(c)) { result[i] = Truth.Unknown; continue; }
            result[i] = Holds(op, a, c) ? Truth.Yes : Truth.No;
        }
    }

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
