namespace Moda.Tests.Rules;

/// <summary>Rules evaluated on a CSV file through <see cref="ModaAnalyzer"/>: missing rule results make a dimension missing.</summary>
public class RulesThroughAnalysisTests
{
    private const string Config = """
        { "k": 1,
          "dimensions": [
            { "name": "housing", "indicators": [ { "name": "crowded", "expr": "members / rooms > 3 or floor == 1" } ] },
            { "name": "water", "indicators": [ { "name": "far", "expr": "minutes > 30 and source not in [11, 12]" } ] } ] }
        """;

    [Fact]
    public void KleeneLogicDecidesWhichChildrenAreExcluded()
    {
        const string csv = """
            members,rooms,floor,minutes,source
            8,2,0,10,11
            5,0,1,45,32
            5,0,0,45,11
            5,0,0,45,32
            NA,2,0,,11
            """;
        // Row 1: 4 > 3 → crowded; water: false and false → no.
        // Row 2: missing or true → crowded; water: true and true → far.
        // Row 3: missing or false → missing housing (excluded); water: true and false → no.
        // Row 4: housing missing (excluded); water far.
        // Row 5: housing missing (excluded); water: missing and false → no.
        var g = Analysis.Run(csv, Config).AgeGroups.Single();
        Assert.Equal(3, g.Excluded);
        Approx.Equal(1.0, g.Rate("housing"));          // rows 1 and 2, both crowded
        Approx.Equal(2.0 / 5, g.Rate("water"));        // rows 2 and 4 of five observed
        Approx.Equal(1.0 / 2, g.Cutoffs.AtK(2).H);     // row 2 of rows 1-2
        Approx.Equal(3.0 / 4, g.Cutoffs.AtK(1).M0);    // (1/2 + 1) / 2
    }
}
