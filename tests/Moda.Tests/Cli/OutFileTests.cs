using System.Text.Json;
using static Moda.Tests.Cli.CliRunner;

namespace Moda.Tests.Cli;

/// <summary><c>--out</c>: written only when the whole analysis succeeded, atomically, with no temporary file left.</summary>
public class OutFileTests
{
    private const string Config = """
        { "k": 1, "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ] }
        """;

    private static void NoStrayFiles(TempDirectory dir, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void JsonWrittenOnSuccess()
    {
        using var dir = new TempDirectory();
        var outPath = dir.File("result.json");
        var o = Run("analyze", Quickstart, "--out", outPath, "--quiet");
        Assert.True(o.Exit == 0, o.ToString());
        Assert.Equal("", o.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(outPath));
        Assert.Equal("moda", doc.RootElement.GetProperty("tool").GetProperty("name").GetString());
        NoStrayFiles(dir, "result.json");
    }

    [Fact]
    public void ExtensionChoosesTheFormat()
    {
        using var dir = new TempDirectory();
        var csv = dir.File("result.csv");
        var txt = dir.File("result.txt");
        Assert.Equal(0, Run("analyze", Quickstart, "--out", csv, "--quiet").Exit);
        Assert.Equal(0, Run("analyze", Quickstart, "--out", txt, "--quiet").Exit);
        Assert.StartsWith("ageGroup,breakdown,group,k,measure,estimate,se,ciLow,ciHigh\n", File.ReadAllText(csv), StringComparison.Ordinal);
        Assert.StartsWith("MODA profile of", File.ReadAllText(txt), StringComparison.Ordinal);
    }

    [Fact]
    public void FormatOptionWinsOverTheExtension()
    {
        using var dir = new TempDirectory();
        var path = dir.File("result.txt");
        Assert.Equal(0, Run("analyze", Quickstart, "--out", path, "--format", "json", "--quiet").Exit);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
    }

    [Fact]
    public void OverwritesAnExistingFileOnSuccess()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("result.json", "old");
        Assert.Equal(0, Run("analyze", Quickstart, "--out", path, "--quiet").Exit);
        Assert.StartsWith("{", File.ReadAllText(path), StringComparison.Ordinal);
        NoStrayFiles(dir, "result.json");
    }

    [Fact]
    public void NotCreatedWhenTheDataAreBad()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x\n1\n0\nbad\n");
        var config = dir.Write("c.json", Config);
        var outPath = dir.File("result.json");
        var o = Run("analyze", data, "--config", config, "--out", outPath, "--quiet");
        Assert.Equal(1, o.Exit);
        Assert.False(File.Exists(outPath));
        NoStrayFiles(dir, "data.csv", "c.json");
    }

    [Fact]
    public void NotCreatedWhenTheConfigurationIsBad()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x\n1\n0\n");
        var config = dir.Write("c.json", Config.Replace("\"k\": 1", "\"k\": 5"));
        var outPath = dir.File("result.csv");
        var o = Run("analyze", data, "--config", config, "--out", outPath, "--quiet");
        Assert.Equal(2, o.Exit);
        NoStrayFiles(dir, "data.csv", "c.json");
    }

    [Fact]
    public void ExistingFileUntouchedOnFailure()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "x\n1\n0\nbad\n");
        var config = dir.Write("c.json", Config);
        var outPath = dir.Write("result.json", "previous results");
        Assert.Equal(1, Run("analyze", data, "--config", config, "--out", outPath, "--quiet").Exit);
        Assert.Equal("previous results", File.ReadAllText(outPath));
        NoStrayFiles(dir, "data.csv", "c.json", "result.json");
    }

    [Fact]
    public void OutInAMissingDirectoryExits2()
    {
        using var dir = new TempDirectory();
        var o = Run("analyze", Quickstart, "--out", Path.Combine(dir.Path, "no", "such", "r.json"), "--quiet");
        Assert.Equal(2, o.Exit);
        Assert.Contains("--out", o.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
