using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// Both lane layouts (<see cref="Lanes256"/>, <see cref="Lanes128"/>) give, lane by lane and to
/// the bit, what the scalar operation gives: the side-by-side figures rely on it to equal the
/// figures computed alone, on any machine. Values include zeros of both signs, infinities, NaN
/// and subnormals.
/// </summary>
public class EightLanesProperties
{
    private static readonly double[] Interesting =
        [0.0, -0.0, 1.0, -1.0, 0.5, 3.25, 139.57, 1e-310, 1e300, -1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1.0 / 3];

    private static Arbitrary<(double[] A, double[] B, uint Bits, double Value)> Inputs() =>
        (from a in Gen.Elements(Interesting).ArrayOf(8)
         from b in Gen.Elements(Interesting).ArrayOf(8)
         from bits in Gen.Choose(0, 255)
         from value in Gen.Elements(Interesting)
         select (a, b, (uint)bits, value)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property TheWideLanesAreTheScalarOperations() => Prop.ForAll(Inputs(), c => Check<Lanes256>(c.A, c.B, c.Bits, c.Value));

    [Property(MaxTest = 300)]
    public Property TheNarrowLanesAreTheScalarOperations() => Prop.ForAll(Inputs(), c => Check<Lanes128>(c.A, c.B, c.Bits, c.Value));

    [Fact]
    public void LanesAreReadInOrder()
    {
        var created = Lanes128.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var wide = Lanes256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (var j = 0; j < 8; j++)
        {
            Assert.Equal(j, created[j]);
            Assert.Equal(j, wide[j]);
        }
        var widened = UnitLanes.Widen<Lanes128>([1.5, 2.5, 3.5]);
        Assert.Equal([1.5, 2.5, 3.5, 0, 0, 0, 0, 0], Lanes(widened));
        Span<double> narrowed = stackalloc double[3];
        UnitLanes.Narrow(wide, narrowed);
        Assert.Equal([0.0, 1, 2], narrowed.ToArray());
    }

    private static bool Check<T>(double[] a, double[] b, uint bits, double value) where T : struct, IEightLanes<T>
    {
        var x = T.Load(ref a[0], 0);
        var y = T.Create(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
        return Same(Lanes(x), a)
            && Same(Lanes(y), b)
            && Same(Lanes(x + y), Each(a, b, (p, q) => p + q))
            && Same(Lanes(x - y), Each(a, b, (p, q) => p - q))
            && Same(Lanes(x * y), Each(a, b, (p, q) => p * q))
            && Same(Lanes(x / y), Each(a, b, (p, q) => p / q))
            && Same(Lanes(T.Broadcast(value)), Each(a, b, (_, _) => value))
            && Same(Lanes(T.WhereBits(bits, value)), Enumerable.Range(0, 8).Select(j => (bits >> j & 1) != 0 ? value : 0.0).ToArray())
            && Same(Lanes(T.ProductWhereNonZero(x, y)), Each(a, b, (p, f) => f == 0 ? 0.0 : p * f));
    }

    // The lanes as stored, and as read one by one: both must agree.
    private static double[] Lanes<T>(T lanes) where T : struct, IEightLanes<T>
    {
        var stored = new double[8];
        lanes.Store(ref stored[0], 0);
        var read = Enumerable.Range(0, 8).Select(j => lanes[j]).ToArray();
        if (!Same(stored, read)) throw new InvalidOperationException("Store and the indexer disagree");
        return stored;
    }

    private static double[] Each(double[] a, double[] b, Func<double, double, double> f) => a.Select((p, j) => f(p, b[j])).ToArray();

    private static bool Same(double[] a, double[] b) =>
        a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits));
}
