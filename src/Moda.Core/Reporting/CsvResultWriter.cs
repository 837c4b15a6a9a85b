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
        foreach (var r in ResultRows.Enumerate(results))
        {
            var e = r.Estimate;
            w.Write($"{Field(r.AgeGroup)},{Field(r.Breakdown)},{Field(r.Group)},{r.K},{Field(r.Measure)},{N(e.Value)},{N(e.Se)},{N(e.CiLow)},{N(e.CiHigh)}\n");
        }
    }

    private static string N(double x) => double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
