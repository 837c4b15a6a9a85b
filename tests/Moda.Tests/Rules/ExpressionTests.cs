using Moda.Data;
using Moda.Rules;
using static Moda.Tests.Rules.RuleHarness;

namespace Moda.Tests.Rules;

/// <summary><c>expr</c>: arithmetic, precedence, parentheses, comparisons, in, and/or/not with Kleene logic.</summary>
public class ExpressionTests
{
    private static byte[] Eval(string expr, params (string, object)[] columns) => Evaluate(Rule.Expression(expr), columns);

    private static byte One(string expr, double a, double b, double c) =>
        Eval(expr, ("a", Num(a)), ("b", Num(b)), ("c", Num(c)))[0];

    [Theory]
    [InlineData("a + b * c == 7", Y)]          // 1 + 2·3
    [InlineData("(a + b) * c == 9", Y)]
    [InlineData("a + b * c == 9", N)]
    [InlineData("a - b - c == -4", Y)]         // left-associative
    [InlineData("a - (b - c) == 2", Y)]
    [InlineData("c / b / a == 1.5", Y)]
    [InlineData("c / (b / a) == 1.5", Y)]
    [InlineData("-a * 2 == -2", Y)]
    [InlineData("- -a == 1", Y)]
    [InlineData("a * -b == -2", Y)]
    [InlineData("2 * c - a > b + 2", Y)]       // 5 > 4
    [InlineData("a + 1.5e1 == 16", Y)]
    [InlineData("b * b * b == 8", Y)]
    [InlineData("b <= 2 and b >= 2", Y)]
    [InlineData("c != 3", N)]
    [InlineData("((a))==1", Y)]
    public void ArithmeticAndPrecedence(string expr, byte expected)
    {
        Assert.Equal(expected, One(expr, 1, 2, 3));
    }

    [Theory]
    [InlineData("a == 1 or b == 0 and c == 0", Y)]   // and binds tighter: a == 1 or (false)
    [InlineData("(a == 1 or b == 0) and c == 0", N)]
    [InlineData("not a == 1", N)]                     // not (a == 1)
    [InlineData("not a == 1 or b == 2", Y)]           // (not (a == 1)) or (b == 2)
    [InlineData("not (a == 1 or b == 2)", N)]
    [InlineData("not not a == 1", Y)]
    [InlineData("a == 1 and not b == 1", Y)]
    [InlineData("a == 0 or b == 0 or c == 3", Y)]
    [InlineData("a == 1 and b == 2 and c == 4", N)]
    [InlineData("a in [1, 5] and c not in [1, 2]", Y)]
    [InlineData("a + b in [3]", Y)]                  // arithmetic before in
    [InlineData("not a in [1]", N)]
    public void LogicPrecedence(string expr, byte expected)
    {
        Assert.Equal(expected, One(expr, 1, 2, 3));
    }

    // A constant side is compared as one number (mirrored when on the left): nine rows, so the
    // vector path and its tail both run, with missing values among them.
    [Theory]
    [InlineData("a < 2", "<", 2.0, 1)]
    [InlineData("2 > a", "<", 2.0, 1)]
    [InlineData("a >= 1", ">=", 1.0, 1)]
    [InlineData("1 <= a", ">=", 1.0, 1)]
    [InlineData("a == 0", "==", 0.0, 1)]
    [InlineData("0 == a", "==", 0.0, 1)]
    [InlineData("0 != a", "!=", 0.0, 1)]
    [InlineData("a * 2 > 3", ">", 3.0, 2)]
    [InlineData("3 < a * 2", ">", 3.0, 2)]
    public void ConstantOnEitherSide(string expr, string op, double constant, double factor)
    {
        double[] a = [0, 1, 2, double.NaN, 3, -1, 0.5, 2, double.NaN];
        var expected = a.Select(v =>
        {
            var x = v * factor;
            if (double.IsNaN(x)) return U;
            var holds = op switch { "<" => x < constant, ">=" => x >= constant, "==" => x == constant, "!=" => x != constant, _ => x > constant };
            return holds ? Y : N;
        }).ToArray();
        Assert.Equal(expected, Eval(expr, ("a", Num(a))));
    }

    [Fact]
    public void DivisionByZeroIsMissing()
    {
        var rooms = Num(2, 0, 0, 1);
        var members = Num(8, 5, 0, double.NaN);
        Assert.Equal([Y, U, U, U], Eval("members / rooms > 3", ("members", members), ("rooms", rooms)));
        // Missing from a division behaves like any missing input in the logic.
        var flag = Num(0, 0, 1, 1);
        Assert.Equal([Y, U, N, N], Eval("members / rooms > 3 and flag == 0", ("members", members), ("rooms", rooms), ("flag", flag)));
        Assert.Equal([Y, U, Y, Y], Eval("members / rooms > 3 or flag == 1", ("members", members), ("rooms", rooms), ("flag", flag)));
    }

    [Fact]
    public void DivisionByZeroInsideComparisonWithZeroIsStillMissing()
    {
        // 0 / 0 is not 0: "x / y == 0" must not be true when y is 0.
        Assert.Equal([U, Y], Eval("x / y == 0", ("x", Num(0, 0)), ("y", Num(0, 5))));
    }

    [Fact]
    public void ArithmeticWithAMissingOperandIsMissing()
    {
        Assert.Equal([U, U, Y], Eval("a + b > 0", ("a", Num(double.NaN, 1, 1)), ("b", Num(1, double.NaN, 1))));
        Assert.Equal([U], Eval("a * 0 == 0", ("a", Num(double.NaN))));
    }

    // p, q as bare 0/1 columns: 0 → false, 1 → true, NaN → missing.
    private static readonly double[] P = [0, 0, 0, 1, 1, 1, double.NaN, double.NaN, double.NaN];
    private static readonly double[] Q = [0, 1, double.NaN, 0, 1, double.NaN, 0, 1, double.NaN];

    [Fact]
    public void KleeneAnd()
    {
        //                        F∧F F∧T F∧? T∧F T∧T T∧? ?∧F ?∧T ?∧?
        Assert.Equal(new byte[] { N, N, N, N, Y, U, N, U, U }, Eval("p and q", ("p", P), ("q", Q)));
    }

    [Fact]
    public void KleeneOr()
    {
        //                        F∨F F∨T F∨? T∨F T∨T T∨? ?∨F ?∨T ?∨?
        Assert.Equal(new byte[] { N, Y, U, Y, Y, Y, U, Y, U }, Eval("p or q", ("p", P), ("q", Q)));
    }

    [Fact]
    public void KleeneNot()
    {
        Assert.Equal([Y, N, U], Eval("not p", ("p", Num(0, 1, double.NaN))));
        Assert.Equal([Y, N, U], Eval("!p", ("p", Num(0, 1, double.NaN))));
    }

    [Fact]
    public void ComparisonWithMissingOperandIsMissingAndStillShortCircuitsInKleene()
    {
        var haz = Num(double.NaN, double.NaN, -3);
        var whz = Num(-3, 0, double.NaN);
        Assert.Equal([Y, U, Y], Eval("haz < -2 or whz < -2", ("haz", haz), ("whz", whz)));
        Assert.Equal([U, N, U], Eval("haz < -2 and whz < -2", ("haz", haz), ("whz", whz)));
    }

    [Fact]
    public void BareColumnIsTrueWhenNonZero()
    {
        Assert.Equal([N, Y, Y, Y, U], Eval("flag", ("flag", Num(0, 1, 2, -1, double.NaN))));
    }

    [Fact]
    public void MediaExampleFromTheHubeiConfiguration()
    {
        const string expr = "has_tv == 0 and has_radio == 0 and has_phone == 0";
        var tv = Num(0, 0, 1, double.NaN, double.NaN);
        var radio = Num(0, 0, 0, 0, 1);
        var phone = Num(0, 1, 0, 0, 0);
        Assert.Equal([Y, N, N, U, N], Eval(expr, ("has_tv", tv), ("has_radio", radio), ("has_phone", phone)));
    }

    [Fact]
    public void StringsInExpressions()
    {
        var rule = Rule.Expression("residence == \"rural\" and water in [32, 42]");
        Assert.Contains(("residence", ColumnKind.Categorical), rule.Columns);
        Assert.Contains(("water", ColumnKind.Numeric), rule.Columns);
        var residence = Txt("rural", "rural", "urban", null, null);
        var water = Num(32, 11, 42, 32, 11);
        Assert.Equal([Y, N, N, U, N], Evaluate(rule, ("residence", residence), ("water", water)));
        Assert.Equal([N, Y, Y, U], Eval("\"rural\" != residence", ("residence", Txt("rural", "urban", "x", null))));
        Assert.Equal([Y, N, U], Eval("sex in ['f'] or sex == 'girl'", ("sex", Txt("f", "m", null))));
    }

    [Fact]
    public void BackquotedColumnNames()
    {
        var rule = Rule.Expression("`hh members` / `sleeping rooms` > 3");
        Assert.Equal(["hh members", "sleeping rooms"], rule.Columns.Select(c => c.Name));
        Assert.Equal([Y, N], Evaluate(rule, ("hh members", Num(7, 6)), ("sleeping rooms", Num(2, 2))));
    }

    [Fact]
    public void ColumnsAreListedOnceEach()
    {
        var rule = Rule.Expression("a > 1 and a < 5 or b == a");
        Assert.Equal([("a", ColumnKind.Numeric), ("b", ColumnKind.Numeric)], rule.Columns);
    }

    [Fact]
    public void PerIndicatorMissingCodesApplyToEveryColumnOfTheExpression()
    {
        var rule = Rule.Expression("a == 1 or b == 1", ["9"]);
        Assert.Equal([Y, U, N, Y], Evaluate(rule, ("a", Num(1, 9, 0, 9)), ("b", Num(9, 9, 0, 1))));
    }

    [Fact]
    public void ConstantsAreFilledForEveryRowOfLaterLargerBatches()
    {
        // One evaluator, two batches: the second longer than the first.
        var rule = Rule.Expression("x + 1 > 1");
        var requests = new[] { new ColumnRequest("x", ColumnKind.Numeric, []) };
        var evaluator = rule.Bind((_, _) => 0);
        var small = new ColumnBatch(requests, 2) { Count = 2 };
        small.Numbers[0]![0] = 1; small.Numbers[0]![1] = 0;
        var r1 = new byte[2];
        evaluator.Evaluate(small, r1);
        Assert.Equal([Y, N], r1);
        var large = new ColumnBatch(requests, 3000) { Count = 3000 };
        Array.Fill(large.Numbers[0]!, 1.0);
        var r2 = new byte[3000];
        evaluator.Evaluate(large, r2);
        Assert.All(r2, t => Assert.Equal(Y, t));
    }
}
