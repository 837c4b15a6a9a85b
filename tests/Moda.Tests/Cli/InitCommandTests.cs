using Moda.Configuration;
using static Moda.Tests.Cli.CliRunner;

namespace Moda.Tests.Cli;

/// <summary><c>moda init</c> writes configurations that the reader accepts.</summary>
public class InitCommandTests
{
    [Fact]
    public void DefaultStarterOnStdoutIsAValidConfiguration()
    {
        var o = Run("init");
        Assert.True(o.Exit == 0, o.ToString());
        var spec = SpecReader.Read(o.Stdout);
        Assert.Equal(Profiles.HubeiDimensions, spec.Dimensions.Select(d => d.Name));
        Assert.Equal("weight", spec.Weight);
        Assert.Contains("//", o.Stdout, StringComparison.Ordinal); // commented
    }

    [Fact]
    public void DefaultStarterAnalysesTheQuickstartSampleLikeTheDefaultProfile()
    {
        using var dir = new TempDirectory();
        var config = dir.File("moda.json");
        Assert.Equal(0, Run("init", "--out", config).Exit);
        var viaStarter = ModaAnalyzer.Analyze(Quickstart, SpecReader.ReadFile(config)).AgeGroups.Single();
        var viaDefault = ModaAnalyzer.Analyze(Quickstart, Profiles.Default).AgeGroups.Single();
        Assert.Equal(viaDefault.Cutoffs.AtK(3).M0, viaStarter.Cutoffs.AtK(3).M0);
    }

    [Fact]
    public void HubeiStarterToAFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.json");
        var o = Run("init", "--profile", "hubei", "--out", path);
        Assert.True(o.Exit == 0, o.ToString());
        Assert.Equal("", o.Stdout);
        var spec = SpecReader.ReadFile(path);
        Assert.Equal(["0-5", "6-17"], spec.AgeGroups.Select(g => g.Name));
        Assert.Equal(8, spec.Dimensions.Count);
        Assert.NotNull(spec.Monetary);
        Assert.Equal(["x.json"], Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName));
        // And it analyses the Hubei sample.
        Assert.Equal(3, ModaAnalyzer.Analyze(Hubei, spec).AgeGroups.Count);
    }

    [Fact]
    public void RefusesToOverwriteWithoutForce()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("moda.json", "mine");
        var o = Run("init", "--out", path);
        Assert.Equal(2, o.Exit);
        Assert.Contains("--force", o.Stderr, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(path));
        Assert.Equal(0, Run("init", "--out", path, "--force").Exit);
        SpecReader.ReadFile(path);
    }

    [Fact]
    public void UnknownProfileExits2()
    {
        Assert.Equal(2, Run("init", "--profile", "kenya").Exit);
    }
}
