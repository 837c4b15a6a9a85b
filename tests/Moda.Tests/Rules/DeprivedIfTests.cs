using Moda.Data;
using Moda.Rules;
using static Moda.Tests.Rules.RuleHarness;

namespace Moda.Tests.Rules;

/// <summary><c>deprivedIf</c> conditions on one column: every operator, lists, negative numbers, strings.</summary>
public class DeprivedIfTests
{
    private static readonly double[] X = [1, 2, 3, double.NaN];

    [Theory]
    [InlineData("< 2", new byte[] { Y, N, N, U })]
    [InlineData("<= 2", new byte[] { Y, Y, N, U })]
    [InlineData("> 2", new byte[] { N, N, Y, U })]
    [InlineData(">= 2", new byte[] { N, Y, Y, U })]
    [InlineData("== 2", new byte[] { N, Y, N, U })]
    [InlineData("!= 2", new byte[] { Y, N, Y, U })]
    [InlineData("<2", new byte[] { Y, N, N, U })]
    [InlineData("  >=   2.0  ", new byte[] { N, Y, Y, U })]
    [InlineData("in [1, 3]", new byte[] { Y, N, Y, U })]
    [InlineData("not in [1, 3]", new byte[] { N, Y, N, U })]
    [InlineData("in [2]", new byte[] { N, Y, N, U })]
    [InlineData("in [1, 3,]", new byte[] { Y, N, Y, U })]
    public void EachOperatorOnNumbers(string condition, byte[] expected)
    {
        var rule = Rule.Condition("x", condition);
        Assert.Equal([("x", ColumnKind.Numeric)], rule.Columns);
        Assert.Equal(expected, Evaluate(rule, ("x", X)));
    }

    [Theory]
    [InlineData("< -2", new byte[] { Y, N, N, N })]
    [InlineData("<= -2", new byte[] { Y, Y, N, N })]
    [InlineData("> -1.5", new byte[] { N, N, N, Y })]
    [InlineData("== -1.5", new byte[] { N, N, Y, N })]
    [InlineData("in [-3, -1.5]", new byte[] { Y, N, Y, N })]
    [InlineData("not in [-2, 0]", new byte[] { Y, N, Y, Y })]
    [InlineData("< -2e0", new byte[] { Y, N, N, N })]
    public void NegativeNumbers(string condition, byte[] expected)
    {
        Assert.Equal(expected, Evaluate(Rule.Condition("haz", condition), ("haz", Num(-3, -2, -1.5, 0.5))));
    }

    [Theory]
    [InlineData("== \"rural\"", new byte[] { Y, N, N, U })]
    [InlineData("!= \"rural\"", new byte[] { N, Y, Y, U })]
    [InlineData("== 'rural'", new byte[] { Y, N, N, U })]
    [InlineData("in [\"rural\", \"peri-urban\"]", new byte[] { Y, N, Y, U })]
    [InlineData("not in ['rural', 'peri-urban']", new byte[] { N, Y, N, U })]
    [InlineData("== \"Rural\"", new byte[] { N, N, N, U })]
    public void QuotedStrings(string condition, byte[] expected)
    {
        var rule = Rule.Condition("residence", condition);
        Assert.Equal([("residence", ColumnKind.Categorical)], rule.Columns);
        Assert.Equal(expected, Evaluate(rule, ("residence", Txt("rural", "urban", "peri-urban", null))));
    }

    [Fact]
    public void StringWithSpacesAndEscapedQuote()
    {
        var rule = Rule.Condition("s", "in [\"no toilet\", \"say \\\"no\\\"\"]");
        Assert.Equal([Y, Y, N], Evaluate(rule, ("s", Txt("no toilet", "say \"no\"", "no"))));
    }

    [Fact]
    public void PerIndicatorNumericMissingCodes()
    {
        var rule = Rule.Condition("dpt3", "== 0", ["9"]);
        Assert.Equal([Y, N, U, U], Evaluate(rule, ("dpt3", Num(0, 1, 9, double.NaN))));
        // The code is a number, so 9.0 is the same value.
        Assert.Equal([U], Evaluate(Rule.Condition("dpt3", "== 0", ["9.0"]), ("dpt3", Num(9))));
    }

    [Fact]
    public void PerIndicatorMissingCodeWinsOverAMatchingCondition()
    {
        // "!= 0" would be true for 9, but 9 means "don't know".
        Assert.Equal([N, Y, U], Evaluate(Rule.Condition("dpt3", "!= 0", ["9"]), ("dpt3", Num(0, 1, 9))));
    }

    [Fact]
    public void PerIndicatorTextMissingCodes()
    {
        var rule = Rule.Condition("s", "not in [\"yes\"]", ["dk"]);
        Assert.Equal([N, Y, U], Evaluate(rule, ("s", Txt("yes", "no", "dk"))));
    }

    [Fact]
    public void WithoutExtraMissingCodesNothingButMissingIsUnknown()
    {
        Assert.Equal([N, Y], Evaluate(Rule.Condition("dpt3", "== 9"), ("dpt3", Num(0, 9))));
    }
}
