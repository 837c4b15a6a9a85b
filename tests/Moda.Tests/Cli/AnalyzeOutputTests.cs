using System.Text.Json;
using static Moda.Tests.Cli.CliRunner;

namespace Moda.Tests.Cli;

/// <summary><c>moda analyze</c> end to end on the samples: every format, and the JSON and CSV contracts.</summary>
public class AnalyzeOutputTests
{
    private static readonly Lazy<Outcome> QuickstartJson = new(() => Run("analyze", Quickstart, "--format", "json", "--quiet"));
    private static readonly Lazy<Outcome> HubeiJson = new(() => Run("analyze", Hubei, "--format", "json", "--quiet"));

    private static JsonElement Parse(Outcome o)
    {
        Assert.True(o.Exit == 0, o.ToString());
        return JsonDocument.Parse(o.Stdout).RootElement.Clone();
    }

    [Theory]
    [InlineData("quickstart", "table")]
    [InlineData("quickstart", "json")]
    [InlineData("quickstart", "csv")]
    [InlineData("hubei", "table")]
    [InlineData("hubei", "json")]
    [InlineData("hubei", "csv")]
    public void EveryFormatSucceeds(string sample, string format)
    {
        var o = Run("analyze", TestPaths.Sample(sample, "children.csv"), "--format", format, "--quiet");
        Assert.True(o.Exit == 0, o.ToString());
        Assert.False(string.IsNullOrWhiteSpace(o.Stdout));
        Assert.Equal("", o.Stderr);
        if (format == "table")
        {
            Assert.StartsWith("MODA profile of", o.Stdout, StringComparison.Ordinal);
            Assert.Contains("Age group all", o.Stdout, StringComparison.Ordinal);
            Assert.Contains("M0", o.Stdout, StringComparison.Ordinal);
            if (sample == "hubei") Assert.Contains("Age group 6-17", o.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void JsonIsTheDefaultWhenStdoutIsNotATerminal()
    {
        var o = Run("analyze", Quickstart, "--quiet");
        Assert.Equal(0, o.Exit);
        Assert.Equal(o.Stdout, QuickstartJson.Value.Stdout);
    }

    [Fact]
    public void TableIsTheDefaultOnATerminal()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Moda.Cli.ModaCli.Run(["analyze", Quickstart, "--quiet"], stdout, stderr, stdoutIsTerminal: true, stderrIsTerminal: false);
        Assert.Equal(0, exit);
        Assert.StartsWith("MODA profile of", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuickstartJsonFollowsTheContract()
    {
        var root = Parse(QuickstartJson.Value);
        CheckDocument(root);
        var groups = root.GetProperty("ageGroups").EnumerateArray().ToArray();
        Assert.Equal(["all"], groups.Select(g => g.GetProperty("name").GetString()));
        Assert.Equal(3000, root.GetProperty("input").GetProperty("rows").GetInt64());
        Assert.Equal(8, groups[0].GetProperty("dimensionNames").GetArrayLength());
        Assert.False(groups[0].TryGetProperty("monetary", out _)); // no monetary rule in the default profile
    }

    [Fact]
    public void HubeiJsonFollowsTheContract()
    {
        var root = Parse(HubeiJson.Value);
        CheckDocument(root);
        var groups = root.GetProperty("ageGroups").EnumerateArray().ToArray();
        Assert.Equal(["0-5", "6-17", "all"], groups.Select(g => g.GetProperty("name").GetString()));
        Assert.Equal(4000, root.GetProperty("input").GetProperty("rows").GetInt64());
        Assert.Equal(["nutrition", "health", "information", "water", "sanitation", "housing", "protection"],
            groups[0].GetProperty("dimensionNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["education", "information", "water", "sanitation", "housing", "protection"],
            groups[1].GetProperty("dimensionNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(8, groups[2].GetProperty("dimensionNames").GetArrayLength());
        Assert.Equal(
            groups[0].GetProperty("children").GetInt64() + groups[1].GetProperty("children").GetInt64(),
            groups[2].GetProperty("children").GetInt64());
        foreach (var g in groups)
        {
            var monetary = g.GetProperty("monetary");
            Assert.Equal(3, monetary.GetProperty("k").GetInt32());
            Assert.Equal(["county", "residence", "sex"], g.GetProperty("breakdowns").EnumerateObject().Select(p => p.Name));
        }
        // Pooled share is null: the age groups differ in d (7 and 6); each group's share is k/d.
        Assert.All(groups[2].GetProperty("cutoffs").EnumerateArray(), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("share").ValueKind));
        var c0 = groups[0].GetProperty("cutoffs").EnumerateArray().First(c => c.GetProperty("k").GetInt32() == 3);
        Assert.Equal(3.0 / 7, c0.GetProperty("share").GetDouble(), 12);
        Assert.Equal(8, groups[2].GetProperty("cutoffs").GetArrayLength() + 1); // k = 1..7 (max d)
    }

    [Fact]
    public void ByAddsABreakdown()
    {
        var root = Parse(Run("analyze", Quickstart, "--by", "county", "--format", "json", "--quiet"));
        CheckDocument(root);
        var group = root.GetProperty("ageGroups")[0];
        var county = group.GetProperty("breakdowns").GetProperty("county").EnumerateArray().ToArray();
        Assert.Equal(8, county.Length); // the eight pilot counties
        Assert.Equal(3000, county.Sum(v => v.GetProperty("children").GetInt64()));
        var shares = county.Sum(v => v.GetProperty("populationShare").GetProperty("estimate").GetDouble());
        Assert.Equal(1.0, shares, 9);
        // Subgroup contributions at each k add up to 1.
        var ks = group.GetProperty("cutoffs").GetArrayLength();
        for (var i = 0; i < ks; i++)
            Assert.Equal(1.0, county.Sum(v => v.GetProperty("cutoffs")[i].GetProperty("contribution").GetProperty("estimate").GetDouble()), 9);
        // Without --by there is no breakdown.
        Assert.Empty(Parse(QuickstartJson.Value).GetProperty("ageGroups")[0].GetProperty("breakdowns").EnumerateObject());
    }

    [Fact]
    public void RepeatedByAddsSeveralBreakdowns()
    {
        var root = Parse(Run("analyze", Quickstart, "--by", "county", "--by", "stratum", "--format", "json", "--quiet"));
        Assert.Equal(["county", "stratum"], root.GetProperty("ageGroups")[0].GetProperty("breakdowns").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void KSetsTheHeadlineCutoff()
    {
        var root = Parse(Run("analyze", Hubei, "--k", "2", "--format", "json", "--quiet"));
        Assert.All(root.GetProperty("ageGroups").EnumerateArray(), g => Assert.Equal(2, g.GetProperty("monetary").GetProperty("k").GetInt32()));
    }

    [Fact]
    public void CsvHeaderAndRows()
    {
        var o = Run("analyze", Hubei, "--format", "csv", "--quiet");
        Assert.Equal(0, o.Exit);
        var lines = o.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ageGroup,breakdown,group,k,measure,estimate,se,ciLow,ciHigh", lines[0]);
        var groups = new HashSet<string>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            Assert.True(f.Length == 9, line);
            groups.Add(f[0]);
            if (f[5].Length > 0)
            {
                var x = double.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture);
                // Shares are in [0, 1]; a contrast is a difference of two shares, in [-1, 1].
                if (f[4].StartsWith("difference:", StringComparison.Ordinal)) Assert.InRange(x, -1 - 1e-12, 1 + 1e-12);
                else Assert.InRange(x, -1e-12, 1 + 1e-12);
            }
        }
        Assert.Equal(["0-5", "6-17", "all"], groups.Order());
        Assert.Contains(lines, l => l.StartsWith("all,,,3,M0,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("0-5,county,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("6-17,,,,rate:education,", StringComparison.Ordinal));
    }

    [Fact]
    public void CsvAndJsonAgree()
    {
        var csv = Run("analyze", Quickstart, "--format", "csv", "--quiet").Stdout.Split('\n');
        var json = Parse(QuickstartJson.Value).GetProperty("ageGroups")[0];
        var m0 = json.GetProperty("cutoffs").EnumerateArray().First(c => c.GetProperty("k").GetInt32() == 3).GetProperty("M0");
        var row = csv.Single(l => l.StartsWith("all,,,3,M0,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(m0.GetProperty("estimate").GetDouble(), double.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(m0.GetProperty("se").GetDouble(), double.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- the JSON contract of interface.md ----

    private static void CheckDocument(JsonElement root)
    {
        HasKeys(root, "tool", "input", "ageGroups");
        Exactly(root.GetProperty("tool"), "name", "version");
        Assert.Equal("moda", root.GetProperty("tool").GetProperty("name").GetString());
        HasKeys(root.GetProperty("input"), "file", "rows", "config");
        Assert.Equal(JsonValueKind.Number, root.GetProperty("input").GetProperty("rows").ValueKind);
        foreach (var g in root.GetProperty("ageGroups").EnumerateArray()) CheckGroup(g);
    }

    private static void CheckGroup(JsonElement g)
    {
        string[] keys = ["name", "dimensionNames", "children", "population", "excluded", "dimensions", "indicators",
                         "distribution", "cutoffs", "overlap", "breakdowns"];
        string[] optional = [.. new[] { "monetary", "contrasts" }.Where(k => g.TryGetProperty(k, out _))];
        Exactly(g, [.. keys, .. optional]);
        if (g.TryGetProperty("contrasts", out var contrasts))
            foreach (var c in contrasts.EnumerateArray())
            {
                HasKeys(c, "column", "a", "b", "cutoffs");
                foreach (var k in c.GetProperty("cutoffs").EnumerateArray())
                {
                    HasKeys(k, "k", "H", "A", "M0");
                    foreach (var measure in new[] { "H", "A", "M0" }) Est(k.GetProperty(measure), low: -1);
                }
            }
        Assert.Equal(JsonValueKind.String, g.GetProperty("name").ValueKind);
        Integer(g.GetProperty("children"));
        Integer(g.GetProperty("excluded"));
        Assert.Equal(JsonValueKind.Number, g.GetProperty("population").ValueKind);
        var dims = g.GetProperty("dimensionNames").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.NotEmpty(dims);
        foreach (var d in g.GetProperty("dimensions").EnumerateArray())
        {
            Exactly(d, "name", "rate");
            Est(d.GetProperty("rate"));
        }
        Assert.Equal(dims, g.GetProperty("dimensions").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        foreach (var i in g.GetProperty("indicators").EnumerateArray())
        {
            Exactly(i, "name", "dimension", "rate");
            Assert.Contains(i.GetProperty("dimension").GetString(), dims);
            Est(i.GetProperty("rate"));
        }
        var counts = g.GetProperty("distribution").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(0, counts.Length), counts.Select(c => c.GetProperty("count").GetInt32()));
        foreach (var c in counts)
        {
            Exactly(c, "count", "share", "atLeast");
            Est(c.GetProperty("share"));
            Est(c.GetProperty("atLeast"));
        }
        foreach (var c in g.GetProperty("cutoffs").EnumerateArray()) Cutoff(c, dims, inBreakdown: false);
        var overlap = g.GetProperty("overlap");
        Exactly(overlap, "pairs", "combinations");
        foreach (var p in overlap.GetProperty("pairs").EnumerateArray())
        {
            Exactly(p, "a", "b", "share");
            Est(p.GetProperty("share"));
        }
        Assert.Equal(dims.Length * (dims.Length - 1) / 2, overlap.GetProperty("pairs").GetArrayLength());
        var cellSum = 0.0;
        foreach (var c in overlap.GetProperty("combinations").EnumerateArray())
        {
            Exactly(c, "dimensions", "share");
            Assert.NotEqual(0, c.GetProperty("dimensions").GetArrayLength());
            Est(c.GetProperty("share"));
            cellSum += c.GetProperty("share").GetProperty("estimate").GetDouble();
        }
        // Combination cells plus the share with no deprivation sum to 1.
        Assert.Equal(1.0, cellSum + counts[0].GetProperty("share").GetProperty("estimate").GetDouble(), 9);
        foreach (var b in g.GetProperty("breakdowns").EnumerateObject())
            foreach (var v in b.Value.EnumerateArray())
            {
                Exactly(v, "value", "children", "populationShare", "cutoffs");
                Assert.Equal(JsonValueKind.String, v.GetProperty("value").ValueKind);
                Integer(v.GetProperty("children"));
                Est(v.GetProperty("populationShare"));
                foreach (var c in v.GetProperty("cutoffs").EnumerateArray()) Cutoff(c, dims, inBreakdown: true);
            }
        if (g.TryGetProperty("monetary", out var m))
        {
            HasKeys(m, "k", "both", "multidimensionalOnly", "monetaryOnly", "neither");
            Integer(m.GetProperty("k"));
            foreach (var key in new[] { "both", "multidimensionalOnly", "monetaryOnly", "neither" }) Est(m.GetProperty(key));
            var sum = new[] { "both", "multidimensionalOnly", "monetaryOnly", "neither" }.Sum(k => m.GetProperty(k).GetProperty("estimate").GetDouble());
            Assert.Equal(1.0, sum, 9);
        }
    }

    private static void Cutoff(JsonElement c, string[] dims, bool inBreakdown)
    {
        string[] keys = ["k", "share", "H", "A", "M0", "censored", "contributions"];
        Exactly(c, inBreakdown ? [.. keys, "contribution"] : keys);
        Assert.True(c.GetProperty("k").ValueKind is JsonValueKind.Number or JsonValueKind.Null);
        Assert.True(c.GetProperty("share").ValueKind is JsonValueKind.Number or JsonValueKind.Null);
        Est(c.GetProperty("H"));
        Est(c.GetProperty("A"));
        Est(c.GetProperty("M0"));
        Assert.Equal(dims, c.GetProperty("censored").EnumerateObject().Select(p => p.Name));
        Assert.Equal(dims, c.GetProperty("contributions").EnumerateObject().Select(p => p.Name));
        foreach (var p in c.GetProperty("censored").EnumerateObject()) Est(p.Value);
        foreach (var p in c.GetProperty("contributions").EnumerateObject()) Est(p.Value);
        if (inBreakdown) Est(c.GetProperty("contribution"));
    }

    // An EST; a share lies in [0, 1], a difference of shares in [-1, 1].
    private static void Est(JsonElement e, double low = 0)
    {
        Exactly(e, "estimate", "se", "ciLow", "ciHigh");
        foreach (var p in e.EnumerateObject())
            Assert.True(p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null, $"{p.Name} is {p.Value.ValueKind}");
        if (e.GetProperty("estimate").ValueKind != JsonValueKind.Number) return;
        var x = e.GetProperty("estimate").GetDouble();
        Assert.InRange(x, low - 1e-12, 1 + 1e-12);
        if (e.GetProperty("se").ValueKind == JsonValueKind.Number)
        {
            Assert.True(e.GetProperty("se").GetDouble() >= 0);
            Assert.True(e.GetProperty("ciLow").GetDouble() <= x + 1e-12 && x <= e.GetProperty("ciHigh").GetDouble() + 1e-12, e.ToString());
        }
    }

    private static void Integer(JsonElement e)
    {
        Assert.Equal(JsonValueKind.Number, e.ValueKind);
        Assert.True(e.TryGetInt64(out _), $"{e} is not a whole number");
    }

    private static void HasKeys(JsonElement e, params string[] keys)
    {
        Assert.Equal(JsonValueKind.Object, e.ValueKind);
        foreach (var k in keys) Assert.True(e.TryGetProperty(k, out _), $"missing key '{k}' in {Short(e)}");
    }

    private static void Exactly(JsonElement e, params string[] keys)
    {
        Assert.Equal(JsonValueKind.Object, e.ValueKind);
        Assert.Equal(keys.Order(StringComparer.Ordinal), e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static string Short(JsonElement e)
    {
        var s = e.ToString();
        return s.Length > 200 ? s[..200] : s;
    }
}
