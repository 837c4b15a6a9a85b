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

    /// <summary>
    /// A configured contrast shares each side's per-unit totals among H, A and M0; every figure
    /// must be, to the last bit, the one <c>Difference</c> estimates alone from the subgroups'
    /// tables, under each kind of design (no clusters: the per-child squares; bootstrap: the
    /// replicates).
    /// </summary>
    [Theory]
    [InlineData("clusters")]
    [InlineData("no clusters")]
    [InlineData("bootstrap")]
    public void ConfiguredContrastsAreTheDifferencesAskedOneByOne(string design)
    {
        var hubei = SpecReader.ReadFile(TestPaths.Sample("hubei", "moda.json"));
        var spec = design switch
        {
            "no clusters" => hubei with { Cluster = null },
            "bootstrap" => hubei with { Variance = hubei.Variance with { Method = VarianceMethod.Bootstrap, Replicates = 25 } },
            _ => hubei,
        };
        var analysis = ModaAnalysis.Run(TestPaths.Sample("hubei", "children.csv"), spec);
        var compared = 0;
        foreach (var g in analysis.Results.AgeGroups)
            foreach (var contrast in g.Contrasts)
                foreach (var cut in contrast.Cutoffs)
                    foreach (var (measure, e) in new[] { ("H", cut.H), ("A", cut.A), ("M0", cut.M0) })
                    {
                        var alone = analysis.Difference(g.Name, contrast.Column, contrast.A, contrast.B, cut.K, measure);
                        Assert.Equal(alone, e);
                        if (e.Se > 0) compared++; // a cut-off past every child's score has no A
                    }
        Assert.True(compared >= 3 * 2 * 3 * 4, $"only {compared} figures with a standard error compared");
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
