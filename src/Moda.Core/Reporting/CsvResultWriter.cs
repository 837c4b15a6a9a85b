using System.Globalization;
using Moda.Results;

namespace Moda.Reporting;

/// <summary>
/// Writes every estimate as one long table:
/// <c>ageGroup,breakdown,group,k,measure,estimate,se,ciLow,ciHigh</c>. <c>breakdown</c> and
/// <c>group</c> name the breakdown column and value (empty for the whole age group); <c>k</c> is
/// the cut-off (a count, or the share for a score cut-off); <c>measure</c> names the figure
/// (e.g. <c>H</c>, <c>rate:water</c>, <c>censored:water</c>, <c>pair:water+sanitation</c>;
/// a contrast's rows have <c>group</c> "a-b" and measures <c>difference:H</c>, <c>difference:M0</c>).
/// </summary>
public static class CsvResultWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "ageGroup,breakdown,group,k,measure,estimate,se,ciLow,ciHigh";

    /// <summary>Writes the table.</summary>
    public static void Write(ModaResults results, TextWriter w)
    {
        w.Write(Header);
        w.Write('\n');
        foreach (var g in results.AgeGroups)
        {
            void Row(string breakdown, string group, string k, string measure, Estimate e) =>
                w.Write($"{Field(g.Name)},{Field(breakdown)},{Field(group)},{k},{Field(measure)},{N(e.Value)},{N(e.Se)},{N(e.CiLow)},{N(e.CiHigh)}\n");

            foreach (var d in g.Dimensions) Row("", "", "", $"rate:{d.Name}", d.Rate);
            foreach (var i in g.Indicators) Row("", "", "", $"indicator:{i.Name}", i.Rate);
            foreach (var c in g.Distribution)
            {
                Row("", "", "", $"exactly:{c.Count}", c.Share);
                Row("", "", "", $"atLeast:{c.Count}", c.AtLeast);
            }
            foreach (var c in g.Cutoffs) Cutoff(c, "", "", Row);
            foreach (var p in g.Overlap.Pairs) Row("", "", "", $"pair:{p.A}+{p.B}", p.Share);
            foreach (var c in g.Overlap.Combinations) Row("", "", "", $"combination:{string.Join("+", c.Dimensions)}", c.Share);
            foreach (var (column, values) in g.Breakdowns)
                foreach (var v in values)
                {
                    Row(column, v.Value, "", "populationShare", v.PopulationShare);
                    foreach (var c in v.Cutoffs) Cutoff(c, column, v.Value, Row);
                }
            foreach (var c in g.Contrasts)
                foreach (var k in c.Cutoffs)
                {
                    var kk = k.K.ToString(CultureInfo.InvariantCulture);
                    var label = $"{c.A}-{c.B}";
                    Row(c.Column, label, kk, "difference:H", k.H);
                    Row(c.Column, label, kk, "difference:A", k.A);
                    Row(c.Column, label, kk, "difference:M0", k.M0);
                }
            if (g.Monetary is { } m)
            {
                var k = m.K.ToString(CultureInfo.InvariantCulture);
                Row("", "", k, "monetary:both", m.Both);
                Row("", "", k, "monetary:multidimensionalOnly", m.MultidimensionalOnly);
                Row("", "", k, "monetary:monetaryOnly", m.MonetaryOnly);
                Row("", "", k, "monetary:neither", m.Neither);
                Row("", "", k, "monetary:deprivedNotPoor", m.DeprivedNotPoor);
                Row("", "", k, "monetary:poorNotDeprived", m.PoorNotDeprived);
            }
        }
    }

    private static void Cutoff(CutoffResult c, string breakdown, string group, Action<string, string, string, string, Estimate> row)
    {
        var k = c.K?.ToString(CultureInfo.InvariantCulture) ?? N(c.Share ?? double.NaN);
        row(breakdown, group, k, "H", c.H);
        row(breakdown, group, k, "A", c.A);
        row(breakdown, group, k, "M0", c.M0);
        foreach (var (name, e) in c.Censored) row(breakdown, group, k, $"censored:{name}", e);
        foreach (var (name, e) in c.Contributions) row(breakdown, group, k, $"contribution:{name}", e);
        if (c.Contribution is { } sub) row(breakdown, group, k, "subgroupContribution", sub);
    }

    private static string N(double x) => double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
