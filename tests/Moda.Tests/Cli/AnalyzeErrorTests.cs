using static Moda.Tests.Cli.CliRunner;

namespace Moda.Tests.Cli;

/// <summary><c>moda analyze</c> exit codes and messages for bad usage, bad configuration and bad data.</summary>
public class AnalyzeErrorTests
{
    private const string Config = """
        { "k": 1,
          "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
                          { "name": "b", "indicators": [ { "name": "ib", "column": "y", "deprivedIf": "== 1" } ] } ] }
        """;

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--format", "xml")]
    [InlineData("--k", "0")]
    [InlineData("--k", "-1")]
    [InlineData("--k", "two")]
    [InlineData("--format")]
    public void BadUsageExits2(params string[] options)
    {
        var o = Run(["analyze", Quickstart, .. options]);
        Assert.True(o.Exit == 2, o.ToString());
        Assert.Equal("", o.Stdout);
        Assert.StartsWith("moda: ", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOptionIsNamed()
    {
        var o = Run("analyze", Quickstart, "--bogus");
        Assert.Contains("--bogus", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void KZeroIsNamed()
    {
        var o = Run("analyze", Quickstart, "--k", "0");
        Assert.Contains("--k", o.Stderr, StringComparison.Ordinal);
    }

    // Found by fuzzing: System.CommandLine's own message named the .NET type
    // ("... as expected type 'System.Nullable`1[System.Int32]'").
    [Theory]
    [InlineData("analyze", "--k", "two")]
    [InlineData("analyze", "--k", "1.5")]
    [InlineData("analyze", "--threads", "x")]
    [InlineData("describe", "--threads", "")]
    public void ACountThatIsNotAWholeNumberIsNamedPlainly(string command, string option, string value)
    {
        var o = Run(command, Quickstart, option, value);
        Assert.True(o.Exit == 2, o.ToString());
        Assert.StartsWith($"moda: {option} must be 1 or more (a whole number), not '{value}'", o.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDataFileArgumentExits2() => Assert.Equal(2, Run("analyze").Exit);

    [Fact]
    public void UnknownCommandExits2() => Assert.Equal(2, Run("analyse", Quickstart).Exit);

    [Fact]
    public void KAboveTheNumberOfDimensionsExits2AndNamesK()
    {
        var o = Run("analyze", Quickstart, "--k", "9", "--quiet");
        Assert.True(o.Exit == 2, o.ToString());
        Assert.Contains("'k'", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadConfigurationExits2AndNamesTheKey()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x,y\n1,0\n");
        var config = dir.Write("bad.json", Config.Replace("\"column\": \"y\"", "\"colum\": \"y\""));
        var o = Run("analyze", data, "--config", config, "--quiet");
        Assert.True(o.Exit == 2, o.ToString());
        Assert.Contains("dimensions[1].indicators[0].colum", o.Stderr, StringComparison.Ordinal);
        Assert.Contains("bad.json", o.Stderr, StringComparison.Ordinal);
        Assert.Equal("", o.Stdout);
    }

    [Fact]
    public void BadRuleInModaJsonBesideTheDataExits2()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x,y\n1,0\n");
        dir.Write("moda.json", Config.Replace("\"== 1\" } ] } ] }", "\"=! 1\" } ] } ] }"));
        var o = Run("analyze", data, "--quiet");
        Assert.True(o.Exit == 2, o.ToString());
        Assert.Contains("'dimensions[1].indicators[0].deprivedIf'", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnTheDataLackExits2AndListsTheColumns()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "id,x,z\n1,1,0\n");
        var config = dir.Write("moda.json", Config);
        var o = Run("analyze", data, "--config", config, "--quiet");
        Assert.True(o.Exit == 2, o.ToString());
        Assert.Contains("'dimensions[1].indicators[0].column'", o.Stderr, StringComparison.Ordinal);
        Assert.Contains("'y'", o.Stderr, StringComparison.Ordinal);
        Assert.Contains("id, x, z", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigFileExits2()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x,y\n1,0\n");
        var o = Run("analyze", data, "--config", dir.File("nope.json"));
        Assert.Equal(2, o.Exit);
        Assert.Contains("--config", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadDataExits1AndNamesFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x,y\n1,0\n0,1\n1,n/a\n");
        var config = dir.Write("c.json", Config);
        var o = Run("analyze", data, "--config", config, "--quiet");
        Assert.True(o.Exit == 1, o.ToString());
        Assert.Contains($"{data}:4, column 'y'", o.Stderr, StringComparison.Ordinal);
        Assert.Equal("", o.Stdout);
    }

    [Fact]
    public void MalformedCsvExits1()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x,y\n1,0\n0,1,1\n");
        var config = dir.Write("c.json", Config);
        var o = Run("analyze", data, "--config", config, "--quiet");
        Assert.True(o.Exit == 1, o.ToString());
        Assert.Contains($"{data}:3", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDataFileExits1()
    {
        using var dir = new TempDirectory();
        var o = Run("analyze", dir.File("none.csv"), "--quiet");
        Assert.Equal(1, o.Exit);
        Assert.Contains("none.csv", o.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultProfileNotesDroppedDimensions()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "water,sanitation\n1,0\n0,0\n");
        var o = Run("analyze", data, "--format", "json");
        Assert.True(o.Exit == 0, o.ToString());
        Assert.Contains("nutrition", o.Stderr, StringComparison.Ordinal);
        Assert.Contains("protection", o.Stderr, StringComparison.Ordinal);
        var quiet = Run("analyze", data, "--format", "json", "--quiet");
        Assert.Equal("", quiet.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(quiet.Stdout);
        Assert.Equal(6, doc.RootElement.GetProperty("droppedDimensions").GetArrayLength());
    }
}
