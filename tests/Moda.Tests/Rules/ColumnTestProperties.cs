using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Rules;

namespace Moda.Tests.Rules;

/// <summary>
/// A rule that is one test of one column is folded straight into mask bits. For any column
/// (tails included), the vector fold equals the scalar one, and both set the deprived bit exactly
/// where the general evaluator says Yes and the unknown bit exactly where it says Unknown.
/// </summary>
public class ColumnTestProperties
{
    private const ulong DeprivedBit = 1ul << 3, UnknownBit = 1ul << 35, OtherBits = 1ul << 60 | 1;

    private static readonly (string Condition, string[] Missing)[] Conditions =
    [
        ("== 1", []), ("!= 0", []), ("< -2", []), ("<= 0.5", []), ("> 30", ["998"]), (">= 2", []),
        ("== 0", ["9"]), ("!= 1", ["9", "-1"]), ("in [32, 42, 81]", []), ("not in [1, 2]", ["9"]), ("in [0]", ["0"]),
    ];

    private static readonly string[] Expressions = ["x", "1 == x", "-2 > x", "0.5 <= x", "x != -1"];

    private static readonly double[] Specials = [double.NaN, 0, -0.0, 1, -1, 2, -2, 0.5, 9, 30, 32, 81, 998, double.PositiveInfinity, double.NegativeInfinity];

    private static Arbitrary<double[]> Columns() =>
        Gen.OneOf(Gen.Elements(Specials), Gen.Choose(-3, 3).Select(i => (double)i), ArbMap.Default.GeneratorFor<double>())
            .ArrayOf().ToArbitrary();

    private static Rule RuleOf(int index, string[] missing) => index < Conditions.Length
        ? Rule.Condition("x", Conditions[index].Condition, Conditions[index].Missing)
        : Rule.Expression(Expressions[index - Conditions.Length], missing);

    [Property(MaxTest = 400)]
    public Property FoldEqualsTheEvaluatorsTruth() =>
        Prop.ForAll(Columns(), Gen.Choose(0, Conditions.Length + Expressions.Length - 1).ToArbitrary(), (xs, index) =>
        {
            var rule = RuleOf(index, ["9"]);
            var test = rule.Bind((_, _) => 0).ColumnTest;
            Assert.NotNull(test);
            var vector = Enumerable.Repeat(OtherBits, xs.Length).ToArray();
            var scalar = Enumerable.Repeat(OtherBits, xs.Length).ToArray();
            test.Fold(xs, vector, DeprivedBit, UnknownBit);
            test.FoldScalar(xs, scalar, DeprivedBit, UnknownBit);
            var truth = RuleHarness.Evaluate(rule, ("x", xs));
            for (var r = 0; r < xs.Length; r++)
            {
                var expected = OtherBits | (truth[r] == Truth.Yes ? DeprivedBit : 0) | (truth[r] == Truth.Unknown ? UnknownBit : 0);
                if (vector[r] != expected || scalar[r] != expected) return false;
            }
            return true;
        });

    [Property(MaxTest = 200)]
    public Property SeveralColumnsFoldAsEachAlone() =>
        Prop.ForAll(Columns(), Columns(), Columns(), (x0, x1, x2) =>
        {
            var index = (x0.Length + 3 * x1.Length) % Conditions.Length;
            var test = RuleOf(index, []).Bind((_, _) => 0).ColumnTest!;
            var n = Math.Min(x0.Length, Math.Min(x1.Length, x2.Length));
            var start = n / 3;
            ulong[] d = [1ul << 0, 1ul << 5, 1ul << 7], u = [1ul << 32, 1ul << 37, 1ul << 39];
            // Set (replace) over whatever the bits held, or ORed into zeros.
            var replace = x1.Length % 2 == 0;
            var together = Enumerable.Repeat(replace ? 0xDEADul << 40 : 0, n - start).ToArray();
            test.Fold([x0, x1, x2], start, together, d, u, replace);
            var alone = new ulong[n - start];
            double[][] columns = [x0, x1, x2];
            for (var k = 0; k < 3; k++) test.FoldScalar(columns[k].AsSpan(start, n - start), alone, d[k], u[k]);
            return together.AsSpan().SequenceEqual(alone);
        });

    [Fact]
    public void OnlyOneColumnTestsAreColumnTests()
    {
        Assert.Null(Rule.Expression("x == 1 and y == 1").Bind((_, _) => 0).ColumnTest);
        Assert.Null(Rule.Expression("x / y > 3").Bind((_, _) => 0).ColumnTest);
        Assert.Null(Rule.Expression("x > y").Bind((_, _) => 0).ColumnTest);
        Assert.NotNull(Rule.Condition("x", "in [1, 2]").Bind((_, _) => 0).ColumnTest);
    }
}
