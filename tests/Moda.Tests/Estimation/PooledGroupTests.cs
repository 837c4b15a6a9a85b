using Moda.Results;

namespace Moda.Tests.Estimation;

/// <summary>
/// The pooled group <c>all</c> when age groups have different dimension sets: d1, d2 for the young
/// (0-5), d2, d3, d4 for the old (6-17). Each child is counted over its own group's dimensions,
/// c_i = s_i / d_g(i), and the pooled share threshold is null.
/// </summary>
public class PooledGroupTests
{
    // Non-applicable cells are left empty on purpose: they must not make a child excluded.
    private const string Data = """
        id,age,d1,d2,d3,d4
        y1,1,1,1,,
        y2,3,0,1,,
        y3,5,0,0,,
        o1,7,,1,1,1
        o2,9,,1,0,0
        o3,12,,0,1,1
        o4,17,,0,0,0
        """;

    private const string Config = """
        {
          "age": "age",
          "ageGroups": [ { "name": "young", "min": 0, "max": 5 }, { "name": "old", "min": 6, "max": 17 } ],
          "dimensions": [
            { "name": "d1", "indicators": [ { "name": "i1", "column": "d1", "deprivedIf": "== 1", "ageGroups": ["young"] } ] },
            { "name": "d2", "indicators": [ { "name": "i2", "column": "d2", "deprivedIf": "== 1" } ] },
            { "name": "d3", "indicators": [ { "name": "i3", "column": "d3", "deprivedIf": "== 1", "ageGroups": ["old"] } ] },
            { "name": "d4", "indicators": [ { "name": "i4", "column": "d4", "deprivedIf": "== 1", "ageGroups": ["old"] } ] }
          ]
        }
        """;

    private static ModaResults Results() => Analysis.Run(Data, Config);

    [Fact]
    public void GroupsAreReportedInOrderThenAll()
    {
        var r = Results();
        Assert.Equal(["young", "old", "all"], r.AgeGroups.Select(g => g.Name));
        Assert.Equal(["d1", "d2"], r.Group("young").DimensionNames);
        Assert.Equal(["d2", "d3", "d4"], r.Group("old").DimensionNames);
        Assert.Equal(["d1", "d2", "d3", "d4"], r.Group("all").DimensionNames);
        Assert.Equal(3, r.Group("young").Children);
        Assert.Equal(4, r.Group("old").Children);
        Assert.Equal(7, r.Group("all").Children);
        Assert.All(r.AgeGroups, g => Assert.Equal(0, g.Excluded));
    }

    [Theory]
    [InlineData(1, 5.0 / 7, 0.7, 1.0 / 2)]        // y1 (1), y2 (1/2), o1 (1), o2 (1/3), o3 (2/3): Σc = 3.5
    [InlineData(2, 3.0 / 7, 8.0 / 9, 8.0 / 21)]   // y1 (1), o1 (1), o3 (2/3): Σc = 8/3
    [InlineData(3, 1.0 / 7, 1.0, 1.0 / 7)]        // o1 only: no young child has 3 dimensions
    public void PooledHAndAAndM0(int k, double h, double a, double m0)
    {
        var c = Results().Group("all").Cutoffs.AtK(k);
        Approx.Equal(h, c.H, $"H(k={k})");
        Approx.Equal(a, c.A, $"A(k={k})");
        Approx.Equal(m0, c.M0, $"M0(k={k})");
        Assert.Null(c.Share);
    }

    [Fact]
    public void PooledCutoffsRunToTheLargestGroupD()
    {
        var r = Results();
        Assert.Equal([1, 2, 3], r.Group("all").Cutoffs.Select(c => c.K));
        Assert.Equal([1, 2], r.Group("young").Cutoffs.Select(c => c.K));
        Assert.Equal([1, 2, 3], r.Group("old").Cutoffs.Select(c => c.K));
        Assert.Equal([0.5, 1.0], r.Group("young").Cutoffs.Select(c => c.Share!.Value));
        Assert.Equal(2.0 / 3, r.Group("old").Cutoffs.AtK(2).Share!.Value, 15);
    }

    [Fact]
    public void PooledCensoredHeadcountsAndContributionsAtK2()
    {
        var c = Results().Group("all").Cutoffs.AtK(2);
        Approx.Equal(1.0 / 7, c.Censored["d1"], "CH_d1"); // y1
        Approx.Equal(2.0 / 7, c.Censored["d2"], "CH_d2"); // y1, o1
        Approx.Equal(2.0 / 7, c.Censored["d3"], "CH_d3"); // o1, o3
        Approx.Equal(2.0 / 7, c.Censored["d4"], "CH_d4"); // o1, o3
        // Each child's dimension weights are its own group's (1/2 young, 1/3 old); Σ intensity = 8/3.
        Approx.Equal(3.0 / 16, c.Contributions["d1"], "contribution d1");
        Approx.Equal(5.0 / 16, c.Contributions["d2"], "contribution d2");
        Approx.Equal(1.0 / 4, c.Contributions["d3"], "contribution d3");
        Approx.Equal(1.0 / 4, c.Contributions["d4"], "contribution d4");
    }

    [Fact]
    public void PooledDistributionAndRates()
    {
        var all = Results().Group("all");
        Assert.Equal([0, 1, 2, 3], all.Distribution.Select(d => d.Count));
        double[] exactly = [2.0 / 7, 2.0 / 7, 2.0 / 7, 1.0 / 7];
        for (var t = 0; t <= 3; t++) Approx.Equal(exactly[t], all.Distribution[t].Share, $"exactly {t}");
        // A dimension's rate is over the children for whom it is observed (its age groups only).
        Approx.Equal(1.0 / 3, all.Rate("d1"), "d1 over the young");
        Approx.Equal(4.0 / 7, all.Rate("d2"), "d2 over everyone"); // y1, y2, o1, o2
        Approx.Equal(2.0 / 4, all.Rate("d3"), "d3 over the old");
    }

    [Fact]
    public void EachAgeGroupOnItsOwn()
    {
        var r = Results();
        var young = r.Group("young").Cutoffs.AtK(2);
        Approx.Equal(1.0 / 3, young.H);
        Approx.Equal(1.0 / 3, young.M0);
        var old = r.Group("old").Cutoffs.AtK(1);
        Approx.Equal(3.0 / 4, old.H);
        Approx.Equal(1.0 / 2, old.M0); // (1 + 1/3 + 2/3) / 4
        Approx.Equal(2.0 / 3, old.A);
        // Subgroup decomposition by age group: M0_all = Σ (N_g/N) M0_g at k = 1.
        var m0Young = r.Group("young").Cutoffs.AtK(1).M0.Value; // (1 + 1/2) / 3
        Approx.Equal(1.0 / 2, m0Young);
        Approx.Equal(3.0 / 7 * m0Young + 4.0 / 7 * old.M0.Value, r.Group("all").Cutoffs.AtK(1).M0);
    }
}
