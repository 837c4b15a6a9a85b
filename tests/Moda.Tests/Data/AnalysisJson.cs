using System.Text.Json.Nodes;
using Moda.Cli;

namespace Moda.Tests.Data;

/// <summary>`moda analyze` run in process for its JSON, and that JSON made comparable across files.</summary>
internal static class AnalysisJson
{
    /// <summary>The JSON of <c>moda analyze FILE --config CONFIG --format json --quiet EXTRA...</c>, which must succeed.</summary>
    public static string Of(string file, string config, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ModaCli.Run(["analyze", file, "--config", config, "--format", "json", "--quiet", .. extra], output, error, false, false);
        Assert.True(code == 0, error.ToString());
        return output.ToString();
    }

    /// <summary>The JSON without its input section, which names the file.</summary>
    public static string WithoutInput(string json)
    {
        var doc = JsonNode.Parse(json)!.AsObject();
        doc.Remove("input");
        return doc.ToJsonString();
    }
}
