using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// The per-unit, per-dimension totals by bit mask (a unit's eight totals kept in vectors while
/// its rows go by) are, bit for bit, those of the one-bit-at-a-time loop: for rows sorted by unit
/// or not, all rows or a subset, any number of dimensions, totals that already hold values. So
/// are a row's totals added to by mask, and the per-unit totals of products by class; and so is
/// each of the two lane layouts (<see cref="Lanes128"/>, <see cref="Lanes256"/>) called directly,
/// whichever this machine dispatches to.
/// </summary>
public class BitTotalsProperties
{
    private sealed record Case(int Dimensions, int Units, int[] Unit, int[] Key, double[] Value, uint[] Bits, int[]? Rows, double[] Start);

    private static Gen<Case> Cases() =>
        from dimensions in Gen.Choose(1, 10)
        from units in Gen.Choose(1, 12)
        from keys in Gen.Choose(1, 20)
        from n in Gen.Choose(0, 120)
        from unit in UnitColumn(units, n)
        from key in Gen.Choose(0, keys - 1).ArrayOf(n)
        from value in Gen.Elements(0.0, 0.5, 1.0, 3.25, 139.57, 1e-300, 1e300, double.PositiveInfinity).ArrayOf(n)
        from bits in Gen.Choose(0, (1 << dimensions) - 1).Select(b => (uint)b).ArrayOf(keys)
        from subset in ArbMap.Default.GeneratorFor<bool>()
        from pick in ArbMap.Default.GeneratorFor<bool>().ArrayOf(n)
        from start in Gen.Elements(0.0, 0.0, 2.5, 1e10).ArrayOf(dimensions * units + 9)
        select new Case(dimensions, units, unit, key, value, bits,
            subset ? Enumerable.Range(0, n).Where(i => pick[i]).ToArray() : null, start);

    [Property(MaxTest = 300)]
    public Property VectorTotalsAreTheBitByBitTotals() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var expected = (double[])c.Start.Clone();
            BitTotals.AddByBit(c.Rows, c.Unit, c.Key, c.Value, c.Bits, expected, c.Units);
            var actual = (double[])c.Start.Clone();
            BitTotals.Add(c.Rows, c.Unit, c.Key, c.Value, c.Bits, c.Dimensions, actual, c.Units);
            if (!Bits(expected).SequenceEqual(Bits(actual))) return false;
            // Each lane layout, whichever this machine dispatches to.
            if (c.Dimensions > 8) return true;
            var narrow = (double[])c.Start.Clone();
            BitTotals.AddEight<Lanes128>(c.Rows, c.Unit, c.Key, c.Value, c.Bits, c.Dimensions, narrow, c.Units);
            var wide = (double[])c.Start.Clone();
            BitTotals.AddEight<Lanes256>(c.Rows, c.Unit, c.Key, c.Value, c.Bits, c.Dimensions, wide, c.Units);
            return Bits(expected).SequenceEqual(Bits(narrow)) && Bits(expected).SequenceEqual(Bits(wide));
        });

    [Property(MaxTest = 300)]
    public Property RowAddsAreTheBitByBitAdds() =>
        Prop.ForAll(Gen.Choose(1, 10).SelectMany(d =>
                from bits in Gen.Choose(0, (1 << d) - 1).ArrayOf()
                from values in Gen.Elements(0.0, 0.5, 1.0, 139.57, 1e300, double.PositiveInfinity).ArrayOf(bits.Length)
                select (d, bits, values)).ToArbitrary(), c =>
        {
            var (d, bits, values) = c;
            var expected = new double[d + 8];
            var actual = new double[d + 8];
            var narrow = new double[d + 8];
            var wide = new double[d + 8];
            for (var i = 0; i < bits.Length; i++)
            {
                for (var m = (uint)bits[i]; m != 0; m &= m - 1) expected[System.Numerics.BitOperations.TrailingZeroCount(m)] += values[i];
                BitTotals.AddToRow(actual, (uint)bits[i], values[i]);
                if (d > 8) continue;
                BitTotals.AddToRow<Lanes128>(narrow, (uint)bits[i], values[i]);
                BitTotals.AddToRow<Lanes256>(wide, (uint)bits[i], values[i]);
            }
            return Bits(expected).SequenceEqual(Bits(actual))
                && (d > 8 || (Bits(expected).SequenceEqual(Bits(narrow)) && Bits(expected).SequenceEqual(Bits(wide))));
        });

    [Property(MaxTest = 300)]
    public Property ProductTotalsAreTheDimensionByDimensionTotals() =>
        Prop.ForAll((from d in Gen.Choose(1, 10)
                     from units in Gen.Choose(1, 12)
                     from classes in Gen.Choose(1, 6)
                     from n in Gen.Choose(0, 80)
                     from unit in UnitColumn(units, n)
                     from cls in Gen.Choose(0, classes - 1).ArrayOf(n)
                     from values in Gen.Elements(0.0, 0.5, 2.0, 139.57, 1e300, double.PositiveInfinity).ArrayOf(n * d + 8)
                     from f in Gen.Elements(0.0, 0.0, 1.0, 0.125, 1.0 / 3).ArrayOf(classes * d)
                     select (d, units, unit, cls, values, f)).ToArbitrary(), c =>
        {
            var (d, units, unit, cls, values, f) = c;
            var padded = f.Concat(new double[8]).ToArray();
            // Totals longer than d · units: what lies past them is not the method's to write.
            var expected = new double[d * units + 9];
            expected.AsSpan(d * units).Fill(7);
            BitTotals.AddProductsByDimension(unit, cls, values, f, d, expected, units);
            var actual = new double[d * units + 9];
            actual.AsSpan(d * units).Fill(7);
            BitTotals.AddProducts(unit, cls, values, padded, d, actual, units);
            if (!Bits(expected).SequenceEqual(Bits(actual))) return false;
            if (d > 8) return true;
            var narrow = new double[d * units + 9];
            narrow.AsSpan(d * units).Fill(7);
            BitTotals.AddProducts<Lanes128>(unit, cls, values, padded, d, narrow, units);
            var wide = new double[d * units + 9];
            wide.AsSpan(d * units).Fill(7);
            BitTotals.AddProducts<Lanes256>(unit, cls, values, padded, d, wide, units);
            return Bits(expected).SequenceEqual(Bits(narrow)) && Bits(expected).SequenceEqual(Bits(wide));
        });

    // Each of n rows' unit, sorted (a unit's rows together, as histograms list them) or not.
    private static Gen<int[]> UnitColumn(int units, int n) =>
        from unit in Gen.Choose(0, units - 1).ArrayOf(n)
        from sorted in ArbMap.Default.GeneratorFor<bool>()
        select sorted ? unit.Order().ToArray() : unit;

    private static IEnumerable<long> Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits);
}
