namespace Moda.Tests.Deprivation;

/// <summary>
/// Age-group assignment (inclusive bounds, completed years, months / 12 rounded down, missing age
/// unassigned) and indicators that apply to some age groups only.
/// </summary>
public class AgeGroupTests
{
    private static string Config(string unit = "years") => $$"""
        {
          "k": 1,
          "age": "age", "ageUnit": "{{unit}}",
          "ageGroups": [ { "name": "0-5", "min": 0, "max": 5 }, { "name": "6-17", "min": 6, "max": 17 } ],
          "dimensions": [ { "name": "d", "indicators": [ { "name": "d", "column": "d", "deprivedIf": "== 1" } ] } ]
        }
        """;

    private static string Csv(params string[] ages) =>
        "age,d\n" + string.Concat(ages.Select(a => $"{a},1\n"));

    [Fact]
    public void BoundsAreInclusiveInCompletedYears()
    {
        var r = Analysis.Run(Csv("0", "5", "5.9", "6", "17", "17.99", "18", "-1", "-0.5"), Config());
        Assert.Equal(3, r.Group("0-5").Children);   // 0, 5, 5.9
        Assert.Equal(3, r.Group("6-17").Children);  // 6, 17, 17.99
        Assert.Equal(6, r.Group("all").Children);
        Assert.Equal(9, r.Input.Rows);
        Assert.Equal(3, r.Input.Unassigned);        // 18, -1, -0.5
    }

    [Fact]
    public void MissingAgeIsUnassigned()
    {
        var r = Analysis.Run(Csv("3", "", "NA", ".", "10"), Config());
        Assert.Equal(1, r.Group("0-5").Children);
        Assert.Equal(1, r.Group("6-17").Children);
        Assert.Equal(3, r.Input.Unassigned);
        Assert.Equal(0, r.Group("all").Excluded);   // unassigned children are not "excluded"
    }

    [Fact]
    public void MonthsAreRoundedDownToCompletedYears()
    {
        var r = Analysis.Run(Csv("0", "11.9", "71", "71.99", "72", "215", "216", "-1"), Config("months"));
        Assert.Equal(4, r.Group("0-5").Children);   // 0, 11.9, 71, 71.99
        Assert.Equal(2, r.Group("6-17").Children);  // 72, 215
        Assert.Equal(2, r.Input.Unassigned);        // 216 (18 years), -1
    }

    [Fact]
    public void AgeGroupsWithAGap()
    {
        const string json = """
            {
              "k": 1,
              "age": "age",
              "ageGroups": [ { "name": "under2", "min": 0, "max": 1 }, { "name": "teen", "min": 13, "max": 17 } ],
              "dimensions": [ { "name": "d", "indicators": [ { "name": "d", "column": "d", "deprivedIf": "== 1" } ] } ]
            }
            """;
        var r = Analysis.Run(Csv("0", "1.5", "2", "12.9", "13"), json);
        Assert.Equal(2, r.Group("under2").Children);
        Assert.Equal(1, r.Group("teen").Children);
        Assert.Equal(2, r.Input.Unassigned);
    }

    [Fact]
    public void IndicatorAppliesOnlyToItsAgeGroups()
    {
        // Stunting for 0-5, school for 6-17, water for all. The 10-year-old has a stunting z-score
        // (deprived if it applied) and the 3-year-old a school value: both must be ignored.
        const string csv = """
            age,haz,school,water
            3,-3,0,0
            4,,,1
            10,-3,1,0
            12,,0,1
            """;
        const string json = """
            {
              "k": 1,
              "age": "age",
              "ageGroups": [ { "name": "0-5", "min": 0, "max": 5 }, { "name": "6-17", "min": 6, "max": 17 } ],
              "dimensions": [
                { "name": "nutrition", "indicators": [ { "name": "stunted", "column": "haz", "deprivedIf": "< -2", "ageGroups": ["0-5"] } ] },
                { "name": "education", "indicators": [ { "name": "no_school", "column": "school", "deprivedIf": "== 0", "ageGroups": ["6-17"] } ] },
                { "name": "water", "indicators": [ { "name": "unsafe", "column": "water", "deprivedIf": "== 1" } ] }
              ]
            }
            """;
        var r = Analysis.Run(csv, json);
        var young = r.Group("0-5");
        var old = r.Group("6-17");
        var all = r.Group("all");
        Assert.Equal(["nutrition", "water"], young.DimensionNames);
        Assert.Equal(["education", "water"], old.DimensionNames);
        Assert.Equal(["nutrition", "education", "water"], all.DimensionNames);
        Assert.Equal(["stunted", "unsafe"], young.Indicators.Select(i => i.Name));
        Assert.Equal(["no_school", "unsafe"], old.Indicators.Select(i => i.Name));

        Assert.Equal(1, young.Excluded);                 // the 4-year-old has no haz
        Assert.Equal(0, old.Excluded);                   // the 12-year-old's missing haz does not matter
        Approx.Equal(1.0, young.Rate("nutrition"));      // only the 3-year-old is observed
        Approx.Equal(1.0 / 2, old.Rate("education"));    // the 12-year-old
        Approx.Equal(1.0, all.Rate("nutrition"));        // the 10-year-old's haz is not read
        Approx.Equal(1.0 / 2, all.Rate("education"));    // the 3-year-old's school is not read
        Approx.Equal(1.0, all.IndicatorRate("stunted"));
        // Counts: 3-year-old 1 of 2; 10-year-old 0 of 2; 12-year-old 2 of 2.
        Approx.Equal(1.0, young.Cutoffs.AtK(1).H);          // over the complete 3-year-old only
        Approx.Equal(1.0 / 2, old.Cutoffs.AtK(2).H);
        Approx.Equal(2.0 / 3, all.Cutoffs.AtK(1).H);
        Assert.Equal(1, all.Excluded);
    }
}
