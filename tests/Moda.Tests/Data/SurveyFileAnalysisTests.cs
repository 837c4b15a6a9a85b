using System.Text.Json.Nodes;
using Moda.Cli;
using Moda.Configuration;
using Moda.Data;
using Moda.Reporting;

namespace Moda.Tests.Data;

/// <summary>The same analysis, whatever the file format; value labels in rules, breakdowns and JSON.</summary>
public class SurveyFileAnalysisTests
{
    private static string Analyze(string file, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ModaCli.Run(["analyze", file, "--format", "json", "--quiet", .. extra], output, error, false, false);
        Assert.True(code == 0, error.ToString());
        return output.ToString();
    }

    // The JSON without input (names the file) and the code of labelled values (only binary files have codes).
    private static string Comparable(string json)
    {
        var doc = JsonNode.Parse(json)!.AsObject();
        doc.Remove("input");
        Strip(doc);
        return doc.ToJsonString();

        static void Strip(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                o.Remove("code");
                foreach (var (_, v) in o) Strip(v);
            }
            else if (node is JsonArray a)
                foreach (var v in a) Strip(v);
        }
    }

    [Theory]
    [InlineData("children.dta")]
    [InlineData("children.sav")]
    [InlineData("children.parquet")]
    public void The_hubei_twins_give_the_same_json_as_the_csv(string twin)
    {
        var csv = Analyze(TestPaths.Sample("hubei", "children.csv"));
        var other = Analyze(TestPaths.Sample("hubei", twin));
        Assert.Equal(Comparable(csv), Comparable(other));
        Assert.Contains("\"county\"", csv);
    }

    [Theory]
    [InlineData("children.dta")]
    [InlineData("children.sav")]
    public void Labelled_breakdowns_carry_the_code_in_json(string twin)
    {
        var json = JsonNode.Parse(Analyze(TestPaths.Sample("hubei", twin)))!;
        var county = json["ageGroups"]![0]!["breakdowns"]!["county"]!.AsArray();
        var yangxin = county.Single(v => (string)v!["value"]! == "Yangxin")!;
        Assert.Equal(1.0, (double)yangxin["code"]!);
        var csv = JsonNode.Parse(Analyze(TestPaths.Sample("hubei", "children.csv")))!;
        Assert.Null(csv["ageGroups"]![0]!["breakdowns"]!["county"]![0]!["code"]);
    }

    private static ModaSpec HubeiWithWaterRule(string rule)
    {
        var replacement = $"\"deprivedIf\": {System.Text.Json.JsonSerializer.Serialize(rule)}";
        var text = File.ReadAllText(TestPaths.Sample("hubei", "moda.json"))
            .Replace("\"deprivedIf\": \"in [32, 42, 81]\"", replacement, StringComparison.Ordinal);
        Assert.Contains(replacement, text, StringComparison.Ordinal);
        return SpecReader.Read(text);
    }

    [Theory]
    [InlineData("children.dta")]
    [InlineData("children.sav")]
    public void A_rule_may_name_value_labels(string twin)
    {
        var byLabel = HubeiWithWaterRule("in [\"Unprotected well\", \"Unprotected spring\", \"Surface water\"]");
        var byCode = SpecReader.ReadFile(TestPaths.Sample("hubei", "moda.json"));
        var labelled = ModaAnalyzer.Analyze(TestPaths.Sample("hubei", twin), byLabel);
        var coded = ModaAnalyzer.Analyze(TestPaths.Sample("hubei", "children.csv"), byCode);
        Assert.Equal(Comparable(JsonResultWriter.ToJson(coded)), Comparable(JsonResultWriter.ToJson(labelled)));
    }

    [Fact]
    public void A_label_the_file_does_not_define_names_the_key_and_lists_the_labels()
    {
        var spec = HubeiWithWaterRule("in [\"Unprotected wel\", \"Surface water\"]");
        var e = Assert.Throws<ModaConfigurationException>(() => ModaAnalyzer.Analyze(TestPaths.Sample("hubei", "children.dta"), spec));
        Assert.Equal("dimensions[4].indicators[0].deprivedIf", e.KeyPath);
        Assert.Contains("\"Unprotected wel\"", e.Message);
        Assert.Contains("32 \"Unprotected well\"", e.Message);
        Assert.Contains("81 \"Surface water\"", e.Message);
    }

    [Fact]
    public void A_quoted_code_that_has_a_label_is_an_error_with_a_hint()
    {
        var spec = HubeiWithWaterRule("in [\"32\"]");
        var e = Assert.Throws<ModaConfigurationException>(() => ModaAnalyzer.Analyze(TestPaths.Sample("hubei", "children.sav"), spec));
        Assert.Contains("labelled \"Unprotected well\"", e.Message);
    }

    [Fact]
    public void The_cli_exits_2_for_a_wrong_label()
    {
        var dir = Directory.CreateTempSubdirectory("moda-label");
        try
        {
            var config = Path.Combine(dir.FullName, "moda.json");
            File.WriteAllText(config, File.ReadAllText(TestPaths.Sample("hubei", "moda.json"))
                .Replace("\"deprivedIf\": \"in [32, 42, 81]\"", "\"deprivedIf\": \"in [\\\"Lake\\\"]\"", StringComparison.Ordinal));
            var err = new StringWriter();
            var code = ModaCli.Run(["analyze", TestPaths.Sample("hubei", "children.dta"), "--config", config, "--quiet"], new StringWriter(), err, false, false);
            Assert.Equal(2, code);
            Assert.Contains("dimensions[4].indicators[0].deprivedIf", err.ToString());
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
