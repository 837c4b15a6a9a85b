using System.Globalization;
using System.Text;
using Moda.Results;

namespace Moda.Reporting;

/// <summary>
/// Writes the profile as plain-text tables for a terminal: shares as percentages with their
/// standard error and 95% interval in percentage points.
/// </summary>
public static class TableResultWriter
{
    /// <summary>Writes the tables. <paramref name="headlineK"/> selects the cut-off shown in breakdowns.</summary>
    public static void Write(ModaResults results, TextWriter w, int headlineK)
    {
        w.WriteLine($"MODA profile of {results.Input.File}: {results.Input.Rows:N0} rows, configuration: {results.Input.Config}");
        var d = results.Design;
        w.WriteLine($"Design: {d.Strata} strata, {d.Psus:N0} PSUs, df {d.DegreesOfFreedom}; {d.Method} standard errors, {d.Level * 100:0.##}% {d.Interval} intervals" +
                    (d.LonelyStrata.Count > 0 ? $"; {d.LonelyStrata.Count} lonely-PSU strata ({d.LonelyPsu})" : ""));
        if (results.DroppedDimensions.Count > 0)
            w.WriteLine($"Left out (no such column in the data): {string.Join(", ", results.DroppedDimensions)}");
        if (results.Input.Unassigned > 0)
            w.WriteLine($"Rows in no age group (age missing or out of range): {results.Input.Unassigned:N0}");
        foreach (var g in results.AgeGroups) WriteGroup(w, g, headlineK);
    }

    private static void WriteGroup(TextWriter w, GroupResult g, int headlineK)
    {
        w.WriteLine();
        var title = $"Age group {g.Name}: {g.Children:N0} children (population {g.Population:N0}), {g.Excluded:N0} excluded for missing dimensions";
        w.WriteLine(title);
        w.WriteLine(new string('=', title.Length));

        var t = new Table("Dimension", "Deprived %", "SE", "95% CI");
        foreach (var r in g.Dimensions) t.Add(r.Name, Pct(r.Rate.Value), Pct(r.Rate.Se), Ci(r.Rate));
        t.Write(w, "Single-dimension deprivation rates");

        if (g.Indicators.Count > g.Dimensions.Count)
        {
            t = new Table("Indicator", "Dimension", "Deprived %", "SE", "95% CI");
            foreach (var r in g.Indicators) t.Add(r.Name, r.Dimension, Pct(r.Rate.Value), Pct(r.Rate.Se), Ci(r.Rate));
            t.Write(w, "Indicators");
        }

        t = new Table("Deprivations", "Exactly %", "SE", "At least %", "SE");
        foreach (var c in g.Distribution) t.Add(c.Count.ToString(CultureInfo.InvariantCulture), Pct(c.Share.Value), Pct(c.Share.Se), Pct(c.AtLeast.Value), Pct(c.AtLeast.Se));
        t.Write(w, "Deprivation count distribution");

        t = new Table("k", "H %", "SE", "95% CI", "A %", "SE", "M0", "SE");
        foreach (var c in g.Cutoffs)
            t.Add(CutName(c), Pct(c.H.Value), Pct(c.H.Se), Ci(c.H), Pct(c.A.Value), Pct(c.A.Se), F(c.M0.Value, "0.0000"), F(c.M0.Se, "0.0000"));
        t.Write(w, "Alkire-Foster measures by cut-off (H headcount, A intensity, M0 = H x A)");

        var head = g.Cutoffs.FirstOrDefault(c => c.K == headlineK) ?? g.Cutoffs.LastOrDefault(c => c.K is not null);
        if (head is not null)
        {
            t = new Table("Dimension", "Censored H %", "SE", "Contribution %", "SE");
            foreach (var (name, e) in head.Censored) t.Add(name, Pct(e.Value), Pct(e.Se), Pct(head.Contributions[name].Value), Pct(head.Contributions[name].Se));
            t.Write(w, $"Censored headcounts and contributions to M0 at k = {CutName(head)}");
        }

        if (g.Overlap.Combinations.Count > 0)
        {
            t = new Table("Exactly these deprivations", "Share %", "SE");
            foreach (var c in g.Overlap.Combinations.Take(10)) t.Add(string.Join(" + ", c.Dimensions), Pct(c.Share.Value), Pct(c.Share.Se));
            t.Write(w, $"Most common combinations (10 of {g.Overlap.Combinations.Count}; full list in JSON/CSV)");
        }

        foreach (var (column, values) in g.Breakdowns)
        {
            t = new Table(column, "Children", "Pop. share %", "H %", "SE", "M0", "SE", "Contribution %");
            foreach (var v in values)
            {
                var c = v.Cutoffs.FirstOrDefault(x => x.K == head?.K);
                if (c is null) continue;
                t.Add(v.Value, v.Children.ToString("N0", CultureInfo.InvariantCulture), Pct(v.PopulationShare.Value), Pct(c.H.Value), Pct(c.H.Se),
                    F(c.M0.Value, "0.0000"), F(c.M0.Se, "0.0000"), Pct(c.Contribution?.Value ?? double.NaN));
            }
            t.Write(w, $"By {column} at k = {(head is null ? "-" : CutName(head))}");
        }

        foreach (var c in g.Contrasts)
        {
            t = new Table("k", "H diff (pp)", "SE", "95% CI", "M0 diff", "SE", "95% CI");
            foreach (var k in c.Cutoffs)
                t.Add(k.K.ToString(CultureInfo.InvariantCulture), Pct(k.H.Value), Pct(k.H.Se),
                    double.IsFinite(k.H.CiLow) ? $"{Pct(k.H.CiLow)} to {Pct(k.H.CiHigh)}" : "-",
                    F(k.M0.Value, "0.0000"), F(k.M0.Se, "0.0000"),
                    double.IsFinite(k.M0.CiLow) ? $"{F(k.M0.CiLow, "0.0000")} to {F(k.M0.CiHigh, "0.0000")}" : "-");
            t.Write(w, $"{c.Column}: {c.A} minus {c.B}");
        }

        if (g.Monetary is { } m)
        {
            t = new Table("", "Monetary poor %", "Not monetary poor %");
            t.Add($"Deprived (k = {m.K})", Pct(m.Both.Value), Pct(m.MultidimensionalOnly.Value));
            t.Add("Not deprived", Pct(m.MonetaryOnly.Value), Pct(m.Neither.Value));
            t.Write(w, "Overlap with monetary poverty");
            w.WriteLine($"  Deprived children not monetary poor (missed by income targeting): {Pct(m.DeprivedNotPoor.Value)}% (SE {Pct(m.DeprivedNotPoor.Se)})");
            w.WriteLine($"  Monetary poor children not multidimensionally deprived: {Pct(m.PoorNotDeprived.Value)}% (SE {Pct(m.PoorNotDeprived.Se)})");
        }
    }

    private static string CutName(CutoffResult c) =>
        c.K?.ToString(CultureInfo.InvariantCulture) ?? $"c>={F(c.Share ?? double.NaN, "0.###")}";

    private static string Pct(double x) => F(x * 100, "0.0");

    private static string Ci(Estimate e) =>
        double.IsFinite(e.CiLow) ? $"{Pct(e.CiLow)}-{Pct(e.CiHigh)}" : "-";

    private static string F(double x, string format) =>
        double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    private sealed class Table(params string[] header)
    {
        private readonly List<string[]> _rows = [];

        public void Add(params string[] row) => _rows.Add(row);

        public void Write(TextWriter w, string title)
        {
            w.WriteLine();
            w.WriteLine(title);
            var widths = header.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
            string Line(string[] cells) =>
                string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
            w.WriteLine("  " + Line(header));
            w.WriteLine("  " + string.Join("  ", widths.Select(x => new string('-', x))));
            foreach (var r in _rows) w.WriteLine("  " + Line(r));
        }
    }
}
