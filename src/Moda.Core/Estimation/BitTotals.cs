using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Estimation;

/// <summary>
/// Per-dimension totals of a table's rows by bit masks: for each row r (in order) and each bit j
/// set in bits[key[r]], value[r] is added to totals[j · units + unit[r]]. Estimators need these
/// for every dimension of a domain at once (rates, their Σw² splits).
/// </summary>
internal static class BitTotals
{
    /// <summary>
    /// The totals, added to what <paramref name="totals"/> holds. Up to eight dimensions, a
    /// unit's eight totals are kept in two vectors while its rows go by, each row adding its value
    /// to the lanes of its bits (and exact zeros to the others, which changes no sum: totals of
    /// non-negative values are never −0), so every total takes its rows in row order, exactly as
    /// the one-bit-at-a-time loop adds them.
    /// </summary>
    public static void Add(int[]? rows, int[] unit, int[] key, double[] value, uint[] bits, int dimensions,
                           double[] totals, int units)
    {
        if (dimensions <= 8 && Vector256.IsHardwareAccelerated)
            AddEight(rows, unit, key, value, bits, dimensions, totals, units);
        else
            AddByBit(rows, unit, key, value, bits, totals, units);
    }

    /// <summary>The reference: one bit at a time.</summary>
    public static void AddByBit(int[]? rows, int[] unit, int[] key, double[] value, uint[] bits, double[] totals, int units)
    {
        var n = rows?.Length ?? unit.Length;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var u = unit[r];
            var v = value[r];
            for (var m = bits[key[r]]; m != 0; m &= m - 1) totals[BitOperations.TrailingZeroCount(m) * units + u] += v;
        }
    }

    private static void AddEight(int[]? rows, int[] unit, int[] key, double[] value, uint[] bits, int dimensions, double[] totals, int units)
    {
        if (dimensions < 1) return;
        var lanes = new UnitLanes(totals, dimensions, units); // checks that totals holds dimensions × units
        var n = rows?.Length ?? unit.Length;
        var current = -1;
        Vector256<double> a = default, b = default;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var u = unit[r];
            if (u != current)
            {
                if ((uint)u >= (uint)units) throw new ArgumentOutOfRangeException(nameof(unit), u, $"a unit must be below {units}");
                if (current >= 0) Store(totals, units, dimensions, current, a, b);
                current = u;
                (a, b) = lanes.At(u);
            }
            var (low, high) = Lanes(bits[key[r]], value[r]);
            a += low;
            b += high;
        }
        if (current >= 0) Store(totals, units, dimensions, current, a, b);
    }

    /// <summary>
    /// Adds <paramref name="value"/> to row[j] for every bit j set in <paramref name="bits"/>. A
    /// row of at least eight totals (the caller pads the last) takes it in two vector adds, exact
    /// zeros into the lanes of bits not set, as <see cref="Add"/> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToRow(Span<double> row, uint bits, double value)
    {
        if (row.Length >= 8 && bits < 256 && Vector256.IsHardwareAccelerated)
        {
            ref var at = ref MemoryMarshal.GetReference(row);
            var (low, high) = Lanes(bits, value);
            (Vector256.LoadUnsafe(ref at) + low).StoreUnsafe(ref at);
            (Vector256.LoadUnsafe(ref at, 4) + high).StoreUnsafe(ref at, 4);
            return;
        }
        for (var m = bits; m != 0; m &= m - 1) row[BitOperations.TrailingZeroCount(m)] += value;
    }

    /// <summary>
    /// For rows r in order: totals[j · units + unit[r]] += values[r · d + j] · f[class[r] · d + j]
    /// for each dimension j &lt; d whose f is not zero. Up to eight dimensions a unit's totals ride
    /// in two vectors while its rows go by (lanes of a zero f add exact zeros), so each total takes
    /// the same products in the same order as <see cref="AddProductsByDimension"/>. Needs
    /// <paramref name="values"/> and <paramref name="f"/> padded with eight elements past the last row's and class's.
    /// </summary>
    public static void AddProducts(ReadOnlySpan<int> unit, ReadOnlySpan<int> cls, ReadOnlySpan<double> values, ReadOnlySpan<double> f,
                                   int d, Span<double> totals, int units)
    {
        if (d > 8 || !Vector256.IsHardwareAccelerated)
        {
            AddProductsByDimension(unit, cls, values, f, d, totals, units);
            return;
        }
        if (d < 1) return;
        var lanes = new UnitLanes(totals, d, units); // checks that totals holds d × units
        ref var pv = ref MemoryMarshal.GetReference(values);
        ref var pf = ref MemoryMarshal.GetReference(f);
        var current = -1;
        Vector256<double> a = default, b = default;
        for (var r = 0; r < unit.Length; r++)
        {
            var u = unit[r];
            if (u != current)
            {
                if ((uint)u >= (uint)units) throw new ArgumentOutOfRangeException(nameof(unit), u, $"a unit must be below {units}");
                if (current >= 0) Store(totals, units, d, current, a, b);
                current = u;
                (a, b) = lanes.At(u);
            }
            var row = (nuint)(r * d);
            var at = (nuint)(cls[r] * d);
            var f0 = Vector256.LoadUnsafe(ref pf, at);
            var f1 = Vector256.LoadUnsafe(ref pf, at + 4);
            a += Vector256.AndNot(Vector256.LoadUnsafe(ref pv, row) * f0, Vector256.Equals(f0, Vector256<double>.Zero));
            b += Vector256.AndNot(Vector256.LoadUnsafe(ref pv, row + 4) * f1, Vector256.Equals(f1, Vector256<double>.Zero));
        }
        if (current >= 0) Store(totals, units, d, current, a, b);
    }

    /// <summary>The reference of <see cref="AddProducts"/>: one dimension at a time.</summary>
    public static void AddProductsByDimension(ReadOnlySpan<int> unit, ReadOnlySpan<int> cls, ReadOnlySpan<double> values, ReadOnlySpan<double> f,
                                              int d, Span<double> totals, int units)
    {
        for (var r = 0; r < unit.Length; r++)
        {
            var at = cls[r] * d;
            var row = r * d;
            var u = unit[r];
            for (var j = 0; j < d; j++)
            {
                var v = f[at + j];
                if (v == 0) continue;
                totals[j * units + u] += values[row + j] * v;
            }
        }
    }

    // `value` in the lanes of the bits set in the low eight of `bits` (dimensions 0-3, then 4-7),
    // exact zeros in the others.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Low, Vector256<double> High) Lanes(uint bits, double value)
    {
        var m = Vector256.Create((long)bits);
        var v = Vector256.Create(value);
        var low = Vector256.Create(1L, 2, 4, 8);
        var high = Vector256.Create(16L, 32, 64, 128);
        return (Vector256.Equals(m & low, low).AsDouble() & v, Vector256.Equals(m & high, high).AsDouble() & v);
    }

    // Lanes 0 to dimensions − 1 to the unit's totals (the callers check dimensions ≤ 8, totals of
    // dimensions × units and the unit, so every index is in range). Lanes past the dimensions
    // (UnitLanes repeats the last one's there, and the callers add zeros or the next row's
    // values) are not stored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Span<double> totals, int units, int dimensions, int u, Vector256<double> a, Vector256<double> b)
    {
        ref var t = ref Unsafe.Add(ref MemoryMarshal.GetReference(totals), (nint)(uint)u);
        var stride = (nint)units;
        t = a.GetElement(0);
        if (dimensions > 1) Unsafe.Add(ref t, stride) = a.GetElement(1);
        if (dimensions > 2) Unsafe.Add(ref t, 2 * stride) = a.GetElement(2);
        if (dimensions > 3) Unsafe.Add(ref t, 3 * stride) = a.GetElement(3);
        if (dimensions > 4) Unsafe.Add(ref t, 4 * stride) = b.GetElement(0);
        if (dimensions > 5) Unsafe.Add(ref t, 5 * stride) = b.GetElement(1);
        if (dimensions > 6) Unsafe.Add(ref t, 6 * stride) = b.GetElement(2);
        if (dimensions > 7) Unsafe.Add(ref t, 7 * stride) = b.GetElement(3);
    }
}
