namespace Moda.Tests.Deprivation;

/// <summary>
/// Union vs strict rule for missing indicators within a dimension, and exclusion of children with
/// a missing dimension from the count analysis (but not from single-dimension rates).
/// </summary>
public class MissingRuleTests
{
    // d1 = a or b. Rows: (1, NA) deprived under union, missing under strict; (0, NA) and (NA, NA)
    // missing under both; (0, 0) not deprived. d2 is always observed.
    private const string Data = """
        id,a,b,c
        1,1,NA,0
        2,0,NA,1
        3,0,0,0
        4,NA,NA,1
        """;

    private static string Config(string rule) => $$"""
        {
          "k": 1,
          "missingRule": "{{rule}}",
          "dimensions": [
            { "name": "d1", "indicators": [ { "name": "a", "column": "a", "deprivedIf": "== 1" },
                                            { "name": "b", "column": "b", "deprivedIf": "== 1" } ] },
            { "name": "d2", "indicators": [ { "name": "c", "column": "c", "deprivedIf": "== 1" } ] }
          ]
        }
        """;

    [Fact]
    public void UnionRuleDeprivedWhenAnyIndicatorIsEvenIfAnotherIsMissing()
    {
        var g = Analysis.Run(Data, Config("union")).Group("all");
        Assert.Equal(4, g.Children);
        Assert.Equal(2, g.Excluded);          // rows 2 and 4
        Approx.Equal(1.0 / 2, g.Rate("d1"));  // observed rows 1 (deprived) and 3
        Approx.Equal(1.0 / 2, g.Rate("d2"));  // every row, the excluded ones too: rows 2 and 4
        Approx.Equal(1.0 / 3, g.IndicatorRate("a"));
        Approx.Equal(0.0, g.IndicatorRate("b"));
        // Count analysis over rows 1 (s = 1) and 3 (s = 0).
        Approx.Equal(1.0 / 2, g.Cutoffs.AtK(1).H);
        Approx.Equal(1.0 / 4, g.Cutoffs.AtK(1).M0);
        Approx.Equal(1.0 / 2, g.Distribution[0].Share);
        Approx.Equal(1.0 / 2, g.Distribution[1].Share);
        Approx.Equal(0.0, g.Distribution[2].Share);
    }

    [Fact]
    public void StrictRuleMissingWhenAnyIndicatorIsMissing()
    {
        var g = Analysis.Run(Data, Config("strict")).Group("all");
        Assert.Equal(3, g.Excluded);          // rows 1, 2 and 4
        Approx.Equal(0.0, g.Rate("d1"));      // only row 3 is observed
        Approx.Equal(1.0 / 2, g.Rate("d2"));
        Approx.Equal(1.0 / 3, g.IndicatorRate("a")); // indicator rates do not depend on the rule
        Approx.Equal(0.0, g.Cutoffs.AtK(1).H);
        Approx.Equal(1.0, g.Distribution[0].Share);
    }

    [Fact]
    public void DefaultRuleIsUnion()
    {
        var json = Config("union").Replace("\"missingRule\": \"union\",", "");
        Assert.DoesNotContain("missingRule", json, StringComparison.Ordinal);
        Assert.Equal(2, Analysis.Run(Data, json).Group("all").Excluded);
    }

    [Fact]
    public void ExcludedChildrenStillCountInTheRatesOfTheirObservedDimensions()
    {
        // Three children miss d1; all three are deprived in d2; the one complete child is not.
        const string csv = """
            id,a,b,c
            1,,0,1
            2,,0,1
            3,,0,1
            4,0,0,0
            """;
        var g = Analysis.Run(csv, Config("union")).Group("all");
        Assert.Equal(3, g.Excluded);
        Approx.Equal(3.0 / 4, g.Rate("d2"));
        Approx.Equal(0.0, g.Rate("d1"));
        Approx.Equal(0.0, g.Cutoffs.AtK(1).H); // the complete child is not deprived
        Approx.Equal(0.0, g.Overlap.Pairs.Single().Share);
        Assert.Empty(g.Overlap.Combinations);
    }

    [Fact]
    public void WeightedExclusionUsesTheWeightsOfTheCompleteChildrenOnly()
    {
        const string csv = """
            id,a,b,c,w
            1,1,0,1,1
            2,0,0,0,3
            3,NA,NA,1,100
            """;
        var json = Config("union").Replace("\"missingRule\"", "\"weight\": \"w\", \"missingRule\"");
        var g = Analysis.Run(csv, json).Group("all");
        Assert.Equal(1, g.Excluded);
        Assert.Equal(104.0, g.Population);             // population counts every child in scope
        Approx.Equal(1.0 / 4, g.Cutoffs.AtK(1).H);     // 1 / (1 + 3)
        Approx.Equal(1.0 / 4, g.Cutoffs.AtK(2).H);
        Approx.Equal(101.0 / 104, g.Rate("d2"));
    }
}
