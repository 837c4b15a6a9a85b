using Moda.Configuration;

namespace Moda.Tests.Configuration;

/// <summary>Reading <c>moda.json</c>: what is accepted, and every reading error naming its key path.</summary>
public class SpecReaderTests
{
    internal const string ThreeDimensions = """
        [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
          { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] },
          { "name": "c", "indicators": [ { "name": "ic", "column": "z", "deprivedIf": "== 1" } ] } ]
        """;

    internal static string Json(string top = "", string dims = ThreeDimensions) => $$"""{ {{top}} "dimensions": {{dims}} }""";

    internal static ModaConfigurationException Fails(string json)
    {
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read(json));
        Assert.Contains($"'{e.KeyPath}'", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void CommentsAndTrailingCommasAreAccepted()
    {
        const string json = """
            // a line comment before everything
            {
              /* a block
                 comment */
              "name": "test", // trailing line comment
              "groupBy": ["county", "sex",],
              "dimensions": [
                { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1", }, ], },
                { "name": "b // not a comment inside a string", "indicators": [ { "name": "ib", "expr": "y > 1" } ] },
              ],
              "k": 2,
            }
            """;
        var spec = SpecReader.Read(json);
        Assert.Equal("test", spec.Name);
        Assert.Equal(["county", "sex"], spec.GroupBy);
        Assert.Equal(2, spec.Dimensions.Count);
        Assert.Equal("b // not a comment inside a string", spec.Dimensions[1].Name);
        Assert.Equal(2, spec.K);
    }

    [Fact]
    public void EveryKeyOfTheContractIsRead()
    {
        const string json = """
            {
              "name": "Hubei", "weight": "hh_weight", "strata": "stratum", "cluster": "psu",
              "age": "age_m", "ageUnit": "months",
              "ageGroups": [ { "name": "0-5", "min": 0, "max": 5 }, { "name": "6-17", "min": 6, "max": 17 } ],
              "missingValues": ["", "NA", 99],
              "missingRule": "strict",
              "dimensions": [
                { "name": "nutrition", "weight": 0.5, "indicators": [
                    { "name": "stunted", "column": "haz", "deprivedIf": "< -2", "ageGroups": ["0-5"], "missingValues": ["9", 98] } ] },
                { "name": "housing", "weight": 0.5, "indicators": [ { "name": "crowded", "expr": "members / rooms > 3" } ] } ],
              "groupBy": ["county"],
              "monetary": { "column": "income_pc", "deprivedIf": "< 2300" },
              "cutoffs": [1, 2], "cutoffShares": [0.5], "k": 2,
              "lonelyPsu": "adjust", "fpc": "npsu", "ci": "t", "confidenceLevel": 0.9, "variance": "linearization",
              "replicates": 200, "seed": 7
            }
            """;
        var s = SpecReader.Read(json);
        Assert.Equal(("hh_weight", "stratum", "psu", "age_m"), (s.Weight, s.Strata, s.Cluster, s.Age));
        Assert.Equal(AgeUnit.Months, s.AgeUnit);
        Assert.Equal([new AgeGroupSpec("0-5", 0, 5), new AgeGroupSpec("6-17", 6, 17)], s.AgeGroups);
        Assert.Equal(["", "NA", "99"], s.MissingValues);
        Assert.Equal(MissingRule.Strict, s.MissingRule);
        Assert.Equal(0.5, s.Dimensions[0].Weight);
        var stunted = s.Dimensions[0].Indicators[0];
        Assert.Equal(("stunted", "haz", "< -2"), (stunted.Name, stunted.Column, stunted.DeprivedIf));
        Assert.Equal(["0-5"], stunted.AgeGroups!);
        Assert.Equal(["9", "98"], stunted.MissingValues);
        Assert.Null(s.Dimensions[1].Indicators[0].AgeGroups);
        Assert.Equal("members / rooms > 3", s.Dimensions[1].Indicators[0].Expr);
        Assert.Equal(new MonetarySpec("income_pc", "< 2300"), s.Monetary);
        Assert.Equal([1, 2], s.Cutoffs!);
        Assert.Equal([0.5], s.CutoffShares);
        Assert.Equal(2, s.K);
        Assert.Equal(LonelyPsuRule.Centered, s.Variance.LonelyPsu);
        Assert.Equal("npsu", s.Variance.Fpc);
        Assert.Equal(IntervalKind.T, s.Variance.Interval);
        Assert.Equal(0.9, s.Variance.Level);
        Assert.Equal(200, s.Variance.Replicates);
        Assert.Equal(7UL, s.Variance.Seed);
    }

    [Fact]
    public void DefaultsWhenKeysAreAbsent()
    {
        var s = SpecReader.Read(Json());
        Assert.Null(s.Weight);
        Assert.Empty(s.AgeGroups);
        Assert.Equal(["", "NA", "."], s.MissingValues);
        Assert.Equal(MissingRule.Union, s.MissingRule);
        Assert.Equal(AgeUnit.Years, s.AgeUnit);
        Assert.Null(s.Cutoffs);
        Assert.Empty(s.CutoffShares);
        Assert.Equal(3, s.K);
        Assert.Equal(VarianceMethod.Linearization, s.Variance.Method);
        Assert.Equal(LonelyPsuRule.Fail, s.Variance.LonelyPsu);
        Assert.False(s.IsDefaultProfile);
    }

    [Fact]
    public void ConfigurationWithFewerThanThreeDimensionsAndNoKIsAccepted()
    {
        var one = SpecReader.Read(Json(dims: """[ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ]"""));
        Assert.Single(one.Dimensions);
        var two = SpecReader.Read(Json(dims: """
            [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
              { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] } ]
            """));
        Assert.Equal(2, two.Dimensions.Count);
    }

    [Fact]
    public void NotJsonNamesTheLine()
    {
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read("{\n  \"name\": \"x\"\n  \"k\": 3\n}"));
        Assert.Equal("", e.KeyPath);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    // Found by fuzzing: with a quote mark lost, System.Text.Json quoted the rest of the file in its
    // message (many lines) and appended its own 0-based position.
    [Fact]
    public void NotJsonAfterALostQuoteIsOneShortLine()
    {
        var rest = string.Concat(Enumerable.Repeat("\n    { \"name\": \"b\", \"column\": \"y\" },", 30));
        var text = "{\n  \"name\": \"x\",\n  \"dimensions\": [\n    name\": \"a\" }," + rest + "\n  ]\n}";
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read(text));
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON at line 4", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 200, e.Message);
    }

    [Fact]
    public void AValueQuotedInAnErrorKeepsItToOneLine()
    {
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read(Json(dims: """
            [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "==\n\n1 and" } ] } ]
            """)));
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\n', e.Reason);
        Assert.Contains("dimensions[0].indicators[0].deprivedIf", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'n' is an invalid start of a value. LineNumber: 3 | BytePositionInLine: 4.", "'n' is an invalid start of a value.")]
    [InlineData("'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\nmore' is an invalid JSON literal. Expected the literal 'null'. LineNumber: 54",
                "'abcdefghijklmnopqrstuvwxyzabcdefghijklmn...' is an invalid JSON literal. Expected the literal 'null'.")]
    [InlineData("Expected depth to be zero at the end of the JSON payload. Path: $ | LineNumber: 9", "Expected depth to be zero at the end of the JSON payload.")]
    public void JsonReasonDropsThePositionAndLongQuotes(string message, string expected) =>
        Assert.Equal(expected, SpecReader.JsonReason(message));

    [Fact]
    public void RootMustBeAnObject()
    {
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read("[1, 2]"));
        Assert.Equal("", e.KeyPath);
        Assert.Contains("must be an object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileIsNamedInTheMessage()
    {
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.Read(Json("\"k\": 0,"), "my/moda.json"));
        Assert.Equal("my/moda.json", e.File);
        Assert.Equal("k", e.KeyPath);
        Assert.StartsWith("my/moda.json: 'k': ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("absent.json");
        var e = Assert.Throws<ModaConfigurationException>(() => SpecReader.ReadFile(path));
        Assert.Equal(path, e.File);
        Assert.Equal("", e.KeyPath);
    }

    [Fact]
    public void ReadFileReadsAFile()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("moda.json", Json("\"name\": \"from file\","));
        Assert.Equal("from file", SpecReader.ReadFile(path).Name);
    }

    [Fact]
    public void DimensionsAreRequired()
    {
        var e = Fails("""{ "name": "x" }""");
        Assert.Equal("dimensions", e.KeyPath);
        Assert.Contains("required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTopLevelKeyListsTheKnownKeys()
    {
        var e = Fails(Json("\"weights\": \"w\","));
        Assert.Equal("weights", e.KeyPath);
        Assert.Contains("not a known key", e.Message, StringComparison.Ordinal);
        Assert.Contains("weight", e.Reason, StringComparison.Ordinal);
        Assert.Contains("dimensions", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNestedKey()
    {
        var e = Fails(Json(dims: """[ { "name": "a", "indicators": [ { "name": "ia", "colum": "x", "deprivedIf": "== 1" } ] } ]"""));
        Assert.Equal("dimensions[0].indicators[0].colum", e.KeyPath);
        Assert.Contains("column", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyWrittenTwice()
    {
        Assert.Equal("k", Fails(Json("\"k\": 2, \"k\": 3,")).KeyPath);
    }

    [Theory]
    [InlineData("\"missingRule\": \"any\",", "missingRule")]
    [InlineData("\"ageUnit\": \"days\",", "ageUnit")]
    [InlineData("\"lonelyPsu\": \"drop\",", "lonelyPsu")]
    [InlineData("\"variance\": \"jackknife\",", "variance")]
    [InlineData("\"ci\": \"wilson\",", "ci")]
    [InlineData("\"missingRule\": \"Union\",", "missingRule")]
    public void BadEnumValueListsTheAllowedOnes(string top, string key)
    {
        var e = Fails(Json(top));
        Assert.Equal(key, e.KeyPath);
        Assert.Contains("must be one of", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"weight\": 5,", "weight", "must be a string")]
    [InlineData("\"groupBy\": \"county\",", "groupBy", "must be a list")]
    [InlineData("\"groupBy\": [\"county\", 1],", "groupBy[1]", "must be a string")]
    [InlineData("\"cutoffs\": [1, 1.5],", "cutoffs[1]", "whole number")]
    [InlineData("\"k\": \"3\",", "k", "whole number")]
    [InlineData("\"cutoffShares\": [\"0.5\"],", "cutoffShares[0]", "must be a number")]
    [InlineData("\"missingValues\": [\"NA\", true],", "missingValues[1]", "string or a number")]
    [InlineData("\"monetary\": \"< 2300\",", "monetary", "must be an object")]
    [InlineData("\"ageGroups\": [ { \"name\": \"x\", \"min\": \"0\", \"max\": 5 } ],", "ageGroups[0].min", "must be a number")]
    [InlineData("\"seed\": -1,", "seed", "non-negative")]
    [InlineData("\"replicates\": 2.5,", "replicates", "whole number")]
    [InlineData("\"confidenceLevel\": \"95%\",", "confidenceLevel", "must be a number")]
    public void WrongTypes(string top, string key, string reason)
    {
        var e = Fails(Json(top));
        Assert.Equal(key, e.KeyPath);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[ { "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ]""", "dimensions[0].name")]
    [InlineData("""[ { "name": " ", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ]""", "dimensions[0].name")]
    [InlineData("""[ { "name": "a" } ]""", "dimensions[0].indicators")]
    [InlineData("""[ { "name": "a", "indicators": [ { "column": "x", "deprivedIf": "== 1" } ] } ]""", "dimensions[0].indicators[0].name")]
    [InlineData("""[ { "name": "a", "indicators": [ 1 ] } ]""", "dimensions[0].indicators[0]")]
    [InlineData("""[ "a" ]""", "dimensions[0]")]
    [InlineData("""{ "a": 1 }""", "dimensions")]
    [InlineData("""[ { "name": "a", "weight": "half", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ]""", "dimensions[0].weight")]
    [InlineData("""[ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1", "ageGroups": "0-5" } ] } ]""", "dimensions[0].indicators[0].ageGroups")]
    public void MissingOrMalformedDimensionKeys(string dims, string key)
    {
        Assert.Equal(key, Fails(Json(dims: dims)).KeyPath);
    }

    [Theory]
    [InlineData("\"ageGroups\": [ { \"min\": 0, \"max\": 5 } ], \"age\": \"age\",", "ageGroups[0].name")]
    [InlineData("\"ageGroups\": [ { \"name\": \"young\", \"max\": 5 } ], \"age\": \"age\",", "ageGroups[0].min")]
    [InlineData("\"ageGroups\": [ { \"name\": \"young\", \"min\": 0 } ], \"age\": \"age\",", "ageGroups[0].max")]
    [InlineData("\"ageGroups\": [ { \"name\": \"young\", \"min\": 0, \"max\": 5, \"label\": \"x\" } ], \"age\": \"age\",", "ageGroups[0].label")]
    [InlineData("\"monetary\": { \"column\": \"income\" },", "monetary.deprivedIf")]
    [InlineData("\"monetary\": { \"deprivedIf\": \"< 1\" },", "monetary.column")]
    [InlineData("\"monetary\": { \"column\": \"income\", \"deprivedIf\": \"< 1\", \"line\": 1 },", "monetary.line")]
    public void MissingRequiredNestedKeys(string top, string key)
    {
        Assert.Equal(key, Fails(Json(top)).KeyPath);
    }
}
