using Moda.Configuration;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>Bad data: <see cref="ModaDataException"/> names the file, the line and the column.</summary>
public class CsvErrorTests
{
    private const string TwoDimensions = """
        [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
          { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] } ]
        """;

    private static string Config(string top = "") => $$"""{ "k": 1, {{top}} "dimensions": {{TwoDimensions}} }""";

    private static ModaDataException Fails(string csv, string top = "")
    {
        using var dir = new TempDirectory();
        var file = dir.Write("bad.csv", csv);
        var e = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(file, SpecReader.Read(Config(top))));
        Assert.Equal(file, e.File);
        Assert.StartsWith(file, e.Message, StringComparison.Ordinal);
        if (e.Line > 0) Assert.Contains($"{file}:{e.Line}", e.Message, StringComparison.Ordinal);
        if (e.Column is not null) Assert.Contains($"column '{e.Column}'", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void NonNumericValueInARuleColumn()
    {
        var e = Fails("id,x,y\n1,1,0\n2,0,1\n3,abc,0\n");
        Assert.Equal(4, e.Line);
        Assert.Equal("x", e.Column);
        Assert.Contains("'abc'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNumericValueInAnExprColumn()
    {
        const string config = """
            { "k": 1, "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "expr": "members / rooms > 3" } ] } ] }
            """;
        using var dir = new TempDirectory();
        var file = dir.Write("bad.csv", "members,rooms\n4,1\n5,two\n");
        var e = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(file, SpecReader.Read(config)));
        Assert.Equal(3, e.Line);
        Assert.Equal("rooms", e.Column);
    }

    [Theory]
    [InlineData("inf")]
    [InlineData("1,5")]
    [InlineData("--1")]
    public void NotAFiniteNumber(string cell)
    {
        var e = Fails($"id,x,y\n1,1,0\n2,\"{cell}\",0\n");
        Assert.Equal(3, e.Line);
        Assert.Equal("x", e.Column);
    }

    [Fact]
    public void MissingWeight()
    {
        var e = Fails("x,y,w\n1,0,2\n0,1,\n", "\"weight\": \"w\",");
        Assert.Equal(3, e.Line);
        Assert.Equal("w", e.Column);
        Assert.Contains("weight", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightNA()
    {
        var e = Fails("x,y,w\n1,0,2\n0,1,3\n1,1,NA\n", "\"weight\": \"w\",");
        Assert.Equal(4, e.Line);
        Assert.Equal("w", e.Column);
    }

    [Fact]
    public void NegativeWeight()
    {
        var e = Fails("x,y,w\n1,0,2\n0,1,-0.5\n", "\"weight\": \"w\",");
        Assert.Equal(3, e.Line);
        Assert.Equal("w", e.Column);
        Assert.Contains("negative", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNumericWeight()
    {
        var e = Fails("x,y,w\n1,0,heavy\n", "\"weight\": \"w\",");
        Assert.Equal(2, e.Line);
        Assert.Equal("w", e.Column);
    }

    [Fact]
    public void MissingStratum()
    {
        var e = Fails("x,y,s,p\n1,0,A,1\n0,1,A,2\n1,1,,3\n", "\"strata\": \"s\", \"cluster\": \"p\",");
        Assert.Equal(4, e.Line);
        Assert.Equal("s", e.Column);
        Assert.Contains("stratum", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPsu()
    {
        var e = Fails("x,y,s,p\n1,0,A,1\n0,1,A,NA\n", "\"strata\": \"s\", \"cluster\": \"p\",");
        Assert.Equal(3, e.Line);
        Assert.Equal("p", e.Column);
        Assert.Contains("PSU", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedQuotes()
    {
        var e = Fails("x,y\n1,0\n\"1\"x,0\n0,1\n");
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void UnclosedQuote()
    {
        var e = Fails("x,y\n1,0\n0,1\n\"1,0\n");
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void TooManyFields()
    {
        var e = Fails("x,y\n1,0\n0,1,7\n1,1\n");
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void TooFewFields()
    {
        var e = Fails("x,y\n1,0\n0,1\n1\n");
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void LineNumbersCountBlankLines()
    {
        var e = Fails("x,y\n1,0\n\n0,1\n\nabc,1\n");
        Assert.Equal(6, e.Line);
        Assert.Equal("x", e.Column);
    }

    [Fact]
    public void LineNumbersCountLinesInsideQuotedFields()
    {
        var e = Fails("x,y,note\n1,0,\"two\nlines\"\n0,1,ok\nabc,1,ok\n");
        Assert.Equal(5, e.Line);
        Assert.Equal("x", e.Column);
    }

    [Fact]
    public void LineNumbersWithCrLf()
    {
        var e = Fails("x,y\r\n1,0\r\n0,1\r\n1,abc\r\n");
        Assert.Equal(4, e.Line);
        Assert.Equal("y", e.Column);
    }

    [Fact]
    public void LineNumbersBeyondTheFirstBatch()
    {
        var rows = string.Concat(Enumerable.Repeat("1,0\n", 70_000));
        var e = Fails("x,y\n" + rows + "0,bad\n");
        Assert.Equal(70_002, e.Line);
        Assert.Equal("y", e.Column);
    }

    [Fact]
    public void WeightErrorLineBeyondTheFirstBatch()
    {
        var rows = string.Concat(Enumerable.Repeat("1,0,2\n", 66_000));
        var e = Fails("x,y,w\n" + rows + "0,1,-1\n", "\"weight\": \"w\",");
        Assert.Equal(66_002, e.Line);
        Assert.Equal("w", e.Column);
    }

    [Fact]
    public void DuplicateHeaderColumn()
    {
        var e = Fails("x,y,x\n1,0,1\n");
        Assert.Equal(1, e.Line);
        Assert.Equal("x", e.Column);
    }

    [Fact]
    public void EmptyFile()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("empty.csv", "");
        var e = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(file, SpecReader.Read(Config())));
        Assert.Equal(file, e.File);
    }

    [Fact]
    public void NoSuchFile()
    {
        using var dir = new TempDirectory();
        var file = dir.File("absent.csv");
        var e = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(file, SpecReader.Read(Config())));
        Assert.Equal(file, e.File);
    }

    [Fact]
    public void UnsupportedExtension()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("data.xlsx", "x,y\n1,0\n");
        var e = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(file, SpecReader.Read(Config())));
        Assert.Contains(".xlsx", e.Reason, StringComparison.Ordinal);
    }
}
