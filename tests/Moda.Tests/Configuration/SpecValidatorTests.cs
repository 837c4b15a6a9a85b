using Moda.Configuration;
using static Moda.Tests.Configuration.SpecReaderTests;

namespace Moda.Tests.Configuration;

/// <summary>Checks of a read configuration, each error naming its key path.</summary>
public class SpecValidatorTests
{
    private static string Indicator(string name, string column = "x", string extra = "") =>
        $$"""{ "name": "{{name}}", "column": "{{column}}", "deprivedIf": "== 1"{{extra}} }""";

    private static string Dim(string name, params string[] indicators) =>
        $$"""{ "name": "{{name}}", "indicators": [ {{string.Join(", ", indicators)}} ] }""";

    private static string Dims(params string[] dims) => $"[ {string.Join(", ", dims)} ]";

    private const string TwoGroups = """
        "age": "age", "ageGroups": [ { "name": "0-5", "min": 0, "max": 5 }, { "name": "6-17", "min": 6, "max": 17 } ],
        """;

    [Fact]
    public void EmptyDimensions() => Assert.Equal("dimensions", Fails(Json(dims: "[]")).KeyPath);

    [Fact]
    public void TooManyDimensions()
    {
        var dims = Dims(Enumerable.Range(0, 33).Select(i => Dim($"d{i}", Indicator($"i{i}"))).ToArray());
        var e = Fails(Json("\"k\": 1,", dims));
        Assert.Equal("dimensions", e.KeyPath);
        Assert.Contains("32", e.Reason, StringComparison.Ordinal);
        // 32 is allowed.
        SpecReader.Read(Json("\"k\": 1,", Dims(Enumerable.Range(0, 32).Select(i => Dim($"d{i}", Indicator($"i{i}"))).ToArray())));
    }

    [Fact]
    public void AgeGroupNamedAll() =>
        Assert.Equal("ageGroups[0].name", Fails(Json("\"age\": \"age\", \"ageGroups\": [ { \"name\": \"all\", \"min\": 0, \"max\": 17 } ],")).KeyPath);

    [Fact]
    public void DuplicateAgeGroupNames() =>
        Assert.Equal("ageGroups[1].name", Fails(Json("\"age\": \"age\", \"ageGroups\": [ { \"name\": \"g\", \"min\": 0, \"max\": 5 }, { \"name\": \"g\", \"min\": 6, \"max\": 9 } ],")).KeyPath);

    [Fact]
    public void NegativeAgeBound() =>
        Assert.Equal("ageGroups[0].min", Fails(Json("\"age\": \"age\", \"ageGroups\": [ { \"name\": \"g\", \"min\": -1, \"max\": 5 } ],")).KeyPath);

    [Fact]
    public void MaxBelowMin() =>
        Assert.Equal("ageGroups[0].max", Fails(Json("\"age\": \"age\", \"ageGroups\": [ { \"name\": \"g\", \"min\": 6, \"max\": 5 } ],")).KeyPath);

    [Theory]
    [InlineData(0, 5, 3, 10)]
    [InlineData(0, 5, 5, 10)]     // bounds are inclusive: age 5 would be in both
    [InlineData(6, 17, 0, 6)]
    [InlineData(0, 17, 4, 6)]     // nested
    public void OverlappingAgeGroups(double min0, double max0, double min1, double max1)
    {
        var top = $$"""
            "age": "age", "ageGroups": [ { "name": "a", "min": {{min0}}, "max": {{max0}} }, { "name": "b", "min": {{min1}}, "max": {{max1}} } ],
            """;
        var e = Fails(Json(top));
        Assert.Equal("ageGroups[1]", e.KeyPath);
        Assert.Contains("ageGroups[0]", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AdjacentAgeGroupsDoNotOverlap() =>
        Assert.Equal(2, SpecReader.Read(Json(TwoGroups)).AgeGroups.Count);

    [Fact]
    public void AgeGroupsNeedAnAgeColumn() =>
        Assert.Equal("age", Fails(Json("\"ageGroups\": [ { \"name\": \"g\", \"min\": 0, \"max\": 5 } ],")).KeyPath);

    [Fact]
    public void PartialDimensionWeights()
    {
        var dims = """
            [ { "name": "a", "weight": 0.5, "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
              { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] },
              { "name": "c", "weight": 0.5, "indicators": [ { "name": "ic", "column": "z", "deprivedIf": "== 1" } ] } ]
            """;
        var e = Fails(Json(dims: dims));
        Assert.Equal("dimensions[1].weight", e.KeyPath);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    public void NonPositiveDimensionWeight(string w)
    {
        var dims = $$"""
            [ { "name": "a", "weight": {{w}}, "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
              { "name": "b", "weight": 0.5, "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] },
              { "name": "c", "weight": 0.5, "indicators": [ { "name": "ic", "column": "z", "deprivedIf": "== 1" } ] } ]
            """;
        Assert.Equal("dimensions[0].weight", Fails(Json(dims: dims)).KeyPath);
    }

    [Fact]
    public void DuplicateDimensionNames() =>
        Assert.Equal("dimensions[2].name", Fails(Json(dims: Dims(Dim("a", Indicator("i1")), Dim("b", Indicator("i2")), Dim("a", Indicator("i3"))))).KeyPath);

    [Fact]
    public void EmptyIndicatorList() =>
        Assert.Equal("dimensions[1].indicators", Fails(Json(dims: Dims(Dim("a", Indicator("i1")), Dim("b"), Dim("c", Indicator("i3"))))).KeyPath);

    [Fact]
    public void DuplicateIndicatorNamesAcrossDimensions()
    {
        var e = Fails(Json(dims: Dims(Dim("a", Indicator("i1")), Dim("b", Indicator("i2"), Indicator("i1", "y")), Dim("c", Indicator("i3")))));
        Assert.Equal("dimensions[1].indicators[1].name", e.KeyPath);
    }

    [Theory]
    [InlineData("""{ "name": "i", "column": "x", "deprivedIf": "== 1", "expr": "x == 1" }""", "dimensions[0].indicators[0]")]
    [InlineData("""{ "name": "i", "column": "x" }""", "dimensions[0].indicators[0]")]
    [InlineData("""{ "name": "i", "deprivedIf": "== 1" }""", "dimensions[0].indicators[0].column")]
    [InlineData("""{ "name": "i", "column": " ", "deprivedIf": "== 1" }""", "dimensions[0].indicators[0].column")]
    [InlineData("""{ "name": "i", "column": "x", "expr": "x == 1" , "deprivedIf": null }""", "dimensions[0].indicators[0].column")]
    [InlineData("""{ "name": "i", "column": "x", "deprivedIf": "=> 1" }""", "dimensions[0].indicators[0].deprivedIf")]
    [InlineData("""{ "name": "i", "expr": "x = = 1" }""", "dimensions[0].indicators[0].expr")]
    public void IndicatorRuleShape(string indicator, string key)
    {
        Assert.Equal(key, Fails(Json("\"k\": 1,", Dims(Dim("a", indicator)))).KeyPath);
    }

    [Fact]
    public void IndicatorNamesAnUndefinedAgeGroup()
    {
        var dims = Dims(Dim("a", Indicator("i1", extra: ", \"ageGroups\": [\"0-5\", \"6-14\"]")), Dim("b", Indicator("i2")), Dim("c", Indicator("i3")));
        var e = Fails(Json(TwoGroups, dims));
        Assert.Equal("dimensions[0].indicators[0].ageGroups[1]", e.KeyPath);
        Assert.Contains("'6-14'", e.Reason, StringComparison.Ordinal);
        Assert.Contains("0-5, 6-17", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IndicatorNamesAnAgeGroupButNoneAreDefined()
    {
        var dims = Dims(Dim("a", Indicator("i1", extra: ", \"ageGroups\": [\"0-5\"]")), Dim("b", Indicator("i2")), Dim("c", Indicator("i3")));
        var e = Fails(Json(dims: dims));
        Assert.Equal("dimensions[0].indicators[0].ageGroups[0]", e.KeyPath);
        Assert.Contains("no ageGroups are defined", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IndicatorWithEmptyAgeGroupList()
    {
        var dims = Dims(Dim("a", Indicator("i1", extra: ", \"ageGroups\": []")), Dim("b", Indicator("i2")), Dim("c", Indicator("i3")));
        Assert.Equal("dimensions[0].indicators[0].ageGroups", Fails(Json(TwoGroups, dims)).KeyPath);
    }

    [Fact]
    public void AgeGroupThatNoIndicatorAppliesTo()
    {
        var only = ", \"ageGroups\": [\"0-5\"]";
        var dims = Dims(Dim("a", Indicator("i1", extra: only)), Dim("b", Indicator("i2", extra: only)), Dim("c", Indicator("i3", extra: only)));
        var e = Fails(Json(TwoGroups, dims));
        Assert.Equal("ageGroups[1]", e.KeyPath);
        Assert.Contains("'6-17'", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"groupBy\": [\"county\", \"sex\", \"county\"],", "groupBy[2]")]
    [InlineData("\"groupBy\": [\"\"],", "groupBy[0]")]
    [InlineData("\"monetary\": { \"column\": \"income\", \"deprivedIf\": \"less than 2300\" },", "monetary.deprivedIf")]
    [InlineData("\"cutoffs\": [],", "cutoffs")]
    [InlineData("\"cutoffs\": [0],", "cutoffs[0]")]
    [InlineData("\"cutoffs\": [1, 4],", "cutoffs[1]")]
    [InlineData("\"cutoffs\": [-1],", "cutoffs[0]")]
    [InlineData("\"cutoffs\": [2, 3, 2],", "cutoffs[2]")]
    [InlineData("\"cutoffShares\": [0],", "cutoffShares[0]")]
    [InlineData("\"cutoffShares\": [0.5, 1.01],", "cutoffShares[1]")]
    [InlineData("\"cutoffShares\": [-0.2],", "cutoffShares[0]")]
    [InlineData("\"k\": 0,", "k")]
    [InlineData("\"k\": 4,", "k")]
    [InlineData("\"confidenceLevel\": 1,", "confidenceLevel")]
    [InlineData("\"confidenceLevel\": 95,", "confidenceLevel")]
    [InlineData("\"replicates\": 1,", "replicates")]
    [InlineData("\"variance\": \"bootstrap\", \"fpc\": \"npsu\",", "fpc")]
    [InlineData("\"weight\": \"\",", "weight")]
    [InlineData("\"strata\": \" \",", "strata")]
    [InlineData("\"cluster\": \"\",", "cluster")]
    public void TopLevelValues(string top, string key)
    {
        Assert.Equal(key, Fails(Json(top)).KeyPath);
    }

    [Fact]
    public void CutoffsAndSharesInRangeAreAccepted()
    {
        var s = SpecReader.Read(Json("\"cutoffs\": [3, 1], \"cutoffShares\": [1, 0.01], \"k\": 1,"));
        Assert.Equal([3, 1], s.Cutoffs!);
    }

    [Fact]
    public void ValidateRunsOnSpecsBuiltInCode()
    {
        var spec = new ModaSpec
        {
            Dimensions = [new DimensionSpec { Name = "a", Indicators = [new IndicatorSpec { Name = "i", Column = "x", DeprivedIf = "== 1" }] }],
            K = 1,
            CutoffShares = [1.5],
        };
        var e = Assert.Throws<ModaConfigurationException>(() => SpecValidator.Validate(spec));
        Assert.Equal("cutoffShares[0]", e.KeyPath);
        Assert.Null(e.File);
    }
}
