using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// unit's eight totals are kept in eight vector lanes (<see cref="IEightLanes{TSelf}"/>) while its rows go by, each row adding its value
    /// to the lanes of its bits (and exact zeros to the others, which changes no sum: totals of
    /// non-negative values are never −0), so every total takes its rows in row order, exactly as
    /// the one-bit-at-a-time loop adds them.
    /// </summary>
    public static void Add(int[]? rows, int[] unit, int[] key, double[] value, uint[] bits, int dimensions,
                           double[] totals, int units)
    {
        if (dimensions > 8) AddByBit(rows, unit, key, value, bits, totals, units);
        else if (Lanes256.IsAccelerated) AddEight<Lanes256>(rows, unit, key, value, bits, dimensions, totals, units);
        else if (Lanes128.IsAccelerated) AddEight<Lanes128>(rows, unit, key, value, bits, dimensions, totals, units);
        else AddByBit(rows, unit, key, value, bits, totals, units);
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

    /// <summary><see cref="Add"/> for up to eight dimensions, a unit's totals in eight lanes of <typeparamref name="T"/>.</summary>
    internal static void AddEight<T>(int[]? rows, int[] unit, int[] key, double[] value, uint[] bits, int dimensions, double[] totals, int units)
        where T : struct, IEightLanes<T>
    {
        if (dimensions < 1) return;
        if (dimensions > 8) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "eight dimensions at most");
        var lanes = new UnitLanes(totals, dimensions, units); // checks that totals holds dimensions × units
        var n = rows?.Length ?? unit.Length;
        var current = -1;
        T sums = default;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var u = unit[r];
            if (u != current)
            {
                if ((uint)u >= (uint)units) throw new ArgumentOutOfRangeException(nameof(unit), u, $"a unit must be below {units}");
                if (current >= 0) Store(totals, units, dimensions, current, sums);
                current = u;
                sums = lanes.At<T>(u);
            }
            sums += T.WhereBits(bits[key[r]], value[r]);
        }
        if (current >= 0) Store(totals, units, dimensions, current, sums);
    }

    /// <summary>
    /// Adds <paramref name="value"/> to row[j] for every bit j set in <paramref name="bits"/>. A
    /// row of at least eight totals (the caller pads the last) takes it in vector adds of eight lanes, exact
    /// zeros into the lanes of bits not set, as <see cref="Add"/> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToRow(Span<double> row, uint bits, double value)
    {
        if (row.Length >= 8 && bits < 256)
        {
            if (Lanes256.IsAccelerated)
            {
                AddToRow<Lanes256>(row, bits, value);
                return;
            }
            if (Lanes128.IsAccelerated)
            {
                AddToRow<Lanes128>(row, bits, value);
                return;
            }
        }
        for (var m = bits; m != 0; m &= m - 1) row[BitOperations.TrailingZeroCount(m)] += value;
    }

    /// <summary><see cref="AddToRow(Span{double}, uint, double)"/> in eight lanes of <typeparamref name="T"/> (a row of at least eight, bits below 256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddToRow<T>(Span<double> row, uint bits, double value) where T : struct, IEightLanes<T>
    {
        if (row.Length < 8 || bits >= 256) throw new ArgumentOutOfRangeException(nameof(row), "a row of eight or more, and eight bits");
        ref var at = ref MemoryMarshal.GetReference(row);
        (T.Load(ref at, 0) + T.WhereBits(bits, value)).Store(ref at, 0);
    }

    /// <summary>
    /// For rows r in order: totals[j · units + unit[r]] += values[r · d + j] · f[class[r] · d + j]
    /// for each dimension j &lt; d whose f is not zero. Up to eight dimensions a unit's totals ride
    /// in eight vector lanes while its rows go by (lanes of a zero f add exact zeros), so each total takes
    /// the same products in the same order as <see cref="AddProductsByDimension"/>. Needs
    /// <paramref name="values"/> and <paramref name="f"/> padded with eight elements past the last row's and class's.
    /// </summary>
    public static void AddProducts(ReadOnlySpan<int> unit, ReadOnlySpan<int> cls, ReadOnlySpan<double> values, ReadOnlySpan<double> f,
                                   int d, Span<double> totals, int units)
    {
        if (d > 8) AddProductsByDimension(unit, cls, values, f, d, totals, units);
        else if (Lanes256.IsAccelerated) AddProducts<Lanes256>(unit, cls, values, f, d, totals, units);
        else if (Lanes128.IsAccelerated) AddProducts<Lanes128>(unit, cls, values, f, d, totals, units);
        else AddProductsByDimension(unit, cls, values, f, d, totals, units);
    }

    /// <summary><see cref="AddProducts(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, int)"/> in eight lanes of <typeparamref name="T"/>.</summary>
    internal static void AddProducts<T>(ReadOnlySpan<int> unit, ReadOnlySpan<int> cls, ReadOnlySpan<double> values, ReadOnlySpan<double> f,
                                        int d, Span<double> totals, int units) where T : struct, IEightLanes<T>
    {
        if (d < 1) return;
        if (d > 8) throw new ArgumentOutOfRangeException(nameof(d), d, "eight dimensions at most");
        if (cls.Length < unit.Length || (unit.Length > 0 && (long)(unit.Length - 1) * d + 8 > values.Length))
            throw new ArgumentException("a class per row, and d values per row and eight past the last row's", nameof(values));
        var lanes = new UnitLanes(totals, d, units); // checks that totals holds d × units
        ref var pv = ref MemoryMarshal.GetReference(values);
        ref var pf = ref MemoryMarshal.GetReference(f);
        var current = -1;
        T sums = default;
        for (var r = 0; r < unit.Length; r++)
        {
            var u = unit[r];
            if (u != current)
            {
                if ((uint)u >= (uint)units) throw new ArgumentOutOfRangeException(nameof(unit), u, $"a unit must be below {units}");
                if (current >= 0) Store(totals, units, d, current, sums);
                current = u;
                sums = lanes.At<T>(u);
            }
            var c = cls[r];
            if ((ulong)((long)c * d + 8) > (ulong)f.Length) throw new ArgumentOutOfRangeException(nameof(cls), c, "f must hold d per class and eight past the class's");
            sums += T.ProductWhereNonZero(T.Load(ref pv, (nuint)(r * d)), T.Load(ref pf, (nuint)(c * d)));
        }
        if (current >= 0) Store(totals, units, d, current, sums);
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

    // Lanes 0 to dimensions − 1 to the unit's totals (the callers check dimensions ≤ 8, totals of
    // dimensions × units and the unit, so every index is in range). Lanes past the dimensions
    // (UnitLanes repeats the last one's there, and the callers add zeros or the next row's
    // values) are not stored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Span<double> totals, int units, int dimensions, int u, T sums) where T : struct, IEightLanes<T>
    {
        ref var t = ref Unsafe.Add(ref MemoryMarshal.GetReference(totals), (nint)(uint)u);
        var stride = (nint)units;
        t = sums[0];
        if (dimensions > 1) Unsafe.Add(ref t, stride) = sums[1];
        if (dimensions > 2) Unsafe.Add(ref t, 2 * stride) = sums[2];
        if (dimensions > 3) Unsafe.Add(ref t, 3 * stride) = sums[3];
        if (dimensions > 4) Unsafe.Add(ref t, 4 * stride) = sums[4];
        if (dimensions > 5) Unsafe.Add(ref t, 5 * stride) = sums[5];
        if (dimensions > 6) Unsafe.Add(ref t, 6 * stride) = sums[6];
        if (dimensions > 7) Unsafe.Add(ref t, 7 * stride) = sums[7];
    }
}
