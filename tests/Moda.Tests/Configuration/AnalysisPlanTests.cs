using Moda.Configuration;
using Moda.Deprivation;

namespace Moda.Tests.Configuration;

/// <summary>A configuration resolved against the data's columns: absent columns name the key and list what is there.</summary>
public class AnalysisPlanTests
{
    private const string Csv = """
        id,x,y,z,w,s,p,age,county
        1,1,0,1,2,A,1,4,north
        2,0,1,1,1,A,2,10,south
        """;

    private const string Columns = "id, x, y, z, w, s, p, age, county";

    private static ModaConfigurationException Absent(string top, string? dims = null, AnalysisOptions? options = null)
    {
        var json = dims is null ? SpecReaderTests.Json(top) : SpecReaderTests.Json(top, dims);
        var e = Assert.Throws<ModaConfigurationException>(() => Analysis.Run(Csv, json, options));
        Assert.Contains($"'{e.KeyPath}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(Columns, e.Reason, StringComparison.Ordinal);
        Assert.Contains("data.csv", e.Reason, StringComparison.Ordinal);
        return e;
    }

    [Theory]
    [InlineData("\"weight\": \"hh_weight\",", "weight", "hh_weight")]
    [InlineData("\"strata\": \"stratum\",", "strata", "stratum")]
    [InlineData("\"cluster\": \"psu\",", "cluster", "psu")]
    [InlineData("\"fpc\": \"npsu\",", "fpc", "npsu")]
    [InlineData("\"age\": \"age_years\", \"ageGroups\": [ { \"name\": \"g\", \"min\": 0, \"max\": 17 } ],", "age", "age_years")]
    [InlineData("\"groupBy\": [\"county\", \"region\"],", "groupBy[1]", "region")]
    [InlineData("\"monetary\": { \"column\": \"income_pc\", \"deprivedIf\": \"< 2300\" },", "monetary.column", "income_pc")]
    public void AbsentColumnNamesTheKeyAndListsTheColumns(string top, string key, string column)
    {
        var e = Absent(top);
        Assert.Equal(key, e.KeyPath);
        Assert.Contains($"'{column}'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentIndicatorColumn()
    {
        var dims = """
            [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
              { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" },
                                             { "name": "ib2", "column": "haz", "deprivedIf": "< -2" } ] },
              { "name": "c", "indicators": [ { "name": "ic", "column": "z", "deprivedIf": "== 1" } ] } ]
            """;
        var e = Absent("", dims);
        Assert.Equal("dimensions[1].indicators[1].column", e.KeyPath);
        Assert.Contains("'haz'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentExprColumn()
    {
        var dims = """
            [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
              { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] },
              { "name": "c", "indicators": [ { "name": "ic", "expr": "x / rooms > 3" } ] } ]
            """;
        var e = Absent("", dims);
        Assert.Equal("dimensions[2].indicators[0].expr", e.KeyPath);
        Assert.Contains("'rooms'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentByColumn()
    {
        var e = Absent("", options: new AnalysisOptions { GroupBy = ["district"] });
        Assert.Equal("--by", e.KeyPath);
        Assert.Contains("'district'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnNamesAreCaseSensitive()
    {
        var e = Absent("\"weight\": \"W\",");
        Assert.Equal("weight", e.KeyPath);
    }

    [Fact]
    public void AtMostFourBreakdowns()
    {
        var e = Assert.Throws<ModaConfigurationException>(() =>
            Analysis.Run(Csv, SpecReaderTests.Json("\"groupBy\": [\"county\", \"s\", \"p\", \"id\", \"age\"],")));
        Assert.Equal("groupBy", e.KeyPath);
    }

    [Fact]
    public void KFromOptionsIsValidated()
    {
        var e = Assert.Throws<ModaConfigurationException>(() =>
            Analysis.Run(Csv, SpecReaderTests.Json(), new AnalysisOptions { K = 4 }));
        Assert.Equal("k", e.KeyPath);
    }

    [Fact]
    public void ByBreakdownsAreAddedToTheConfiguredOnes()
    {
        var r = Analysis.Run(Csv, SpecReaderTests.Json("\"groupBy\": [\"county\"],"), new AnalysisOptions { GroupBy = ["s", "county"] });
        Assert.Equal(["county", "s"], r.AgeGroups.Single().Breakdowns.Keys.Order());
    }

    [Fact]
    public void StatedWeightsAreUsedAsGivenWhereAllDimensionsApplyAndRescaledElsewhere()
    {
        var spec = SpecReader.Read("""
            {
              "age": "age", "k": 1,
              "ageGroups": [ { "name": "young", "min": 0, "max": 5 }, { "name": "old", "min": 6, "max": 17 } ],
              "dimensions": [
                { "name": "a", "weight": 0.5, "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
                { "name": "b", "weight": 0.25, "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1", "ageGroups": ["old"] } ] },
                { "name": "c", "weight": 0.25, "indicators": [ { "name": "ic", "column": "z", "deprivedIf": "== 1" } ] } ]
            }
            """);
        var plan = AnalysisPlan.Create(spec, ["x", "y", "z", "age"]);
        Assert.Equal([0.5, 0.25, 0.25], plan.Groups[1].Weights);
        Assert.Equal(2.0 / 3, plan.Groups[0].Weights[0], 15);
        Assert.Equal(0.0, plan.Groups[0].Weights[1]);
        Assert.Equal(1.0 / 3, plan.Groups[0].Weights[2], 15);
        Assert.Equal(0b101u, plan.Groups[0].DimensionMask);
        Assert.Equal(0b111u, plan.Groups[1].DimensionMask);
    }

    [Fact]
    public void EqualWeightsPerGroupWithoutStatedWeights()
    {
        var spec = SpecReader.Read(SpecReaderTests.Json());
        var plan = AnalysisPlan.Create(spec, ["x", "y", "z"]);
        var g = Assert.Single(plan.Groups);
        Assert.Equal("all", g.Name);
        Assert.All(g.Weights, w => Assert.Equal(1.0 / 3, w, 15));
        Assert.False(plan.HasAgeGroups);
    }
}
