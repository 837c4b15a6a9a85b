using System.Text.Encodings.Web;
using System.Text.Json;
using Moda.Results;

namespace Moda.Reporting;

/// <summary>Writes the JSON results document of the public contract (interface.md).</summary>
public static class JsonResultWriter
{
    /// <summary>Writes <paramref name="results"/> to <paramref name="stream"/> as indented UTF-8 JSON.</summary>
    public static void Write(ModaResults results, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteStartObject("tool");
        w.WriteString("name", results.Tool.Name);
        w.WriteString("version", results.Tool.Version);
        w.WriteEndObject();
        w.WriteStartObject("input");
        w.WriteString("file", results.Input.File);
        w.WriteNumber("rows", results.Input.Rows);
        w.WriteString("config", results.Input.Config);
        w.WriteNumber("unassigned", results.Input.Unassigned);
        w.WriteEndObject();
        WriteDesign(w, results.Design);
        w.WriteStartArray("droppedDimensions");
        foreach (var d in results.DroppedDimensions) w.WriteStringValue(d);
        w.WriteEndArray();
        w.WriteStartArray("ageGroups");
        foreach (var g in results.AgeGroups)
        {
            WriteGroup(w, g);
            FlushEvery(w);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The JSON document as a string.</summary>
    public static string ToJson(ModaResults results)
    {
        using var ms = new MemoryStream();
        Write(results, ms);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteDesign(Utf8JsonWriter w, DesignInfo d)
    {
        w.WriteStartObject("design");
        w.WriteString("variance", d.Method);
        w.WriteNumber("strata", d.Strata);
        w.WriteNumber("psus", d.Psus);
        w.WriteNumber("degreesOfFreedom", d.DegreesOfFreedom);
        w.WriteString("interval", d.Interval);
        w.WriteNumber("confidenceLevel", d.Level);
        w.WriteString("lonelyPsu", d.LonelyPsu);
        w.WriteStartArray("lonelyStrata");
        foreach (var s in d.LonelyStrata) w.WriteStringValue(s);
        w.WriteEndArray();
        if (d.Replicates > 0) w.WriteNumber("replicates", d.Replicates);
        w.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter w, GroupResult g)
    {
        w.WriteStartObject();
        w.WriteString("name", g.Name);
        w.WriteStartArray("dimensionNames");
        foreach (var n in g.DimensionNames) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteNumber("children", g.Children);
        w.WriteNumber("population", g.Population);
        w.WriteNumber("excluded", g.Excluded);
        w.WriteStartArray("dimensions");
        foreach (var d in g.Dimensions)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            Est(w, "rate", d.Rate);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("indicators");
        foreach (var i in g.Indicators)
        {
            w.WriteStartObject();
            w.WriteString("name", i.Name);
            w.WriteString("dimension", i.Dimension);
            Est(w, "rate", i.Rate);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("distribution");
        foreach (var c in g.Distribution)
        {
            w.WriteStartObject();
            w.WriteNumber("count", c.Count);
            Est(w, "share", c.Share);
            Est(w, "atLeast", c.AtLeast);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("cutoffs");
        foreach (var c in g.Cutoffs) WriteCutoff(w, c);
        w.WriteEndArray();
        w.WriteStartObject("overlap");
        w.WriteStartArray("pairs");
        foreach (var p in g.Overlap.Pairs)
        {
            w.WriteStartObject();
            w.WriteString("a", p.A);
            w.WriteString("b", p.B);
            Est(w, "share", p.Share);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("combinations");
        foreach (var c in g.Overlap.Combinations)
        {
            w.WriteStartObject();
            w.WriteStartArray("dimensions");
            foreach (var d in c.Dimensions) w.WriteStringValue(d);
            w.WriteEndArray();
            Est(w, "share", c.Share);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("breakdowns");
        foreach (var (column, values) in g.Breakdowns)
        {
            w.WriteStartArray(column);
            foreach (var v in values)
            {
                w.WriteStartObject();
                w.WriteString("value", v.Value);
                if (v.Code is { } code) w.WriteNumber("code", code);
                w.WriteNumber("children", v.Children);
                Est(w, "populationShare", v.PopulationShare);
                w.WriteStartArray("cutoffs");
                foreach (var c in v.Cutoffs) WriteCutoff(w, c);
                w.WriteEndArray();
                w.WriteEndObject();
                FlushEvery(w);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (g.Monetary is { } m)
        {
            w.WriteStartObject("monetary");
            w.WriteNumber("k", m.K);
            Est(w, "both", m.Both);
            Est(w, "multidimensionalOnly", m.MultidimensionalOnly);
            Est(w, "monetaryOnly", m.MonetaryOnly);
            Est(w, "neither", m.Neither);
            Est(w, "deprivedNotPoor", m.DeprivedNotPoor);
            Est(w, "poorNotDeprived", m.PoorNotDeprived);
            w.WriteEndObject();
        }
        if (g.Contrasts.Count > 0)
        {
            w.WriteStartArray("contrasts");
            foreach (var c in g.Contrasts)
            {
                w.WriteStartObject();
                w.WriteString("column", c.Column);
                w.WriteString("a", c.A);
                w.WriteString("b", c.B);
                w.WriteStartArray("cutoffs");
                foreach (var k in c.Cutoffs)
                {
                    w.WriteStartObject();
                    w.WriteNumber("k", k.K);
                    Est(w, "H", k.H);
                    Est(w, "A", k.A);
                    Est(w, "M0", k.M0);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    // The writer holds what it writes until flushed: a breakdown by thousands of values is
    // hundreds of megabytes of JSON, which goes to the stream a megabyte at a time.
    private static void FlushEvery(Utf8JsonWriter w)
    {
        if (w.BytesPending >= 1 << 20) w.Flush();
    }

    private static void WriteCutoff(Utf8JsonWriter w, CutoffResult c)
    {
        w.WriteStartObject();
        if (c.K is { } k) w.WriteNumber("k", k); else w.WriteNull("k");
        if (c.Share is { } s) w.WriteNumber("share", s); else w.WriteNull("share");
        Est(w, "H", c.H);
        Est(w, "A", c.A);
        Est(w, "M0", c.M0);
        w.WriteStartObject("censored");
        foreach (var (name, e) in c.Censored) Est(w, name, e);
        w.WriteEndObject();
        w.WriteStartObject("contributions");
        foreach (var (name, e) in c.Contributions) Est(w, name, e);
        w.WriteEndObject();
        if (c.Contribution is { } sub) Est(w, "contribution", sub);
        w.WriteEndObject();
    }

    private static void Est(Utf8JsonWriter w, string name, Estimate e)
    {
        w.WriteStartObject(name);
        Num(w, "estimate", e.Value);
        Num(w, "se", e.Se);
        Num(w, "ciLow", e.CiLow);
        Num(w, "ciHigh", e.CiHigh);
        w.WriteEndObject();
    }

    private static void Num(Utf8JsonWriter w, string name, double x)
    {
        if (double.IsFinite(x)) w.WriteNumber(name, x); else w.WriteNull(name);
    }
}
