using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Moda.Rules;

namespace Moda.Deprivation;

/// <summary>
/// Folds an indicator's <see cref="Truth"/> bytes into the children's masks at its dimension's
/// bit: deprived |= (truth &gt;&gt; 1) &lt;&lt; dim and unknown |= (truth &amp; 1) &lt;&lt; dim
/// for every row (Yes = 2, Unknown = 1). Indicators that the column-test fold cannot take
/// (expressions, text columns) reach the masks this way.
/// </summary>
internal static class TruthFold
{
    /// <summary>The fold with the widest vectors accelerated here.</summary>
    public static void Fold(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim) =>
        Fold(truth, deprived, unknown, dim, CompareKernel.Width);

    /// <summary>The fold with vectors of <paramref name="width"/> bits (256, 128, or 0: none), then the scalar tail.</summary>
    internal static void Fold(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim, int width)
    {
        if (deprived.Length < truth.Length || unknown.Length < truth.Length) throw new ArgumentException("a mask for every row", nameof(deprived));
        ArgumentOutOfRangeException.ThrowIfNegative(dim);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dim, 31);
        var r = width switch
        {
            256 => Wide(truth, deprived, unknown, dim),
            128 => Narrow(truth, deprived, unknown, dim),
            _ => 0,
        };
        for (; r < truth.Length; r++)
        {
            uint t = truth[r];
            deprived[r] |= (t >> 1) << dim;
            unknown[r] |= (t & 1) << dim;
        }
    }

    // 32 rows a step: the truth bytes widened to four vectors of eight masks. Returns the rows done.
    private static int Wide(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim)
    {
        ref var d0 = ref MemoryMarshal.GetReference(deprived);
        ref var u0 = ref MemoryMarshal.GetReference(unknown);
        var one = Vector256.Create(1u);
        var r = 0;
        for (; r <= truth.Length - Vector256<byte>.Count; r += Vector256<byte>.Count)
        {
            var (low, high) = Vector256.Widen(Vector256.Create(truth.Slice(r, Vector256<byte>.Count)));
            var (t0, t1) = Vector256.Widen(low);
            var (t2, t3) = Vector256.Widen(high);
            Eight(t0, ref d0, ref u0, (nuint)r, dim, one);
            Eight(t1, ref d0, ref u0, (nuint)r + 8, dim, one);
            Eight(t2, ref d0, ref u0, (nuint)r + 16, dim, one);
            Eight(t3, ref d0, ref u0, (nuint)r + 24, dim, one);
        }
        return r;
    }

    // 16 rows a step: the truth bytes widened to four vectors of four masks (ARM64). Returns the rows done.
    private static int Narrow(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim)
    {
        ref var d0 = ref MemoryMarshal.GetReference(deprived);
        ref var u0 = ref MemoryMarshal.GetReference(unknown);
        var one = Vector128.Create(1u);
        var r = 0;
        for (; r <= truth.Length - Vector128<byte>.Count; r += Vector128<byte>.Count)
        {
            var (low, high) = Vector128.Widen(Vector128.Create(truth.Slice(r, Vector128<byte>.Count)));
            var (t0, t1) = Vector128.Widen(low);
            var (t2, t3) = Vector128.Widen(high);
            Four(t0, ref d0, ref u0, (nuint)r, dim, one);
            Four(t1, ref d0, ref u0, (nuint)r + 4, dim, one);
            Four(t2, ref d0, ref u0, (nuint)r + 8, dim, one);
            Four(t3, ref d0, ref u0, (nuint)r + 12, dim, one);
        }
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Eight(Vector256<uint> t, ref uint deprived, ref uint unknown, nuint at, int dim, Vector256<uint> one)
    {
        (Vector256.LoadUnsafe(ref deprived, at) | ((t >> 1) << dim)).StoreUnsafe(ref deprived, at);
        (Vector256.LoadUnsafe(ref unknown, at) | ((t & one) << dim)).StoreUnsafe(ref unknown, at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four(Vector128<uint> t, ref uint deprived, ref uint unknown, nuint at, int dim, Vector128<uint> one)
    {
        (Vector128.LoadUnsafe(ref deprived, at) | ((t >> 1) << dim)).StoreUnsafe(ref deprived, at);
        (Vector128.LoadUnsafe(ref unknown, at) | ((t & one) << dim)).StoreUnsafe(ref unknown, at);
    }
}
