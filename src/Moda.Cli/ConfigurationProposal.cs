using System.Globalization;
using System.Text;
using System.Text.Json;
using Moda.Data;

namespace Moda.Cli;

/// <summary>
/// <c>moda init --from file</c>: a starting configuration guessed from a file's variables. Design
/// columns and age are guessed from common names; every 0/1 variable becomes a one-indicator
/// dimension to edit; labelled variables with a few labels become breakdowns. Every variable is
/// listed in a comment with its label and value labels, so rules can be written from it.
/// </summary>
internal static class ConfigurationProposal
{
    private static readonly string[] WeightNames = ["weight", "hh_weight", "hhweight", "wt", "chweight", "wmweight", "hv005", "v005"];
    private static readonly string[] StrataNames = ["stratum", "strata", "hv022", "v022"];
    private static readonly string[] ClusterNames = ["psu", "cluster", "hh1", "hv021", "v021"];
    private static readonly string[] AgeNames = ["age", "age_years", "hl6", "cb3"];

    public static string For(DataDescription d)
    {
        var vars = d.Variables;
        string? Pick(string[] names) => names.Select(n => vars.FirstOrDefault(v => v.Info.Name.Equals(n, StringComparison.OrdinalIgnoreCase))?.Info.Name).FirstOrDefault(n => n is not null);
        var weight = Pick(WeightNames);
        var strata = Pick(StrataNames);
        var cluster = Pick(ClusterNames);
        var age = Pick(AgeNames);
        var design = new HashSet<string?>([weight, strata, cluster, age]);
        var binary = vars.Where(v => !design.Contains(v.Info.Name) && v.Min == 0 && v.Max == 1 && v.Distinct == 2).Take(32).ToArray();
        var groupBy = vars.Where(v => !design.Contains(v.Info.Name) && v.Labels.Count is >= 2 and <= 20 && !binary.Contains(v)).Select(v => v.Info.Name).Take(3).ToArray();

        var sb = new StringBuilder();
        // A JSON string literal (JsonEncodedText: the serializer's escaping without its reflection, so AOT-safe).
        string J(string s) => "\"" + JsonEncodedText.Encode(s).Value + "\"";
        sb.AppendLine("{");
        sb.AppendLine($"  // Proposed by `moda init --from {Path.GetFileName(d.File)}` ({d.Format}, {d.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows). A starting point:");
        sb.AppendLine("  // check every guess, then write each indicator's rule (see `moda describe` for the counts).");
        sb.AppendLine("  //");
        sb.AppendLine("  // Variables of the file:");
        foreach (var v in vars)
        {
            var labels = v.Labels.Count == 0 ? "" : ": " + string.Join(", ", v.Labels.Take(30).Select(l => $"{l.Label.Value} {l.Label.Label}")) + (v.Labels.Count > 30 ? ", ..." : "");
            sb.AppendLine($"  //   {v.Info.Name} ({v.Info.StorageType}){(v.Info.Label is { } vl ? " " + vl : "")}{labels}".Replace("\n", " ", StringComparison.Ordinal));
        }
        sb.AppendLine($"  \"name\": {J(Path.GetFileNameWithoutExtension(d.File))},");
        if (weight is not null) sb.AppendLine($"  \"weight\": {J(weight)},");
        if (strata is not null) sb.AppendLine($"  \"strata\": {J(strata)},");
        if (cluster is not null) sb.AppendLine($"  \"cluster\": {J(cluster)},");
        if (age is not null)
        {
            sb.AppendLine($"  \"age\": {J(age)}, \"ageUnit\": \"years\",");
            sb.AppendLine("  \"ageGroups\": [ { \"name\": \"0-4\", \"min\": 0, \"max\": 4 }, { \"name\": \"5-17\", \"min\": 5, \"max\": 17 } ],");
        }
        sb.AppendLine("  \"missingValues\": [\"\", \"NA\", \".\"],");
        sb.AppendLine("  \"dimensions\": [");
        if (binary.Length == 0)
        {
            var first = vars.FirstOrDefault(v => v.Min is not null && !design.Contains(v.Info.Name)) ?? vars[0];
            sb.AppendLine("    // No 0/1 variable was found: replace this example with your dimensions and rules.");
            sb.AppendLine($"    {{ \"name\": {J(first.Info.Name)}, \"indicators\": [ {{ \"name\": {J(first.Info.Name)}, \"column\": {J(first.Info.Name)}, \"deprivedIf\": \"== 1\" }} ] }}");
        }
        else
        {
            sb.AppendLine("    // Each 0/1 variable as a dimension of its own: keep, group and edit (is 1 deprived, or 0?).");
            for (var i = 0; i < binary.Length; i++)
            {
                var name = binary[i].Info.Name;
                var note = binary[i].Info.Label is { } l ? $"  // {l}".Replace("\n", " ", StringComparison.Ordinal) : "";
                sb.AppendLine($"    {{ \"name\": {J(name)}, \"indicators\": [ {{ \"name\": {J(name)}, \"column\": {J(name)}, \"deprivedIf\": \"== 1\" }} ] }}{(i + 1 < binary.Length ? "," : "")}{note}");
            }
        }
        sb.AppendLine("  ],");
        sb.AppendLine($"  \"groupBy\": [{string.Join(", ", groupBy.Select(J))}],");
        sb.AppendLine("  \"k\": 1");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
