using Moda.Configuration;

namespace Moda.Tests.Survey;

/// <summary>Contrasts from the configuration equal R survey's svycontrast of two domains.</summary>
public class ContrastTests
{
    [Theory]
    [InlineData("A", "B")]
    [InlineData("A", "C")]
    [InlineData("B", "C")]
    public void CountyDifferencesMatchR(string a, string b)
    {
        var spec = RSurveyOracle.Spec() with { Contrasts = [new ContrastSpec("county", a, b)] };
        var results = ModaAnalyzer.Analyze(TestPaths.Oracle("design.csv"), spec);
        var m0 = results.AgeGroups.Single(g => g.Name == "all").Contrasts.Single().Cutoffs.Single(c => c.K == 2).M0;
        var r = RSurveyOracle.Rows.Single(x => x.Design == "a" && x.Measure == $"diff_M0_{a}_minus_{b}");
        Assert.Equal(r.Estimate, m0.Value, 1e-12);
        Assert.True(Math.Abs(r.Se - m0.Se) <= 1e-6 * r.Se, $"se: R {r.Se:R}, Moda {m0.Se:R}");
        Assert.True(Math.Abs(r.CiLow - m0.CiLow) <= 1e-6 * Math.Abs(r.CiLow) + 1e-12);
    }

    [Fact]
    public void AValueNoChildHasGivesAnUndefinedDifference()
    {
        var spec = RSurveyOracle.Spec() with { Contrasts = [new ContrastSpec("county", "A", "Z")] };
        var results = ModaAnalyzer.Analyze(TestPaths.Oracle("design.csv"), spec);
        Assert.False(results.AgeGroups[0].Contrasts[0].Cutoffs[0].M0.HasValue);
    }

    [Fact]
    public void AContrastOnAColumnOutsideGroupByIsAConfigurationError()
    {
        var e = Assert.Throws<ModaConfigurationException>(() => SpecValidator.Validate(
            RSurveyOracle.Spec() with { Contrasts = [new ContrastSpec("region", "A", "B")] }));
        Assert.Equal("contrasts[0].column", e.KeyPath);
    }
}
