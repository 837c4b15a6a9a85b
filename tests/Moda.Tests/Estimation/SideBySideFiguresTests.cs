using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Configuration;
using Moda.Reporting;
using Moda.Tests.Properties;

namespace Moda.Tests.Estimation;

/// <summary>
/// A cut-off's censored headcounts and contributions are estimated side by side, a dimension a
/// vector lane (<c>RatioEngine.Ratios</c>); each must be, to the last bit, the figure estimated
/// alone: the whole results, written as JSON, are compared.
/// </summary>
public class SideBySideFiguresTests
{
    private static readonly ModaSpec Hubei = SpecReader.ReadFile(TestPaths.Sample("hubei", "moda.json"));

    public static TheoryData<string> Designs() => ["clusters", "no clusters", "bootstrap", "t intervals", "lonely PSUs centred"];

    [Theory]
    [MemberData(nameof(Designs))]
    public void The_Hubei_sample_is_the_same_figure_by_figure(string design)
    {
        var spec = design switch
        {
            "no clusters" => Hubei with { Cluster = null },
            "bootstrap" => Hubei with { Variance = Hubei.Variance with { Method = VarianceMethod.Bootstrap, Replicates = 30 } },
            "t intervals" => Hubei with { Variance = Hubei.Variance with { Interval = IntervalKind.T } },
            // Strata by county alone hold many PSUs; by PSU, each stratum has one.
            "lonely PSUs centred" => Hubei with { Strata = "psu", Variance = Hubei.Variance with { LonelyPsu = LonelyPsuRule.Centered } },
            _ => Hubei,
        };
        // By PSU, each value is a small subgroup (its units only); by sex, every unit.
        var options = new AnalysisOptions { GroupBy = spec.Cluster is null ? ["county", "sex"] : ["psu", "sex"] };
        var data = TestPaths.Sample("hubei", "children.csv");
        var together = ModaAnalyzer.Analyze(data, spec, options);
        var alone = ModaAnalyzer.Analyze(data, spec, options with { OneFigureAtATime = true });
        Assert.NotEmpty(together.AgeGroups[0].Cutoffs[0].Censored);
        Assert.Equal(JsonResultWriter.ToJson(alone), JsonResultWriter.ToJson(together));
    }

    /// <summary>
    /// Random clustered surveys of one to eleven dimensions (more than eight take two chunks of
    /// lanes, fewer than four leave lanes empty), with missing data, stated weights and
    /// breakdowns by PSU (small) and region.
    /// </summary>
    [Property(MaxTest = 150)]
    public Property Random_surveys_are_the_same_figure_by_figure() => Prop.ForAll(
        Scenarios.Arb(minN: 4, maxN: 80, minD: 1, maxD: 11, minPsus: 2, designs: [DesignKind.Cluster, DesignKind.StrataCluster], weighted: null), s =>
        {
            var spec = s.Spec() with { GroupBy = ["psu", "region"] };
            using var a = s.Table();
            using var b = s.Table();
            var together = ModaAnalyzer.Analyze(a, spec);
            var alone = ModaAnalyzer.Analyze(b, spec, new AnalysisOptions { OneFigureAtATime = true });
            Assert.Equal(JsonResultWriter.ToJson(alone), JsonResultWriter.ToJson(together));
        });
}
