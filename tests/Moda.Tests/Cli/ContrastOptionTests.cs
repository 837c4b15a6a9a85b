using System.Text.Json;

namespace Moda.Tests.Cli;

/// <summary><c>--contrast column:a:b</c> adds a difference between two subgroups, with its SE.</summary>
public class ContrastOptionTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Moda.Cli.ModaCli.Run(args, stdout, stderr, stdoutIsTerminal: false, stderrIsTerminal: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void AContrastAppearsInEveryAgeGroupWithStandardErrors()
    {
        var (exit, output, _) = Run("analyze", TestPaths.Sample("quickstart", "children.csv"), "--contrast", "county:Wufeng:Yangxin", "--format", "json", "--quiet");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var group = doc.RootElement.GetProperty("ageGroups")[0];
        var contrast = group.GetProperty("contrasts")[0];
        Assert.Equal("county", contrast.GetProperty("column").GetString());
        Assert.Equal("Wufeng", contrast.GetProperty("a").GetString());
        var k1 = contrast.GetProperty("cutoffs")[0];
        Assert.True(k1.GetProperty("M0").GetProperty("se").GetDouble() > 0);
        // The column joins the breakdowns, and the difference is the two subgroups' difference.
        var values = group.GetProperty("breakdowns").GetProperty("county").EnumerateArray().ToArray();
        double M0(string county) => values.Single(v => v.GetProperty("value").GetString() == county)
            .GetProperty("cutoffs")[0].GetProperty("M0").GetProperty("estimate").GetDouble();
        Assert.Equal(M0("Wufeng") - M0("Yangxin"), k1.GetProperty("M0").GetProperty("estimate").GetDouble(), 12);
    }

    [Theory]
    [InlineData("county")]
    [InlineData("county:a")]
    [InlineData("county:a:a")]
    [InlineData("county::b")]
    public void AMalformedContrastIsAUsageError(string text)
    {
        var (exit, _, err) = Run("analyze", TestPaths.Sample("quickstart", "children.csv"), "--contrast", text, "--quiet");
        Assert.Equal(2, exit);
        Assert.Contains("--contrast", err);
    }
}
