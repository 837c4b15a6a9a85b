using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// A group's stratum sums less a subgroup's part (<see cref="DoubleDouble"/>) are the rest's exact
/// sum to within its last bit and about 2^-100 of the total, however much of the total the part
/// holds; plain doubles lose the rest's digits.
/// </summary>
public class DoubleDoubleProperties
{
    // Integers times a power of two: exact as doubles and as BigIntegers (scaled by 2^40).
    private static readonly Gen<double[]> Values =
        from n in Gen.Choose(2, 40)
        from xs in Gen.Choose(1, 1 << 30).Select(k => (double)k).ArrayOf(n)
        from shifts in Gen.Choose(-40, 30).ArrayOf(n)
        select xs.Select((x, i) => Math.ScaleB(x, shifts[i])).ToArray();

    [Property(MaxTest = 500)]
    public Property Total_less_a_part_is_the_rest_to_its_last_bit() => Prop.ForAll(Values.ToArbitrary(), Gen.Choose(1, 39).ToArbitrary(), (xs, cut) =>
    {
        var k = Math.Min(cut, xs.Length - 1);
        DoubleDouble total = default, part = default, total2 = default, part2 = default;
        for (var i = 0; i < xs.Length; i++)
        {
            total.Add(xs[i]);
            total2.Add(xs[i] * xs[i]);
            if (i >= k) continue;
            part.Add(xs[i]);
            part2.Add(xs[i] * xs[i]);
        }
        AssertClose(Exact(xs[k..], square: false), total.Minus(part), Exact(xs, square: false));
        AssertClose(Exact(xs[k..], square: true), total2.Minus(part2), Exact(xs, square: true));
    });

    [Fact]
    public void Plain_doubles_lose_the_rest_where_the_pair_keeps_it()
    {
        double[] xs = [1e16, 1.0, 1.0]; // the part is the first: the rest is 2
        double plain = xs.Sum() - xs[0];
        DoubleDouble total = default, part = default;
        foreach (var x in xs) total.Add(x);
        part.Add(xs[0]);
        Assert.NotEqual(2.0, plain);
        Assert.Equal(2.0, total.Minus(part));
    }

    private static void AssertClose(double exact, double actual, double total) =>
        Assert.True(Math.Abs(actual - exact) <= Math.BitIncrement(Math.Abs(exact)) - Math.Abs(exact) + Math.ScaleB(total, -100),
            $"{actual:R} is not {exact:R} (total {total:R})");

    // Σ x (or Σ of the rounded x², as the sums take them) exactly, rounded once to a double: every
    // x is an integer times 2^-40, every rounded x² one times 2^-80.
    private static double Exact(double[] xs, bool square)
    {
        var sum = BigInteger.Zero;
        foreach (var x in xs) sum += new BigInteger(square ? Math.ScaleB(x * x, 80) : Math.ScaleB(x, 40));
        return Math.ScaleB((double)sum, square ? -80 : -40);
    }
}
