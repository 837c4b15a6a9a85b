using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Moda.Configuration;
using Moda.Results;

namespace Moda.Tests.Properties;

/// <summary>Which design columns a scenario's specification names.</summary>
internal enum DesignKind
{
    /// <summary>No strata, no clusters: every child is its own PSU.</summary>
    None,
    /// <summary>Strata only: every child is its own PSU within its stratum.</summary>
    Strata,
    /// <summary>Clusters only.</summary>
    Cluster,
    /// <summary>Strata and clusters nested in them.</summary>
    StrataCluster,
}

/// <summary>
/// A random survey of children: a 0/1 deprivation matrix (NaN = missing) over <see cref="D"/>
/// dimensions, positive weights, a stratum and PSU per child (at least 2 PSUs per stratum, each PSU
/// non-empty, PSU labels unique across strata), a breakdown column <c>region</c> (null = missing), and
/// optionally stated dimension weights (positive integers, which Moda rescales to sum to 1).
/// </summary>
internal sealed record Scenario(int D, double[][] Cells, double[] Weight, string[] Stratum, string[] Psu, string?[] Region, DesignKind Design,
    int[]? DimensionWeights = null)
{
    /// <summary>Number of children.</summary>
    public int N => Cells.Length;

    /// <summary>Dimension names d0, d1, ...</summary>
    public string[] DimensionNames => Enumerable.Range(0, D).Select(j => $"d{j}").ToArray();

    /// <summary>The specification: one indicator per dimension (<c>dj == 1</c>), breakdown by region.</summary>
    public ModaSpec Spec(VarianceSpec? variance = null, string? clusterOverride = null) => new()
    {
        Name = "property",
        Weight = "w",
        Strata = Design is DesignKind.Strata or DesignKind.StrataCluster ? "stratum" : null,
        Cluster = clusterOverride ?? (Design is DesignKind.Cluster or DesignKind.StrataCluster ? "psu" : null),
        Dimensions = Enumerable.Range(0, D).Select(j => new DimensionSpec
        {
            Name = $"d{j}",
            Weight = DimensionWeights?[j],
            Indicators = [new IndicatorSpec { Name = $"i{j}", Column = $"d{j}", DeprivedIf = "== 1" }],
        }).ToArray(),
        GroupBy = ["region"],
        K = Math.Min(3, D),
        Variance = variance ?? new VarianceSpec(),
    };

    /// <summary>The data as an in-memory table (with an <c>id</c> column unique per child).</summary>
    public InMemoryTable Table(int? batchRows = null)
    {
        var t = new InMemoryTable(N, batchRows);
        for (var j = 0; j < D; j++)
        {
            var col = new double[N];
            for (var i = 0; i < N; i++) col[i] = Cells[i][j];
            t.Add($"d{j}", col);
        }
        return t.Add("w", Weight).Add("stratum", Stratum).Add("psu", Psu).Add("region", Region)
            .Add("id", Enumerable.Range(0, N).Select(i => $"c{i}").ToArray());
    }

    /// <summary>Runs the analysis and returns the one group (<c>all</c>).</summary>
    public GroupResult Analyze(VarianceSpec? variance = null, string? clusterOverride = null, int? batchRows = null)
    {
        using var table = Table(batchRows);
        var results = ModaAnalyzer.Analyze(table, Spec(variance, clusterOverride));
        return Assert.Single(results.AgeGroups);
    }

    /// <summary>The rows in <paramref name="rows"/> order (repeats allowed).</summary>
    public Scenario Select(IReadOnlyList<int> rows) => this with
    {
        Cells = rows.Select(i => (double[])Cells[i].Clone()).ToArray(),
        Weight = rows.Select(i => Weight[i]).ToArray(),
        Stratum = rows.Select(i => Stratum[i]).ToArray(),
        Psu = rows.Select(i => Psu[i]).ToArray(),
        Region = rows.Select(i => Region[i]).ToArray(),
    };

    /// <summary>A copy with one cell changed.</summary>
    public Scenario WithCell(int row, int dim, double value)
    {
        var cells = Cells.Select(r => (double[])r.Clone()).ToArray();
        cells[row][dim] = value;
        return this with { Cells = cells };
    }

    /// <summary>A copy with one whole row of cells replaced.</summary>
    public Scenario WithRow(int row, double[] values)
    {
        var cells = Cells.Select(r => (double[])r.Clone()).ToArray();
        cells[row] = (double[])values.Clone();
        return this with { Cells = cells };
    }

    /// <summary>True when child i has every dimension observed.</summary>
    public bool Complete(int i) => Cells[i].All(v => !double.IsNaN(v));

    /// <summary>Number of dimensions child i is deprived in.</summary>
    public int Count(int i) => Cells[i].Count(v => v == 1);

    /// <summary>The AF weight of dimension j (stated weights rescaled to sum to 1; 1/d without).</summary>
    public double W(int j) => DimensionWeights is { } a ? (double)a[j] / a.Sum() : 1.0 / D;

    /// <summary>The weighted deprivation score c_i of a complete child.</summary>
    public double Score(int i) => Enumerable.Range(0, D).Sum(j => Cells[i][j] == 1 ? W(j) : 0);

    /// <summary>
    /// Identified at count cut-off k: c_i ≥ k/d, decided exactly in integers
    /// (d·Σ a_j d_ij ≥ k·Σ a_j), so the oracle has no round-off of its own.
    /// </summary>
    public bool Identified(int i, int k)
    {
        if (!Complete(i)) return false;
        var a = DimensionWeights ?? Enumerable.Repeat(1, D).ToArray();
        var deprived = Enumerable.Range(0, D).Where(j => Cells[i][j] == 1).Sum(j => a[j]);
        return (long)D * deprived >= (long)k * a.Sum();
    }

    /// <summary>Every stratum has at least two PSUs (two children when children are the PSUs).</summary>
    public bool IsValid()
    {
        if (N < 2 || D < 1) return false;
        var units = Design switch
        {
            DesignKind.None => Enumerable.Range(0, N).Select(i => ("", $"{i}")),
            DesignKind.Strata => Enumerable.Range(0, N).Select(i => (Stratum[i], $"{i}")),
            DesignKind.Cluster => Psu.Select(p => ("", p)),
            _ => Stratum.Zip(Psu, (s, p) => (s, p)),
        };
        return units.Distinct().GroupBy(u => u.Item1).All(g => g.Count() >= 2);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Scenario d={D}, n={N}, design={Design}, dimension weights={(DimensionWeights is null ? "equal" : string.Join(':', DimensionWeights))}\n");
        for (var i = 0; i < N; i++)
        {
            sb.Append("  [");
            sb.Append(string.Join(' ', Cells[i].Select(v => double.IsNaN(v) ? "." : v.ToString(CultureInfo.InvariantCulture))));
            sb.Append(CultureInfo.InvariantCulture, $"] w={Weight[i]:R} stratum={Stratum[i]} psu={Psu[i]} region={Region[i] ?? "(missing)"}\n");
        }
        return sb.ToString();
    }
}

/// <summary>A scenario with a few extra random integers a property may use to pick rows, cut-offs or dimensions.</summary>
internal sealed record Case(Scenario S, int[] Pick)
{
    /// <inheritdoc />
    public override string ToString() => $"{S}  pick=[{string.Join(", ", Pick)}]";
}

/// <summary>Generators and shrinkers of scenarios.</summary>
internal static class Scenarios
{
    /// <summary>Random scenarios: 2-6 dimensions, <paramref name="minN"/>-60 children, every design kind.</summary>
    public static Gen<Scenario> Gen(int minN = 2, int maxN = 60, int minD = 2, int maxD = 6, int minPsus = 2,
        DesignKind[]? designs = null, bool missing = true, bool? weighted = false) =>
        from d in FsCheck.Fluent.Gen.Choose(minD, maxD)
        from design in FsCheck.Fluent.Gen.Elements(designs ?? [DesignKind.None, DesignKind.Strata, DesignKind.Cluster, DesignKind.StrataCluster])
        from strata in FsCheck.Fluent.Gen.Choose(1, 3)
        from psusPerStratum in FsCheck.Fluent.Gen.Choose(minPsus, Math.Max(minPsus, 4)).ArrayOf(strata)
        let psus = psusPerStratum.Sum()
        from n in FsCheck.Fluent.Gen.Choose(Math.Max(minN, psus), Math.Max(maxN, psus))
        from missingPercent in missing ? FsCheck.Fluent.Gen.Elements(0, 0, 3, 10) : FsCheck.Fluent.Gen.Constant(0)
        from deprivedPercent in FsCheck.Fluent.Gen.Choose(5, 95)
        from draws in FsCheck.Fluent.Gen.Choose(0, 9999).ArrayOf(d).ArrayOf(n)
        from equalWeights in FsCheck.Fluent.Gen.Elements(false, false, true)
        from weights in FsCheck.Fluent.Gen.Choose(1, 10000).Select(x => x / 100.0).ArrayOf(n)
        from psuOfRow in FsCheck.Fluent.Gen.Choose(0, psus - 1).ArrayOf(n)
        from regions in FsCheck.Fluent.Gen.Choose(1, 4)
        from missingRegion in FsCheck.Fluent.Gen.Elements(false, false, true)
        from regionOfRow in FsCheck.Fluent.Gen.Choose(0, missingRegion ? regions : regions - 1).ArrayOf(n)
        from order in FsCheck.Fluent.Gen.Shuffle(Enumerable.Range(0, n).ToArray())
        from stated in weighted is { } fixedChoice ? FsCheck.Fluent.Gen.Constant(fixedChoice) : FsCheck.Fluent.Gen.Elements(false, true)
        from dimensionWeights in FsCheck.Fluent.Gen.Choose(1, 5).ArrayOf(d)
        select Build(d, design, psusPerStratum, draws, missingPercent, deprivedPercent, equalWeights ? null : weights, psuOfRow, regions, regionOfRow, order)
            with { DimensionWeights = stated ? dimensionWeights : null };

    private static Scenario Build(int d, DesignKind design, int[] psusPerStratum, int[][] draws, int missingPercent, int deprivedPercent,
        double[]? weights, int[] psuOfRow, int regions, int[] regionOfRow, int[] order)
    {
        var n = draws.Length;
        var psus = psusPerStratum.Sum();
        var stratumOfPsu = psusPerStratum.SelectMany((count, h) => Enumerable.Repeat(h, count)).ToArray();
        // The first rows cover every PSU once, so no PSU is empty.
        var psu = psuOfRow.Select((p, i) => i < psus ? i : p).ToArray();
        var cells = draws.Select(row => row.Select(x => x / 100 < missingPercent ? double.NaN : x % 100 < deprivedPercent ? 1.0 : 0.0).ToArray()).ToArray();
        var s = new Scenario(d, cells,
            weights ?? Enumerable.Repeat(1.0, n).ToArray(),
            psu.Select(p => $"s{stratumOfPsu[p]}").ToArray(),
            psu.Select(p => $"p{p}").ToArray(),
            regionOfRow.Select(r => r == regions ? null : $"r{r}").ToArray(),
            design);
        return s.Select(order);
    }

    /// <summary>Smaller scenarios that still satisfy the design rules: fewer rows, fewer dimensions, simpler cells, weights and design.</summary>
    public static IEnumerable<Scenario> Shrink(Scenario s)
    {
        if (s.Design != DesignKind.None)
        {
            var simpler = s with { Design = DesignKind.None };
            if (simpler.IsValid()) yield return simpler;
        }
        if (s.DimensionWeights is not null) yield return s with { DimensionWeights = null };
        if (s.D > 1)
            yield return s with { D = s.D - 1, Cells = s.Cells.Select(r => r[..^1]).ToArray(), DimensionWeights = s.DimensionWeights?[..^1] };
        for (var i = 0; i < s.N; i++)
        {
            var smaller = s.Select(Enumerable.Range(0, s.N).Where(r => r != i).ToArray());
            if (smaller.IsValid()) yield return smaller;
        }
        for (var i = 0; i < s.N; i++)
            if (s.Weight[i] != 1)
            {
                var w = (double[])s.Weight.Clone();
                w[i] = 1;
                yield return s with { Weight = w };
            }
        for (var i = 0; i < s.N; i++)
            if (s.Region[i] is not (null or "r0"))
            {
                var r = (string?[])s.Region.Clone();
                r[i] = "r0";
                yield return s with { Region = r };
            }
        for (var i = 0; i < s.N; i++)
            for (var j = 0; j < s.D; j++)
                if (s.Cells[i][j] != 0) yield return s.WithCell(i, j, 0);
    }

    /// <summary>Random scenarios with shrinking.</summary>
    public static Arbitrary<Scenario> Arb(int minN = 2, int maxN = 60, int minD = 2, int maxD = 6, int minPsus = 2,
        DesignKind[]? designs = null, bool missing = true, bool? weighted = false) =>
        FsCheck.Fluent.Arb.From(Gen(minN, maxN, minD, maxD, minPsus, designs, missing, weighted), Shrink);

    /// <summary>Random cases: a scenario and <paramref name="picks"/> integers in [0, 1 000 000); only the scenario shrinks.</summary>
    public static Arbitrary<Case> Cases(int picks, int minN = 2, int maxN = 60, int minD = 2, int maxD = 6, int minPsus = 2,
        DesignKind[]? designs = null, bool missing = true, bool? weighted = false) =>
        FsCheck.Fluent.Arb.From(
            from s in Gen(minN, maxN, minD, maxD, minPsus, designs, missing, weighted)
            from p in FsCheck.Fluent.Gen.Choose(0, 999_999).ArrayOf(picks)
            select new Case(s, p),
            c => Shrink(c.S).Select(s => c with { S = s }));
}
