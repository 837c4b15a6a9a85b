using Moda.Configuration;

namespace Moda.Tests.Data;

/// <summary>Missing codes read from a file: global ones, per-indicator ones, numeric codes matched as numbers.</summary>
public class MissingCodeTests
{
    private static string Config(string top, string indicatorExtra = "") => $$"""
        { "k": 1, {{top}}
          "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": ">= 1"{{indicatorExtra}} } ] } ] }
        """;

    [Fact]
    public void DefaultCodesAreEmptyNAAndDot()
    {
        var g = Analysis.Run("x\n1\n\nNA\n.\n0\n", Config("")).AgeGroups.Single();
        // The blank line is skipped as an empty line, not read as a row.
        Assert.Equal(4, g.Children);
        Assert.Equal(2, g.Excluded);
        Approx.Equal(1.0 / 2, g.Rate("a"));
    }

    [Fact]
    public void EmptyFieldIsAlwaysMissing()
    {
        const string config = """
            { "k": 1, "missingValues": ["-9"],
              "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": ">= 1" } ] },
                              { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": ">= 1" } ] } ] }
            """;
        var g = Analysis.Run("x,y\n1,\n-9,1\n0,0\n", config).AgeGroups.Single();
        Assert.Equal(2, g.Excluded);
        Approx.Equal(1.0 / 2, g.Rate("a"));
        Approx.Equal(1.0 / 2, g.Rate("b"));
    }

    [Fact]
    public void ReplacingTheGlobalCodesDropsTheDefaults()
    {
        // With missingValues ["99"], "NA" is no longer a missing code: it is a bad number.
        var e = Assert.Throws<Moda.Data.ModaDataException>(() => Analysis.Run("x\n1\nNA\n", Config("\"missingValues\": [\"99\"],")));
        Assert.Equal(3, e.Line);
        Assert.Equal("x", e.Column);
    }

    [Fact]
    public void GlobalNumericCodeMatchesEveryWritingOfTheNumber()
    {
        var g = Analysis.Run("x\n99\n99.0\n99.00\n9.9e1\n990\n0\n", Config("\"missingValues\": [\"\", \"NA\", \"99\"],")).AgeGroups.Single();
        Assert.Equal(6, g.Children);
        Assert.Equal(4, g.Excluded);
        Approx.Equal(1.0 / 2, g.Rate("a")); // 990 (deprived) and 0
    }

    [Fact]
    public void GlobalCodeWrittenAsAJsonNumber()
    {
        var g = Analysis.Run("x\n98\n98.0\n1\n", Config("\"missingValues\": [\"\", 98],")).AgeGroups.Single();
        Assert.Equal(2, g.Excluded);
    }

    [Fact]
    public void GlobalTextCode()
    {
        var g = Analysis.Run("x\nDK\n1\n0\n", Config("\"missingValues\": [\"\", \"DK\"],")).AgeGroups.Single();
        Assert.Equal(1, g.Excluded);
        Approx.Equal(1.0 / 2, g.Rate("a"));
    }

    [Fact]
    public void PerIndicatorCodesAddToTheGlobalOnes()
    {
        var g = Analysis.Run("x\n9\n9.0\nNA\n1\n0\n", Config("", ", \"missingValues\": [\"9\"]")).AgeGroups.Single();
        Assert.Equal(3, g.Excluded);
        Approx.Equal(1.0 / 2, g.Rate("a"));
    }

    [Fact]
    public void PerIndicatorCodesApplyToThatIndicatorOnly()
    {
        // Two indicators read the same column; only the first treats 9 as "don't know".
        const string config = """
            { "k": 1,
              "dimensions": [
                { "name": "health", "indicators": [ { "name": "no_dpt3", "column": "dpt3", "deprivedIf": "== 0", "missingValues": ["9"] } ] },
                { "name": "other", "indicators": [ { "name": "dk", "column": "dpt3", "deprivedIf": "== 9" } ] } ] }
            """;
        var g = Analysis.Run("dpt3\n0\n1\n9\n9\n", config).AgeGroups.Single();
        Approx.Equal(1.0 / 2, g.IndicatorRate("no_dpt3"));
        Approx.Equal(2.0 / 4, g.IndicatorRate("dk"));
        Assert.Equal(2, g.Excluded);
    }

    [Fact]
    public void PerIndicatorTextCodeOnANumericColumn()
    {
        var g = Analysis.Run("x\n1\nDK\n0\n", Config("", ", \"missingValues\": [\"DK\"]")).AgeGroups.Single();
        Assert.Equal(1, g.Excluded);
        Approx.Equal(1.0 / 2, g.Rate("a"));
    }

    [Fact]
    public void PerIndicatorTextCodeOnACategoricalColumn()
    {
        const string config = """
            { "k": 1,
              "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "toilet", "deprivedIf": "in [\"none\", \"bucket\"]", "missingValues": ["dk"] } ] } ] }
            """;
        var g = Analysis.Run("toilet\nnone\nflush\ndk\nNA\nbucket\n", config).AgeGroups.Single();
        Assert.Equal(2, g.Excluded);
        Approx.Equal(2.0 / 3, g.Rate("a"));
    }

    [Fact]
    public void GlobalCodesDoNotApplyToDesignColumns()
    {
        // 99 is missing in rule columns but a real weight and a real stratum.
        const string config = """
            { "k": 1, "weight": "w", "strata": "s", "missingValues": ["", "NA", "99"],
              "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ] }
            """;
        var r = Analysis.Run("x,w,s\n1,99,99\n0,1,99\n99,5,1\n1,5,1\n", config);
        var g = r.AgeGroups.Single();
        Assert.Equal(110.0, g.Population);
        Assert.Equal(1, g.Excluded);
        Approx.Equal(104.0 / 105, g.Rate("a"));
        Assert.Equal(2, r.Design.Strata);
    }

    [Fact]
    public void MissingCodesApplyToAgeColumns()
    {
        const string config = """
            { "k": 1, "age": "age", "missingValues": ["", "99"],
              "ageGroups": [ { "name": "g", "min": 0, "max": 200 } ],
              "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ] }
            """;
        var r = Analysis.Run("x,age\n1,99\n0,98\n", config);
        Assert.Equal(1, r.Input.Unassigned);
        Assert.Equal(1, r.Group("g").Children);
    }

    [Fact]
    public void MissingCodesApplyToBreakdownColumns()
    {
        const string config = """
            { "k": 1, "groupBy": ["county"],
              "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ] }
            """;
        var g = Analysis.Run("x,county\n1,A\n0,NA\n1,\n", config).AgeGroups.Single();
        var values = g.Breakdowns["county"];
        Assert.Equal(2, values.Count);
        Assert.Equal(2, values.Single(v => v.Value == "(missing)").Children);
    }
}
