using Moda.Configuration;
using Moda.Reporting;

namespace Moda.Tests.Estimation;

/// <summary>
/// A breakdown value with few sampling units has its figures summed over its units only; every
/// figure is the one summed over all units, to the last bit, whatever the design.
/// </summary>
public class SmallSubgroupTests
{
    private static readonly ModaSpec Hubei = SpecReader.ReadFile(TestPaths.Sample("hubei", "moda.json")) with { GroupBy = [], Contrasts = [] };

    public static TheoryData<string> Designs() => ["clusters", "no clusters", "bootstrap", "bootstrap without clusters", "t intervals"];

    [Theory]
    [MemberData(nameof(Designs))]
    public void Breakdowns_by_small_values_match_the_sums_over_every_unit(string design)
    {
        var spec = design switch
        {
            "no clusters" => Hubei with { Cluster = null },
            "bootstrap" => Hubei with { Variance = Hubei.Variance with { Method = VarianceMethod.Bootstrap, Replicates = 40 } },
            "bootstrap without clusters" => Hubei with { Cluster = null, Variance = Hubei.Variance with { Method = VarianceMethod.Bootstrap, Replicates = 40 } },
            "t intervals" => Hubei with { Variance = Hubei.Variance with { Interval = IntervalKind.T } },
            _ => Hubei,
        };
        // Each PSU is one of 160 units, each county about a tenth of them: both go the small way.
        string[] by = spec.Cluster is null ? ["county", "residence", "stratum"] : ["psu", "county", "residence"];
        var data = TestPaths.Sample("hubei", "children.csv");
        var small = ModaAnalyzer.Analyze(data, spec, new AnalysisOptions { GroupBy = by });
        var dense = ModaAnalyzer.Analyze(data, spec, new AnalysisOptions { GroupBy = by, DenseSubgroups = true });
        Assert.NotEmpty(small.AgeGroups[0].Breakdowns["county"]);
        Assert.Equal(JsonResultWriter.ToJson(dense), JsonResultWriter.ToJson(small));
    }
}
