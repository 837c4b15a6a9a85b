using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// <summary>The fold, with vectors where they are accelerated.</summary>
    public static void Fold(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim) =>
        Fold(truth, deprived, unknown, dim, Vector.IsHardwareAccelerated);

    /// <summary>The fold, a vector of truth bytes a step (with <paramref name="vectors"/>), then row by row.</summary>
    internal static void Fold(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim, bool vectors)
    {
        if (deprived.Length < truth.Length || unknown.Length < truth.Length) throw new ArgumentException("a mask for every row", nameof(deprived));
        ArgumentOutOfRangeException.ThrowIfNegative(dim);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dim, 31);
        var r = vectors ? Vectors(truth, deprived, unknown, dim) : 0;
        for (; r < truth.Length; r++)
        {
            uint t = truth[r];
            deprived[r] |= (t >> 1) << dim;
            unknown[r] |= (t & 1) << dim;
        }
    }

    // A vector of truth bytes a step (32 with AVX2, 16 on ARM64), widened to four vectors of
    // masks. Returns the rows done.
    private static int Vectors(ReadOnlySpan<byte> truth, Span<uint> deprived, Span<uint> unknown, int dim)
    {
        ref var t0 = ref MemoryMarshal.GetReference(truth);
        ref var d0 = ref MemoryMarshal.GetReference(deprived);
        ref var u0 = ref MemoryMarshal.GetReference(unknown);
        var step = Vector<byte>.Count;
        var quarter = (nuint)Vector<uint>.Count;
        var r = 0;
        for (; r <= truth.Length - step; r += step)
        {
            Vector.Widen(Vector.LoadUnsafe(ref t0, (nuint)r), out var low, out var high);
            Vector.Widen(low, out var m0, out var m1);
            Vector.Widen(high, out var m2, out var m3);
            var at = (nuint)r;
            Masks(m0, ref d0, ref u0, at, dim);
            Masks(m1, ref d0, ref u0, at + quarter, dim);
            Masks(m2, ref d0, ref u0, at + 2 * quarter, dim);
            Masks(m3, ref d0, ref u0, at + 3 * quarter, dim);
        }
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Masks(Vector<uint> t, ref uint deprived, ref uint unknown, nuint at, int dim)
    {
        (Vector.LoadUnsafe(ref deprived, at) | ((t >> 1) << dim)).StoreUnsafe(ref deprived, at);
        (Vector.LoadUnsafe(ref unknown, at) | ((t & Vector<uint>.One) << dim)).StoreUnsafe(ref unknown, at);
    }
}
