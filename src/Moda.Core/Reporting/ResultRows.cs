using System.Globalization;
using Moda.Results;

namespace Moda.Reporting;

/// <summary>One estimate of the long results table.</summary>
/// <param name="AgeGroup">The age group, or <c>all</c>.</param>
/// <param name="Breakdown">The breakdown column; empty for the whole age group.</param>
/// <param name="Group">The breakdown value; empty for the whole age group.</param>
/// <param name="K">The cut-off: a count, the share of a score cut-off, or empty.</param>
/// <param name="Measure">What is estimated, e.g. <c>H</c>, <c>rate:water</c>, <c>censored:water</c>.</param>
/// <param name="Estimate">The estimate with its standard error and interval.</param>
public sealed record ResultRow(string AgeGroup, string Breakdown, string Group, string K, string Measure, Estimate Estimate);

/// <summary>Flattens results into the long table that the CSV output and the DataFrame bridge share.</summary>
public static class ResultRows
{
    /// <summary>Every estimate of <paramref name="results"/>, one row each.</summary>
    public static IEnumerable<ResultRow> Enumerate(ModaResults results)
    {
        foreach (var g in results.AgeGroups)
        {
            ResultRow Row(string breakdown, string group, string k, string measure, Estimate e) => new(g.Name, breakdown, group, k, measure, e);

            foreach (var d in g.Dimensions) yield return Row("", "", "", $"rate:{d.Name}", d.Rate);
            foreach (var i in g.Indicators) yield return Row("", "", "", $"indicator:{i.Name}", i.Rate);
            foreach (var c in g.Distribution)
            {
                yield return Row("", "", "", $"exactly:{c.Count}", c.Share);
                yield return Row("", "", "", $"atLeast:{c.Count}", c.AtLeast);
            }
            foreach (var c in g.Cutoffs)
                foreach (var r in Cutoff(g.Name, c, "", "")) yield return r;
            foreach (var p in g.Overlap.Pairs) yield return Row("", "", "", $"pair:{p.A}+{p.B}", p.Share);
            foreach (var c in g.Overlap.Combinations) yield return Row("", "", "", $"combination:{string.Join("+", c.Dimensions)}", c.Share);
            foreach (var (column, values) in g.Breakdowns)
                foreach (var v in values)
                {
                    yield return Row(column, v.Value, "", "populationShare", v.PopulationShare);
                    foreach (var c in v.Cutoffs)
                        foreach (var r in Cutoff(g.Name, c, column, v.Value)) yield return r;
                }
            foreach (var c in g.Contrasts)
                foreach (var k in c.Cutoffs)
                {
                    var kk = k.K.ToString(CultureInfo.InvariantCulture);
                    var label = $"{c.A}-{c.B}";
                    yield return Row(c.Column, label, kk, "difference:H", k.H);
                    yield return Row(c.Column, label, kk, "difference:A", k.A);
                    yield return Row(c.Column, label, kk, "difference:M0", k.M0);
                }
            if (g.Monetary is { } m)
            {
                var k = m.K.ToString(CultureInfo.InvariantCulture);
                yield return Row("", "", k, "monetary:both", m.Both);
                yield return Row("", "", k, "monetary:multidimensionalOnly", m.MultidimensionalOnly);
                yield return Row("", "", k, "monetary:monetaryOnly", m.MonetaryOnly);
                yield return Row("", "", k, "monetary:neither", m.Neither);
                yield return Row("", "", k, "monetary:deprivedNotPoor", m.DeprivedNotPoor);
                yield return Row("", "", k, "monetary:poorNotDeprived", m.PoorNotDeprived);
            }
        }
    }

    private static IEnumerable<ResultRow> Cutoff(string ageGroup, CutoffResult c, string breakdown, string group)
    {
        var k = c.K?.ToString(CultureInfo.InvariantCulture) ?? (c.Share ?? double.NaN).ToString("R", CultureInfo.InvariantCulture);
        yield return new(ageGroup, breakdown, group, k, "H", c.H);
        yield return new(ageGroup, breakdown, group, k, "A", c.A);
        yield return new(ageGroup, breakdown, group, k, "M0", c.M0);
        foreach (var (name, e) in c.Censored) yield return new(ageGroup, breakdown, group, k, $"censored:{name}", e);
        foreach (var (name, e) in c.Contributions) yield return new(ageGroup, breakdown, group, k, $"contribution:{name}", e);
        if (c.Contribution is { } sub) yield return new(ageGroup, breakdown, group, k, "subgroupContribution", sub);
    }
}
