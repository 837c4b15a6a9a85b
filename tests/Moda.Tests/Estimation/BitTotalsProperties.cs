using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// The per-unit, per-dimension totals by bit mask (a unit's eight totals kept in vectors while
/// its rows go by) are, bit for bit, those of the one-bit-at-a-time loop: for rows sorted by unit
/// or not, all rows or a subset, any number of dimensions, totals that already hold values.
/// </summary>
public class BitTotalsProperties
{
    private sealed record Case(int Dimensions, int Units, int[] Unit, int[] Key, double[] Value, uint[] Bits, int[]? Rows, double[] Start);

    private static Gen<Case> Cases() =>
        from dimensions in Gen.Choose(1, 10)
        from units in Gen.Choose(1, 12)
        from keys in Gen.Choose(1, 20)
        from n in Gen.Choose(0, 120)
        from sorted in ArbMap.Default.GeneratorFor<bool>()
        from unit in Gen.Choose(0, units - 1).ArrayOf(n)
        from key in Gen.Choose(0, keys - 1).ArrayOf(n)
        from value in Gen.Elements(0.0, 0.5, 1.0, 3.25, 139.57, 1e-300, 1e300, double.PositiveInfinity).ArrayOf(n)
        from bits in Gen.Choose(0, (1 << dimensions) - 1).Select(b => (uint)b).ArrayOf(keys)
        from subset in ArbMap.Default.GeneratorFor<bool>()
        from pick in ArbMap.Default.GeneratorFor<bool>().ArrayOf(n)
        from start in Gen.Elements(0.0, 0.0, 2.5, 1e10).ArrayOf(dimensions * units)
        let order = sorted ? unit.Order().ToArray() : unit
        select new Case(dimensions, units, order, key, value, bits,
            subset ? Enumerable.Range(0, n).Where(i => pick[i]).ToArray() : null, start);

    [Property(MaxTest = 300)]
    public Property VectorTotalsAreTheBitByBitTotals() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var expected = (double[])c.Start.Clone();
            BitTotals.AddByBit(c.Rows, c.Unit, c.Key, c.Value, c.Bits, expected, c.Units);
            var actual = (double[])c.Start.Clone();
            BitTotals.Add(c.Rows, c.Unit, c.Key, c.Value, c.Bits, c.Dimensions, actual, c.Units);
            return expected.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actual.Select(BitConverter.DoubleToInt64Bits));
        });
}
