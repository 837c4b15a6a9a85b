using Moda.Configuration;
using Moda.Rules;

namespace Moda.Tests.Rules;

/// <summary>Rules that do not parse or type-check: <see cref="RuleSyntaxException"/> with a 0-based position.</summary>
public class RuleSyntaxErrorTests
{
    [Theory]
    [InlineData("<< 2", 1)]                 // second '<' is not a value
    [InlineData("2", 0)]                    // a condition starts with an operator
    [InlineData("", 0)]
    [InlineData("< 2 3", 4)]                // trailing value
    [InlineData("< ", 2)]                   // text ended
    [InlineData("in [1, 2", 8)]             // unclosed list
    [InlineData("in 1, 2", 3)]              // '[' expected
    [InlineData("not [1]", 4)]              // 'in' expected after 'not'
    [InlineData("in [1, \"a\"]", 0)]        // mixed list
    [InlineData("in [1, x]", 7)]            // lists hold literals
    [InlineData("< \"a\"", 0)]              // text compared with <
    [InlineData("== \"abc", 3)]             // unclosed string
    [InlineData("== 2 # 3", 5)]             // unexpected character
    [InlineData("== 1.2.3", 3)]             // not a number
    public void ConditionErrors(string condition, int position)
    {
        var e = Assert.Throws<RuleSyntaxException>(() => Rule.Condition("x", condition));
        Assert.Equal(position, e.Position);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void EmptyListIsAnError()
    {
        var e = Assert.Throws<RuleSyntaxException>(() => Rule.Condition("x", "in []"));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
        Assert.InRange(e.Position, 3, 5);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("a +", 3)]
    [InlineData("a $ b", 2)]
    [InlineData("(a > 1", 6)]
    [InlineData("a > 1)", 5)]
    [InlineData("a > 1 b", 6)]
    [InlineData("x == \"abc", 5)]
    [InlineData("a + \"s\" > 1", 4)]        // text where a number is needed
    [InlineData("\"s\" > a", 4)]            // text only with == / !=
    [InlineData("a and or b", 6)]
    [InlineData("a > > 1", 4)]
    [InlineData("a in [1, 2", 10)]
    [InlineData("a + b in [\"x\"]", 6)]      // only a column against strings
    [InlineData("1.2.3 > 0", 0)]
    public void ExpressionErrors(string expr, int position)
    {
        var e = Assert.Throws<RuleSyntaxException>(() => Rule.Expression(expr));
        Assert.Equal(position, e.Position);
    }

    [Fact]
    public void ConfigurationNamesTheRuleKeyAndTheCharacter()
    {
        const string json = """
            { "dimensions": [
                { "name": "a", "indicators": [ { "name": "i", "column": "x", "deprivedIf": "== 1" } ] },
                { "name": "b", "indicators": [ { "name": "j", "column": "y", "deprivedIf": "< < 2" } ] } ] }
            """;
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read(json));
        Assert.Equal("dimensions[1].indicators[0].deprivedIf", e.KeyPath);
        Assert.Contains("at character 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("dimensions[1].indicators[0].deprivedIf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationNamesTheExprKey()
    {
        const string json = """
            { "dimensions": [
                { "name": "a", "indicators": [ { "name": "i", "expr": "members / rooms >" } ] } ] }
            """;
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read(json));
        Assert.Equal("dimensions[0].indicators[0].expr", e.KeyPath);
        Assert.Contains("at character 18", e.Message, StringComparison.Ordinal);
    }
}
