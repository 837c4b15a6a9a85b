using Moda.Results;

namespace Moda.Tests.Estimation;

/// <summary>
/// The worked example of Alkire &amp; Foster (2011) in moda-method.md: four persons, cut-offs
/// z = (13, 12, 3, 1), deprived if x &lt; z. Persons 1 and 2 form subgroup A, persons 3 and 4 subgroup B;
/// column w holds the weights 1..4 for the weighted variant.
/// </summary>
public class AlkireFosterWorkedExampleTests
{
    private const string Data = """
        person,x1,x2,x3,x4,sub,w
        1,13.1,14,4,1,A,1
        2,15.2,7,5,0,A,2
        3,12.5,10,1,0,B,3
        4,20,11,3,1,B,4
        """;

    private static string Config(string extraTop = "", string[]? dimensionWeights = null)
    {
        string W(int j) => dimensionWeights is null ? "" : $"\"weight\": {dimensionWeights[j]}, ";
        return $$"""
            {
              {{extraTop}}
              "dimensions": [
                { "name": "d1", {{W(0)}}"indicators": [ { "name": "x1", "column": "x1", "deprivedIf": "< 13" } ] },
                { "name": "d2", {{W(1)}}"indicators": [ { "name": "x2", "column": "x2", "deprivedIf": "< 12" } ] },
                { "name": "d3", {{W(2)}}"indicators": [ { "name": "x3", "column": "x3", "deprivedIf": "< 3" } ] },
                { "name": "d4", {{W(3)}}"indicators": [ { "name": "x4", "column": "x4", "deprivedIf": "< 1" } ] },
              ],
              "groupBy": ["sub"],
            }
            """;
    }

    private static readonly string[] Dims = ["d1", "d2", "d3", "d4"];

    private static GroupResult Unweighted() => Single(Analysis.Run(Data, Config()));

    private static GroupResult Single(ModaResults r)
    {
        var g = Assert.Single(r.AgeGroups);
        Assert.Equal("all", g.Name);
        return g;
    }

    [Theory]
    [InlineData(1, 3.0 / 4, 7.0 / 12, 7.0 / 16)]
    [InlineData(2, 1.0 / 2, 3.0 / 4, 3.0 / 8)]
    [InlineData(3, 1.0 / 4, 1.0, 1.0 / 4)]
    [InlineData(4, 1.0 / 4, 1.0, 1.0 / 4)]
    public void HAndAAndM0AtEveryCutoffMatchTheTable(int k, double h, double a, double m0)
    {
        var c = Unweighted().Cutoffs.AtK(k);
        Approx.Equal(h, c.H, $"H(k={k})");
        Approx.Equal(a, c.A, $"A(k={k})");
        Approx.Equal(m0, c.M0, $"M0(k={k})");
        Assert.Equal(k / 4.0, c.Share);
    }

    [Fact]
    public void EveryCutoffFrom1ToDIsReported()
    {
        var g = Unweighted();
        Assert.Equal([1, 2, 3, 4], g.Cutoffs.Select(c => c.K));
        Assert.Equal(Dims, g.DimensionNames);
        Assert.Equal(4, g.Children);
        Assert.Equal(4.0, g.Population);
        Assert.Equal(0, g.Excluded);
    }

    [Fact]
    public void CensoredHeadcountsAndContributionsAtK2()
    {
        var c = Unweighted().Cutoffs.AtK(2);
        double[] censored = [1.0 / 4, 1.0 / 2, 1.0 / 4, 1.0 / 2];
        double[] contributions = [1.0 / 6, 1.0 / 3, 1.0 / 6, 1.0 / 3];
        for (var j = 0; j < 4; j++)
        {
            Approx.Equal(censored[j], c.Censored[Dims[j]], $"CH_{Dims[j]}");
            Approx.Equal(contributions[j], c.Contributions[Dims[j]], $"contribution {Dims[j]}");
        }
        Assert.Equal(Dims, c.Censored.Keys.Order());
    }

    [Fact]
    public void DimensionRatesAreUncensored()
    {
        var g = Unweighted();
        Approx.Equal(1.0 / 4, g.Rate("d1"));
        Approx.Equal(3.0 / 4, g.Rate("d2"));
        Approx.Equal(1.0 / 4, g.Rate("d3"));
        Approx.Equal(1.0 / 2, g.Rate("d4"));
        Approx.Equal(3.0 / 4, g.IndicatorRate("x2"));
    }

    [Fact]
    public void DistributionOfDeprivationCounts()
    {
        var g = Unweighted();
        Assert.Equal([0, 1, 2, 3, 4], g.Distribution.Select(d => d.Count));
        double[] exactly = [1.0 / 4, 1.0 / 4, 1.0 / 4, 0, 1.0 / 4];
        double[] atLeast = [1, 3.0 / 4, 1.0 / 2, 1.0 / 4, 1.0 / 4];
        for (var t = 0; t <= 4; t++)
        {
            Approx.Equal(exactly[t], g.Distribution[t].Share, $"exactly {t}");
            Approx.Equal(atLeast[t], g.Distribution[t].AtLeast, $"at least {t}");
        }
    }

    [Fact]
    public void OverlapsOfTheExample()
    {
        var g = Unweighted();
        var pair = g.Overlap.Pairs.Single(p => p.A == "d2" && p.B == "d4");
        Approx.Equal(1.0 / 2, pair.Share); // persons 2 and 3
        Approx.Equal(1.0 / 4, g.Overlap.Pairs.Single(p => p.A == "d1" && p.B == "d3").Share);
        Assert.Equal(6, g.Overlap.Pairs.Count);
        // Exclusive cells: {d2,d4} (person 2), {d1..d4} (person 3), {d2} (person 4).
        Assert.Equal(3, g.Overlap.Combinations.Count);
        Approx.Equal(1.0 / 4, g.Overlap.Combinations.Single(c => c.Dimensions.SequenceEqual(["d2", "d4"])).Share);
        Approx.Equal(1.0 / 4, g.Overlap.Combinations.Single(c => c.Dimensions.SequenceEqual(Dims)).Share);
        Approx.Equal(1.0 / 4, g.Overlap.Combinations.Single(c => c.Dimensions.SequenceEqual(["d2"])).Share);
    }

    [Fact]
    public void TwoSubgroupsDecomposeM0AtK2()
    {
        var g = Unweighted();
        var values = g.Breakdowns["sub"];
        Assert.Equal(["A", "B"], values.Select(v => v.Value));
        var (a, b) = (values[0], values[1]);
        Assert.Equal(2, a.Children);
        Assert.Equal(2, b.Children);
        Approx.Equal(1.0 / 2, a.PopulationShare, "population share A");
        Approx.Equal(1.0 / 2, b.PopulationShare, "population share B");
        var ca = a.Cutoffs.AtK(2);
        var cb = b.Cutoffs.AtK(2);
        Approx.Equal(1.0 / 4, ca.M0, "M0 A");
        Approx.Equal(1.0 / 2, cb.M0, "M0 B");
        Approx.Equal(1.0 / 2, ca.H, "H A");
        Approx.Equal(1.0 / 2, cb.H, "H B");
        Approx.Equal(1.0 / 3, ca.Contribution!.Value, "contribution A");
        Approx.Equal(2.0 / 3, cb.Contribution!.Value, "contribution B");
        Approx.Equal(3.0 / 8, g.Cutoffs.AtK(2).M0, "overall M0");
    }

    [Fact]
    public void SubgroupContributionsAtK1()
    {
        var values = Unweighted().Breakdowns["sub"];
        // M0_A = (1/2)/2 = 1/4, M0_B = (1 + 1/4)/2 = 5/8, M0 = 7/16.
        Approx.Equal(1.0 / 4, values[0].Cutoffs.AtK(1).M0);
        Approx.Equal(5.0 / 8, values[1].Cutoffs.AtK(1).M0);
        Approx.Equal(2.0 / 7, values[0].Cutoffs.AtK(1).Contribution!.Value);
        Approx.Equal(5.0 / 7, values[1].Cutoffs.AtK(1).Contribution!.Value);
    }

    [Fact]
    public void GroupCutoffsCarryNoSubgroupContribution()
    {
        Assert.All(Unweighted().Cutoffs, c => Assert.Null(c.Contribution));
    }

    // Weights v = (1, 2, 3, 4), N = 10; scores c = (0, 1/2, 1, 1/4).
    [Theory]
    [InlineData(1, 9.0 / 10, 5.0 / 9, 1.0 / 2)]   // persons 2,3,4: Σv c = 1 + 3 + 1 = 5
    [InlineData(2, 5.0 / 10, 4.0 / 5, 4.0 / 10)]  // persons 2,3: Σv c = 1 + 3 = 4
    [InlineData(3, 3.0 / 10, 1.0, 3.0 / 10)]
    [InlineData(4, 3.0 / 10, 1.0, 3.0 / 10)]
    public void WeightedVariant(int k, double h, double a, double m0)
    {
        var g = Single(Analysis.Run(Data, Config("\"weight\": \"w\",")));
        Assert.Equal(10.0, g.Population);
        var c = g.Cutoffs.AtK(k);
        Approx.Equal(h, c.H, $"H(k={k})");
        Approx.Equal(a, c.A, $"A(k={k})");
        Approx.Equal(m0, c.M0, $"M0(k={k})");
    }

    [Fact]
    public void WeightedVariantRatesDistributionCensoredAndSubgroups()
    {
        var g = Single(Analysis.Run(Data, Config("\"weight\": \"w\",")));
        Approx.Equal(3.0 / 10, g.Rate("d1"));
        Approx.Equal(9.0 / 10, g.Rate("d2"));
        Approx.Equal(3.0 / 10, g.Rate("d3"));
        Approx.Equal(5.0 / 10, g.Rate("d4"));
        double[] exactly = [0.1, 0.4, 0.2, 0, 0.3];
        for (var t = 0; t <= 4; t++) Approx.Equal(exactly[t], g.Distribution[t].Share, $"exactly {t}");

        var c = g.Cutoffs.AtK(2);
        double[] censored = [0.3, 0.5, 0.3, 0.5];
        double[] contributions = [0.25 * 0.3 / 0.4, 0.25 * 0.5 / 0.4, 0.25 * 0.3 / 0.4, 0.25 * 0.5 / 0.4];
        for (var j = 0; j < 4; j++)
        {
            Approx.Equal(censored[j], c.Censored[Dims[j]], $"CH_{Dims[j]}");
            Approx.Equal(contributions[j], c.Contributions[Dims[j]], $"contribution {Dims[j]}");
        }

        // A: N = 3, person 2 (v = 2, c = 1/2) → M0 = 1/3; B: N = 7, person 3 (v = 3, c = 1) → M0 = 3/7.
        var values = g.Breakdowns["sub"];
        Approx.Equal(0.3, values[0].PopulationShare);
        Approx.Equal(0.7, values[1].PopulationShare);
        Approx.Equal(1.0 / 3, values[0].Cutoffs.AtK(2).M0);
        Approx.Equal(3.0 / 7, values[1].Cutoffs.AtK(2).M0);
        Approx.Equal(2.0 / 3, values[0].Cutoffs.AtK(2).H);
        Approx.Equal(0.25, values[0].Cutoffs.AtK(2).Contribution!.Value);
        Approx.Equal(0.75, values[1].Cutoffs.AtK(2).Contribution!.Value);
    }

    [Fact]
    public void ScalingTheWeightsChangesNothing()
    {
        var csv = Data.Replace(",A,1", ",A,10").Replace(",A,2", ",A,20").Replace(",B,3", ",B,30").Replace(",B,4", ",B,40");
        var g1 = Single(Analysis.Run(Data, Config("\"weight\": \"w\",")));
        var g10 = Single(Analysis.Run(csv, Config("\"weight\": \"w\",")));
        Assert.Equal(100.0, g10.Population);
        for (var k = 1; k <= 4; k++)
            Approx.Equal(g1.Cutoffs.AtK(k).M0.Value, g10.Cutoffs.AtK(k).M0, $"M0(k={k})");
    }

    // Dimension weights (0.4, 0.2, 0.2, 0.2): scores c = (0, 0.4, 1, 0.2).
    [Fact]
    public void UnequalDimensionWeightsWithCutoffShares()
    {
        var g = Single(Analysis.Run(Data, Config("\"cutoffShares\": [0.3, 0.5],", ["0.4", "0.2", "0.2", "0.2"])));
        var s3 = g.Cutoffs.AtShare(0.3);
        // Persons 2 (0.4) and 3 (1): H = 1/2, M0 = 1.4/4 = 0.35, A = 0.7.
        Approx.Equal(1.0 / 2, s3.H, "H(0.3)");
        Approx.Equal(0.35, s3.M0, "M0(0.3)");
        Approx.Equal(0.7, s3.A, "A(0.3)");
        double[] censored = [1.0 / 4, 1.0 / 2, 1.0 / 4, 1.0 / 2];
        double[] contributions = [0.4 * 0.25 / 0.35, 0.2 * 0.5 / 0.35, 0.2 * 0.25 / 0.35, 0.2 * 0.5 / 0.35];
        for (var j = 0; j < 4; j++)
        {
            Approx.Equal(censored[j], s3.Censored[Dims[j]], $"CH_{Dims[j]}");
            Approx.Equal(contributions[j], s3.Contributions[Dims[j]], $"contribution {Dims[j]}");
        }
        var s5 = g.Cutoffs.AtShare(0.5);
        Approx.Equal(1.0 / 4, s5.H, "H(0.5)");
        Approx.Equal(1.0, s5.A, "A(0.5)");
        Approx.Equal(1.0 / 4, s5.M0, "M0(0.5)");
        Assert.Equal(0.5, s5.Share);
    }

    [Fact]
    public void UnequalDimensionWeightsWithCountCutoffsUseKOverD()
    {
        // Weighted identification at count k is c_i ≥ k/d: at k = 1, person 4 (c = 0.2 < 0.25) is not poor.
        var g = Single(Analysis.Run(Data, Config("", ["0.4", "0.2", "0.2", "0.2"])));
        var k1 = g.Cutoffs.AtK(1);
        Approx.Equal(1.0 / 2, k1.H, "H(k=1)");
        Approx.Equal(0.35, k1.M0, "M0(k=1)");
        var k2 = g.Cutoffs.AtK(2);
        Approx.Equal(1.0 / 4, k2.H, "H(k=2)");
        Approx.Equal(1.0 / 4, k2.M0, "M0(k=2)");
        // Subgroups at share 1/4 (k = 1): A has person 2 (0.4)/2 = 0.2; B has person 3: 1/2.
        var values = g.Breakdowns["sub"];
        Approx.Equal(0.2, values[0].Cutoffs.AtK(1).M0);
        Approx.Equal(0.5, values[1].Cutoffs.AtK(1).M0);
        Approx.Equal(0.2 * 0.5 / 0.35, values[0].Cutoffs.AtK(1).Contribution!.Value);
    }

    [Fact]
    public void IdentificationToleratesFloatingSumsJustBelowTheShare()
    {
        // 0.7 + 0.1 == 0.7999999999999999 in binary floating point; person 3 (d1, d2, d3, d4) and a
        // person deprived in d1 and d2 only must both count as poor at share 0.8.
        const string csv = """
            person,x1,x2,x3,x4,sub,w
            1,13.1,14,4,1,A,1
            2,12,11,5,1,A,1
            3,12.5,10,1,0,B,1
            4,20,11,3,1,B,1
            """;
        var g = Single(Analysis.Run(csv, Config("\"cutoffShares\": [0.8],", ["0.7", "0.1", "0.1", "0.1"])));
        var c = g.Cutoffs.AtShare(0.8);
        Approx.Equal(1.0 / 2, c.H, "H(0.8)");
        // Person 2: c = 0.8, person 3: c = 1 → M0 = 1.8/4.
        Approx.Equal(0.45, c.M0, "M0(0.8)");
    }
}
