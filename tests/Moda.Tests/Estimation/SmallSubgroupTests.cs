using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Configuration;
using Moda.Reporting;
using Moda.Results;
using Moda.Tests.Properties;

namespace Moda.Tests.Estimation;

/// <summary>
/// A breakdown value with few sampling units has its figures summed over its units only; every
/// figure is the one summed over all units, to the last bit, whatever the design. The two figures
/// relative to the value's group (its share of the group's children, its contribution to the
/// group's M0) take the units outside it from the group's per-stratum sums: under linearization
/// over clusters their standard errors then agree to rounding (see AssertAgrees), their values to
/// the last bit.
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
        var exact = spec.Cluster is null || spec.Variance.Method == VarianceMethod.Bootstrap;
        Assert.Equal(JsonResultWriter.ToJson(dense), JsonResultWriter.ToJson(exact ? small : WithGroupFiguresOf(dense, small, atLeast: 1000)));
    }

    /// <summary>
    /// Random clustered surveys of 4 to 12 PSUs broken down by PSU (each value one unit: small)
    /// and by region: the same agreement, on designs the sample does not have (PSUs of one child,
    /// one stratum, equal weights, missing data).
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Random_breakdowns_by_psu_match_the_sums_over_every_unit() => Prop.ForAll(
        Scenarios.Arb(minN: 4, maxN: 80, minPsus: 4, designs: [DesignKind.Cluster, DesignKind.StrataCluster]), s =>
        {
            var spec = s.Spec() with { GroupBy = ["psu", "region"] };
            using var a = s.Table();
            using var b = s.Table();
            var small = ModaAnalyzer.Analyze(a, spec);
            var dense = ModaAnalyzer.Analyze(b, spec, new AnalysisOptions { DenseSubgroups = true });
            Assert.Equal(JsonResultWriter.ToJson(dense), JsonResultWriter.ToJson(WithGroupFiguresOf(dense, small, atLeast: 4)));
        });

    /// <summary>
    /// The same with the first stratum's children all in one PSU (a lonely PSU) under each rule
    /// that estimates on: the group's stratum sums enter every rule's variance alike.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Random_breakdowns_with_a_lonely_psu_match_the_sums_over_every_unit() => Prop.ForAll(
        Scenarios.Cases(1, minN: 8, maxN: 80, minPsus: 4, designs: [DesignKind.StrataCluster]), c =>
        {
            var s = c.S;
            if (s.Design != DesignKind.StrataCluster) return; // shrunk to a design without strata or clusters
            var lonely = s.Stratum[0];
            var psuOfLonely = s.Psu[0];
            s = s with { Psu = s.Psu.Select((p, i) => s.Stratum[i] == lonely ? psuOfLonely : p).ToArray() };
            LonelyPsuRule[] rules = [LonelyPsuRule.Certainty, LonelyPsuRule.Remove, LonelyPsuRule.Centered, LonelyPsuRule.Average];
            var spec = s.Spec(new VarianceSpec { LonelyPsu = rules[c.Pick[0] % rules.Length] }) with { GroupBy = ["psu", "region"] };
            using var a = s.Table();
            using var b = s.Table();
            var small = ModaAnalyzer.Analyze(a, spec);
            var dense = ModaAnalyzer.Analyze(b, spec, new AnalysisOptions { DenseSubgroups = true });
            Assert.NotEmpty(small.Design.LonelyStrata);
            Assert.Equal(JsonResultWriter.ToJson(dense), JsonResultWriter.ToJson(WithGroupFiguresOf(dense, small, atLeast: 4)));
        });

    // `small` with dense's group-relative figures, once each is found to agree with dense's.
    private static ModaResults WithGroupFiguresOf(ModaResults dense, ModaResults small, int atLeast)
    {
        var checkedFigures = 0;
        var groups = small.AgeGroups.Select((g, i) => g with
        {
            Breakdowns = g.Breakdowns.ToDictionary(b => b.Key, b => (IReadOnlyList<BreakdownValue>)b.Value.Select((v, j) =>
            {
                var d = dense.AgeGroups[i].Breakdowns[b.Key][j];
                AssertAgrees(d.PopulationShare, v.PopulationShare);
                checkedFigures++;
                return v with
                {
                    PopulationShare = d.PopulationShare,
                    Cutoffs = v.Cutoffs.Select((c, k) =>
                    {
                        var dc = d.Cutoffs[k];
                        AssertAgrees(dc.Contribution!.Value, c.Contribution!.Value);
                        checkedFigures++;
                        return c with { Contribution = dc.Contribution };
                    }).ToArray(),
                };
            }).ToArray()),
        }).ToArray();
        Assert.True(checkedFigures >= atLeast, $"only {checkedFigures} group-relative figures compared");
        return small with { AgeGroups = groups };
    }

    // The same value; standard errors that agree to rounding. Both figures are shares (of the
    // group's children, of its M0), so every unit's influence is at most its share of the group
    // and Σ u² ≤ 1: the two ways of summing give variances within 1e-15 of each other, which is
    // also 1e-12 of the SE but where the variance itself is a near-cancellation (an SE of 0 can
    // come out as 1e-9). Intervals move with the SE (by at most the t quantile, ≤ 64, times it).
    private static void AssertAgrees(Estimate expected, Estimate actual)
    {
        Assert.Equal(expected.Value, actual.Value); // the same sums in the same order
        if (double.IsNaN(expected.Se) && double.IsNaN(actual.Se)) return;
        double e = expected.Se, a = actual.Se;
        var why = $"SE {a:R} differs from {e:R}; expected {expected}, actual {actual}";
        Assert.True(Math.Abs(a - e) <= 1e-12 * e || Math.Abs(a * a - e * e) <= 1e-15, why);
        Assert.True(Math.Abs(actual.CiLow - expected.CiLow) <= 64 * Math.Abs(a - e) + 1e-15 * (1 + Math.Abs(expected.CiLow)), why);
        Assert.True(Math.Abs(actual.CiHigh - expected.CiHigh) <= 64 * Math.Abs(a - e) + 1e-15 * (1 + Math.Abs(expected.CiHigh)), why);
    }
}
