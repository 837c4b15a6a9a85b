using System.Globalization;
using Moda.Configuration;
using Moda.Estimation;
using Moda.Results;

namespace Moda.Tests.Survey;

/// <summary>
/// Expected values computed by R's survey package (tests/oracles/survey_oracle.R), and the Moda
/// analyses that reproduce each of its designs on the same fixture.
/// </summary>
internal static class RSurveyOracle
{
    public sealed record Row(string Design, string Domain, string Measure, int? K, double Estimate, double Se, double CiLow, double CiHigh)
    {
        public override string ToString() => $"{Design}/{Domain}/{Measure}/k={K}";
    }

    public static IReadOnlyList<Row> Rows { get; } = Load();

    private static List<Row> Load()
    {
        static double N(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
        return File.ReadLines(TestPaths.Oracle("expected.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => new Row(f[0], f[1], f[2], f[3].Length == 0 ? null : int.Parse(f[3], CultureInfo.InvariantCulture), N(f[4]), N(f[5]), N(f[6]), N(f[7])))
            .ToList();
    }

    /// <summary>Four 0/1 dimensions d1..d4, age groups 0-5 and 6-17, breakdown by county.</summary>
    public static ModaSpec Spec(string? strata = "stratum", string? cluster = "psu") => new()
    {
        Weight = "weight",
        Strata = strata,
        Cluster = cluster,
        Age = "age",
        AgeGroups = [new AgeGroupSpec("0-5", 0, 5), new AgeGroupSpec("6-17", 6, 17)],
        Dimensions = Enumerable.Range(1, 4).Select(j => new DimensionSpec
        {
            Name = $"d{j}",
            Indicators = [new IndicatorSpec { Name = $"d{j}", Column = $"d{j}", DeprivedIf = "== 1" }],
        }).ToArray(),
        GroupBy = ["county"],
    };

    private static readonly Dictionary<string, ModaAnalysis> Cache = [];

    /// <summary>The Moda analysis matching an R design name.</summary>
    public static ModaAnalysis Analysis(string design)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(design, out var a)) return a;
            var file = TestPaths.Oracle(design.StartsWith("e_", StringComparison.Ordinal) ? "lonely.csv" : "design.csv");
            var spec = design switch
            {
                "a" or "design" => Spec(),
                "b_fpc" => Spec() with { Variance = new VarianceSpec { Fpc = "fpc" } },
                "c_nodesign" => Spec(strata: null, cluster: null),
                "d_strata_only" => Spec(cluster: null),
                "e_certainty" => Spec() with { Variance = new VarianceSpec { LonelyPsu = LonelyPsuRule.Certainty } },
                "e_remove" => Spec() with { Variance = new VarianceSpec { LonelyPsu = LonelyPsuRule.Remove } },
                "e_adjust" => Spec() with { Variance = new VarianceSpec { LonelyPsu = LonelyPsuRule.Centered } },
                "e_average" => Spec() with { Variance = new VarianceSpec { LonelyPsu = LonelyPsuRule.Average } },
                "f_t" => Spec() with { Variance = new VarianceSpec { Interval = IntervalKind.T } },
                "g_subbootstrap" => Spec() with { Variance = new VarianceSpec { Method = VarianceMethod.Bootstrap } },
                _ => throw new ArgumentException(design),
            };
            var options = design == "g_subbootstrap" ? new AnalysisOptions { BootstrapCounts = RCounts("g_subbootstrap_counts.csv") } : null;
            return Cache[design] = ModaAnalysis.Run(file, spec, options);
        }
    }

    // R's own draws: replicate × PSU, columns psu_101, psu_102, ...
    private static BootstrapCounts RCounts(string file)
    {
        var lines = File.ReadAllLines(TestPaths.Oracle(file));
        var labels = lines[0].Split(',').Skip(1).Select(h => h["psu_".Length..]).ToArray();
        var counts = lines.Skip(1).Select(l => l.Split(',').Skip(1).Select(int.Parse).ToArray()).ToArray();
        return new BootstrapCounts(counts, labels);
    }

    /// <summary>Moda's value for an oracle row, or null when Moda does not report that figure.</summary>
    public static Estimate? Lookup(Row row)
    {
        var analysis = Analysis(row.Design);
        var results = analysis.Results;
        var groupName = row.Domain == "age0_5" ? "0-5" : "all";
        var g = results.AgeGroups.Single(x => x.Name == groupName);
        CutoffResult Cut(IReadOnlyList<CutoffResult> cuts) => cuts.Single(c => c.K == row.K);
        var m = row.Measure;
        if (row.Domain.StartsWith("county_", StringComparison.Ordinal))
        {
            var value = g.Breakdowns["county"].Single(v => v.Value == row.Domain["county_".Length..]);
            return Pick(Cut(value.Cutoffs), m);
        }
        if (m is "H" or "A" or "M0") return Pick(Cut(g.Cutoffs), m);
        if (m.StartsWith("CH_", StringComparison.Ordinal)) return Cut(g.Cutoffs).Censored[m[3..]];
        if (m.StartsWith("contrib_", StringComparison.Ordinal)) return Cut(g.Cutoffs).Contributions[m[8..]];
        if (m.StartsWith("rate_", StringComparison.Ordinal)) return g.Dimensions.Single(d => d.Name == m[5..]).Rate;
        if (m.StartsWith("dist_", StringComparison.Ordinal)) return g.Distribution.Single(d => d.Count == int.Parse(m[5..], CultureInfo.InvariantCulture)).Share;
        if (m.StartsWith("pair_", StringComparison.Ordinal))
        {
            var parts = m.Split('_');
            return g.Overlap.Pairs.Single(p => p.A == parts[1] && p.B == parts[2]).Share;
        }
        if (m.StartsWith("popshare_", StringComparison.Ordinal))
            return g.Breakdowns["county"].Single(v => v.Value == m[9..]).PopulationShare;
        if (m.StartsWith("subgroup_contrib_", StringComparison.Ordinal))
            return g.Breakdowns["county"].Single(v => v.Value == m[17..]).Cutoffs.Single(c => c.K == 2).Contribution;
        if (m.StartsWith("diff_M0_", StringComparison.Ordinal))
        {
            var parts = m.Split('_'); // diff_M0_A_minus_B
            return analysis.Difference("all", "county", parts[2], parts[4], 2, "M0");
        }
        if (m == "degf")
            return Estimate.Point(groupName == "all" ? results.Design.DegreesOfFreedom : double.NaN);
        return null;
    }

    private static Estimate Pick(CutoffResult c, string measure) => measure switch
    {
        "H" => c.H,
        "A" => c.A,
        "M0" => c.M0,
        _ => throw new ArgumentException(measure),
    };
}
