using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Configuration;
using Moda.Results;
using static Moda.Tests.Properties.Figures;

namespace Moda.Tests.Properties;

/// <summary>
/// The properties every MODA implementation must keep (docs/moda-method.md), checked on random
/// surveys: 2-60 children, 2-6 dimensions of 0/1 cells with some missing, positive weights, random
/// strata and PSUs (at least two PSUs per stratum) and a random breakdown column. Identities that
/// hold for any AF weights also run with random stated dimension weights; the axioms phrased in
/// counts (dimensional monotonicity, poverty focus) run with equal weights.
/// </summary>
public class ModaPropertyTests
{
    private const int Tests = 100;

    // ---- Alkire-Foster identities -------------------------------------------------------------

    [Property(MaxTest = Tests)]
    public Property M0IsHTimesA() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        foreach (var c in g.Cutoffs)
        {
            if (!(c.H.Value > 0)) continue;
            AssertClose(c.M0.Value, c.H.Value * c.A.Value, $"k={c.K}: M0 vs H·A");
        }
    });

    [Property(MaxTest = Tests)]
    public Property M0IsWeightedSumOfCensoredHeadcounts() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        foreach (var c in g.Cutoffs)
        {
            if (!c.M0.HasValue) continue;
            var sum = Enumerable.Range(0, s.D).Sum(j => s.W(j) * c.Censored[$"d{j}"].Value);
            AssertClose(c.M0.Value, sum, $"k={c.K}: M0 vs Σ w_j CH_j");
        }
    });

    [Property(MaxTest = Tests)]
    public Property ContributionsSumToOne() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        foreach (var c in g.Cutoffs)
        {
            if (!(c.M0.Value > 0)) continue;
            AssertClose(1, c.Contributions.Values.Sum(e => e.Value), $"k={c.K}: Σ contributions");
        }
    });

    /// <summary>An oracle: H, A, M0, CH_j and the dimension rates computed straight from the matrix.</summary>
    [Property(MaxTest = Tests)]
    public Property EstimatesAgreeWithDirectComputation() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        for (var j = 0; j < s.D; j++)
        {
            double num = 0, den = 0;
            for (var i = 0; i < s.N; i++)
                if (!double.IsNaN(s.Cells[i][j])) { den += s.Weight[i]; num += s.Weight[i] * s.Cells[i][j]; }
            AssertClose(num / den, g.Dimensions[j].Rate.Value, $"rate d{j}");
        }
        if (!Enumerable.Range(0, s.N).Any(s.Complete)) return;
        for (var k = 1; k <= s.D; k++)
        {
            var c = g.Cutoffs.At(k);
            var kk = k;
            var h = Share(s, i => s.Identified(i, kk));
            var m0 = Mean(s, i => s.Identified(i, kk) ? s.Score(i) : 0);
            AssertClose(h, c.H.Value, $"k={k}: H");
            AssertClose(m0, c.M0.Value, $"k={k}: M0");
            if (h > 0) AssertClose(m0 / h, c.A.Value, $"k={k}: A");
            for (var j = 0; j < s.D; j++)
            {
                var jj = j;
                AssertClose(Share(s, i => s.Identified(i, kk) && s.Cells[i][jj] == 1), c.Censored[$"d{j}"].Value, $"k={k}: CH d{j}");
            }
        }
    });

    // ---- Subgroup decomposition ---------------------------------------------------------------

    [Property(MaxTest = Tests)]
    public Property SubgroupDecomposition() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        var values = g.Breakdowns["region"];
        if (!g.Cutoffs[0].H.HasValue) return; // no complete child: nothing to decompose
        AssertClose(1, values.Sum(v => v.PopulationShare.Value), "Σ population shares");
        foreach (var c in g.Cutoffs)
        {
            double m0 = 0, h = 0, contribution = 0;
            foreach (var v in values)
            {
                var share = v.PopulationShare.Value;
                var sub = v.Cutoffs.Single(x => x.K == c.K);
                if (share == 0) continue; // every child of the value excluded for missing data: M0_l undefined, weight 0
                m0 += share * sub.M0.Value;
                h += share * sub.H.Value;
                contribution += sub.Contribution!.Value.Value;
            }
            AssertClose(c.M0.Value, m0, $"k={c.K}: Σ share_l M0_l");
            AssertClose(c.H.Value, h, $"k={c.K}: Σ share_l H_l");
            if (c.M0.Value > 0) AssertClose(1, contribution, $"k={c.K}: Σ subgroup contributions");
        }
    });

    /// <summary>
    /// Life cycle: two age groups with their own (random, possibly overlapping) dimension sets. The
    /// pooled group's H and M0 at every k are the age groups' figures weighted by their population
    /// shares (a group with d_g &lt; k contributes 0), and agree with a direct computation where
    /// child i counts s_i against its own group's d_g.
    /// </summary>
    [Property(MaxTest = Tests)]
    public Property AgeGroupsDecomposePooledFigures() => Prop.ForAll(Scenarios.Cases(3), c =>
    {
        var s = c.S;
        var d = s.D;
        var all = (1 << d) - 1;
        var youngMask = 1 + c.Pick[0] % all;                       // non-empty
        var oldMask = (all & ~youngMask) | (c.Pick[1] % (all + 1)); // covers the rest
        if (oldMask == 0) oldMask = youngMask;
        var rnd = new Random(c.Pick[2]);
        var age = Enumerable.Range(0, s.N).Select(_ => rnd.Next(2) == 0 ? 3.0 : 12.0).ToArray();
        int[] masks = [youngMask, oldMask];
        string[] names = ["0-5", "6-17"];
        var spec = s.Spec() with
        {
            Age = "age",
            AgeGroups = [new AgeGroupSpec("0-5", 0, 5), new AgeGroupSpec("6-17", 6, 17)],
            Dimensions = Enumerable.Range(0, d).Select(j => new DimensionSpec
            {
                Name = $"d{j}",
                Indicators = [new IndicatorSpec
                {
                    Name = $"i{j}", Column = $"d{j}", DeprivedIf = "== 1",
                    AgeGroups = Enumerable.Range(0, 2).Where(g => (masks[g] >> j & 1) != 0).Select(g => names[g]).ToArray(),
                }],
            }).ToArray(),
        };
        using var table = s.Table().Add("age", age);
        var results = ModaAnalyzer.Analyze(table, spec);
        var pooled = results.AgeGroups.Single(g => g.Name == "all");

        int GroupOf(int i) => age[i] < 6 ? 0 : 1;
        int[] Dims(int g) => Enumerable.Range(0, d).Where(j => (masks[g] >> j & 1) != 0).ToArray();
        bool Complete(int i) => Dims(GroupOf(i)).All(j => !double.IsNaN(s.Cells[i][j]));
        int Count(int i) => Dims(GroupOf(i)).Count(j => s.Cells[i][j] == 1);
        var population = new double[2];
        for (var i = 0; i < s.N; i++) if (Complete(i)) population[GroupOf(i)] += s.Weight[i];
        var total = population.Sum();
        if (total == 0) return;
        var maxD = Math.Max(Dims(0).Length, Dims(1).Length);
        Assert.Equal(Enumerable.Range(1, maxD), pooled.Cutoffs.Select(x => x.K!.Value));
        for (var k = 1; k <= maxD; k++)
        {
            double h = 0, m0 = 0, directH = 0, directM0 = 0;
            for (var g = 0; g < 2; g++)
            {
                if (population[g] == 0) continue;
                var cut = results.AgeGroups.Single(x => x.Name == names[g]).Cutoffs.SingleOrDefault(x => x.K == k);
                if (cut is null) { Assert.True(k > Dims(g).Length, $"group {names[g]} has no k={k}"); continue; }
                h += population[g] / total * cut.H.Value;
                m0 += population[g] / total * cut.M0.Value;
            }
            for (var i = 0; i < s.N; i++)
            {
                if (!Complete(i) || Count(i) < k) continue;
                directH += s.Weight[i] / total;
                directM0 += s.Weight[i] / total * Count(i) / Dims(GroupOf(i)).Length;
            }
            var p = pooled.Cutoffs.At(k);
            AssertClose(h, p.H.Value, $"k={k}: pooled H vs Σ_g share_g H_g");
            AssertClose(m0, p.M0.Value, $"k={k}: pooled M0 vs Σ_g share_g M0_g");
            AssertClose(directH, p.H.Value, $"k={k}: pooled H vs data");
            AssertClose(directM0, p.M0.Value, $"k={k}: pooled M0 vs data");
        }
    });

    // ---- Overlaps -----------------------------------------------------------------------------

    [Property(MaxTest = Tests)]
    public Property CombinationsAndNoDeprivationSumToOne() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        if (!g.Distribution[0].Share.HasValue) return;
        var total = g.Overlap.Combinations.Sum(c => c.Share.Value) + g.Distribution[0].Share.Value;
        AssertClose(1, total, "Σ combination shares + share with no deprivation");
        AssertClose(1 - g.Distribution[0].Share.Value, g.Distribution[1].AtLeast.Value, "1 − share with none vs share with at least 1");
    });

    /// <summary>For every three dimensions (two when d = 2), the combinations touching them add up to their union rate.</summary>
    [Property(MaxTest = Tests)]
    public Property VennCellsSumToUnion() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        if (!g.Distribution[0].Share.HasValue) return;
        var size = Math.Min(3, s.D);
        foreach (var chosen in Subsets(s.D, size))
        {
            var names = chosen.Select(j => $"d{j}").ToHashSet();
            var venn = g.Overlap.Combinations.Where(c => c.Dimensions.Any(names.Contains)).Sum(c => c.Share.Value);
            var union = Share(s, i => chosen.Any(j => s.Cells[i][j] == 1));
            AssertClose(union, venn, $"union of {string.Join(", ", names)}");
        }
    });

    /// <summary>
    /// A pair's share is the sum of the combinations holding both dimensions, with 2-10 dimensions
    /// (up to 45 pairs: their per-unit totals come 32 pairs a pass); with two dimensions it is the
    /// share deprived in exactly 2, standard error included (one ratio, two ways to its totals).
    /// </summary>
    [Property(MaxTest = Tests)]
    public Property PairSharesAreTheirCombinations() => Prop.ForAll(Scenarios.Arb(maxD: 10, weighted: null), s =>
    {
        var g = s.Analyze();
        if (!g.Distribution[0].Share.HasValue) return;
        Assert.Equal(s.D * (s.D - 1) / 2, g.Overlap.Pairs.Count);
        foreach (var pair in g.Overlap.Pairs)
        {
            var both = g.Overlap.Combinations.Where(c => c.Dimensions.Contains(pair.A) && c.Dimensions.Contains(pair.B)).Sum(c => c.Share.Value);
            AssertClose(both, pair.Share.Value, $"pair {pair.A}&{pair.B} vs its combinations");
        }
        if (s.D != 2) return;
        var exactly2 = g.Distribution.Single(c => c.Count == 2).Share;
        AssertClose(exactly2.Value, g.Overlap.Pairs[0].Share.Value, "pair vs exactly 2 of 2");
        AssertClose(exactly2.Se, g.Overlap.Pairs[0].Share.Se, "pair vs exactly 2 of 2: se");
    });

    private static IEnumerable<int[]> Subsets(int n, int size)
    {
        if (size == 0) { yield return []; yield break; }
        for (var first = size - 1; first < n; first++)
            foreach (var rest in Subsets(first, size - 1)) yield return [.. rest, first];
    }

    // ---- Monotonicity in k --------------------------------------------------------------------

    [Property(MaxTest = Tests)]
    public Property HeadcountAndM0NonIncreasingInK() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var g = s.Analyze();
        var cuts = g.Cutoffs.OrderBy(c => c.K).ToArray();
        if (!cuts[0].H.HasValue) return;
        for (var t = 1; t < cuts.Length; t++)
        {
            Assert.True(cuts[t].H.Value <= cuts[t - 1].H.Value * (1 + Rel) + Abs, $"H(k={cuts[t].K}) = {cuts[t].H.Value:R} > H(k={cuts[t - 1].K}) = {cuts[t - 1].H.Value:R}");
            Assert.True(cuts[t].M0.Value <= cuts[t - 1].M0.Value * (1 + Rel) + Abs, $"M0(k={cuts[t].K}) = {cuts[t].M0.Value:R} > M0(k={cuts[t - 1].K}) = {cuts[t - 1].M0.Value:R}");
        }
        AssertClose(Share(s, i => s.Identified(i, 1)), cuts[0].H.Value, "H(k=1) vs share with c_i ≥ 1/d (data)");
        if (s.DimensionWeights is not null) return; // with unequal weights c_i ≥ 1/d is not "deprived in ≥ 1 dimension"
        AssertClose(g.Distribution.Single(x => x.Count == 1).AtLeast.Value, cuts[0].H.Value, "H(k=1) vs distribution at least 1");
        AssertClose(Share(s, i => s.Count(i) >= 1), cuts[0].H.Value, "H(k=1) vs share deprived in ≥ 1 dimension (data)");
    });

    // ---- Invariances --------------------------------------------------------------------------

    [Property(MaxTest = Tests)]
    public Property ReplicationInvariance() => Prop.ForAll(Scenarios.Arb(weighted: null), s =>
    {
        var twice = s.Select(Enumerable.Range(0, s.N).SelectMany(i => new[] { i, i }).ToArray());
        AssertSame(s.Analyze(), twice.Analyze(), withSe: false, "every child duplicated");
    });

    [Property(MaxTest = Tests)]
    public Property SymmetryRowOrderChangesNothing() => Prop.ForAll(Scenarios.Cases(1, weighted: null), c =>
    {
        var order = Enumerable.Range(0, c.S.N).ToArray();
        new Random(c.Pick[0]).Shuffle(order);
        AssertSame(c.S.Analyze(), c.S.Select(order).Analyze(), withSe: true, "rows permuted");
    });

    [Property(MaxTest = Tests)]
    public Property WeightScaleInvariance() => Prop.ForAll(Scenarios.Cases(1, weighted: null), c =>
    {
        double[] factors = [1e-3, 0.37, 7, 2.5e4];
        var f = factors[c.Pick[0] % factors.Length];
        var scaled = c.S with { Weight = c.S.Weight.Select(w => w * f).ToArray() };
        AssertSame(c.S.Analyze(), scaled.Analyze(), withSe: true, $"weights × {f}");
    });

    /// <summary>Not in the brief's list, but the reader contract allows any batch size: results must not depend on it.</summary>
    [Property(MaxTest = Tests)]
    public Property BatchSizeChangesNothing() => Prop.ForAll(Scenarios.Cases(1, weighted: null), c =>
    {
        var size = 1 + c.Pick[0] % 7;
        AssertSame(c.S.Analyze(), c.S.Analyze(batchRows: size), withSe: true, $"batches of {size} rows");
    });

    // ---- Axioms of the AF measure -------------------------------------------------------------

    /// <summary>
    /// A poor child (count ≥ k, with a non-deprived dimension) made deprived in one more dimension
    /// strictly raises M0 at k. The child is row pick0 mod n, given count ∈ [k, d−1] complete.
    /// </summary>
    [Property(MaxTest = Tests)]
    public Property DimensionalMonotonicity() => Prop.ForAll(Scenarios.Cases(4), c =>
    {
        var s = c.S;
        var d = s.D;
        if (d < 2) return;
        var row = c.Pick[0] % s.N;
        var k = 1 + c.Pick[1] % (d - 1);
        var count = k + c.Pick[2] % (d - k);
        var dims = Enumerable.Range(0, d).ToArray();
        new Random(c.Pick[3]).Shuffle(dims);
        var cells = new double[d];
        for (var t = 0; t < count; t++) cells[dims[t]] = 1;
        var before = s.WithRow(row, cells);
        var after = before.WithCell(row, dims[count], 1);
        var m0Before = before.Analyze().Cutoffs.At(k).M0.Value;
        var m0After = after.Analyze().Cutoffs.At(k).M0.Value;
        Assert.True(m0After > m0Before,
            $"child {row} with {count} deprivations made deprived in d{dims[count]} too: M0(k={k}) {m0Before:R} → {m0After:R}");
    });

    /// <summary>
    /// Poverty focus: changing one deprivation of a child whose count stays below k before and
    /// after leaves H, M0 and every CH_j at k unchanged.
    /// </summary>
    [Property(MaxTest = Tests)]
    public Property PovertyFocus() => Prop.ForAll(Scenarios.Cases(5), c =>
    {
        var s = c.S;
        var d = s.D;
        if (d < 2) return;
        var row = c.Pick[0] % s.N;
        var k = 2 + c.Pick[1] % (d - 1);            // 2..d
        var count = c.Pick[2] % k;                   // 0..k−1
        var dims = Enumerable.Range(0, d).ToArray();
        new Random(c.Pick[3]).Shuffle(dims);
        var cells = new double[d];
        for (var t = 0; t < count; t++) cells[dims[t]] = 1;
        var before = s.WithRow(row, cells);
        var raise = count == 0 || (count <= k - 2 && c.Pick[4] % 2 == 0);
        var after = raise ? before.WithCell(row, dims[count], 1) : before.WithCell(row, dims[count - 1], 0);
        var a = before.Analyze().Cutoffs.At(k);
        var b = after.Analyze().Cutoffs.At(k);
        var what = $"child {row} (count {count} < k={k}) {(raise ? $"made deprived in d{dims[count]}" : $"no longer deprived in d{dims[count - 1]}")}";
        AssertClose(a.H.Value, b.H.Value, $"{what}: H");
        AssertClose(a.M0.Value, b.M0.Value, $"{what}: M0");
        foreach (var j in a.Censored.Keys) AssertClose(a.Censored[j].Value, b.Censored[j].Value, $"{what}: CH {j}");
    });

    // ---- Survey standard errors ---------------------------------------------------------------

    /// <summary>A dimension that is 1 (or 0) for every child observed in it has rate 1 (or 0) and SE 0 under any design.</summary>
    [Property(MaxTest = Tests)]
    public Property ConstantIndicatorHasZeroSe() => Prop.ForAll(Scenarios.Cases(2), c =>
    {
        var s = c.S;
        var j = c.Pick[0] % s.D;
        var value = c.Pick[1] % 2;
        for (var i = 0; i < s.N; i++)
            if (!double.IsNaN(s.Cells[i][j])) s = s.WithCell(i, j, value);
        var g = s.Analyze();
        var rate = g.Dimensions[j].Rate;
        if (!rate.HasValue) return; // dimension missing for every child
        AssertClose(value, rate.Value, $"rate of a constant d{j} = {value}");
        Assert.True(rate.Se <= Abs, $"SE of a constant d{j} = {value}: {rate.Se:R}");
        var indicator = g.Indicators.Single(x => x.Dimension == $"d{j}").Rate;
        Assert.True(indicator.Se <= Abs, $"SE of a constant indicator i{j} = {value}: {indicator.Se:R}");
    });

    /// <summary>
    /// One child per PSU, no strata: the SE of a dimension rate is the textbook weighted-mean SE,
    /// var = n/(n−1) Σ_i (u_i − ū)², u_i = w_i x_i (y_i − R)/Σ w x (x_i = observed), n = all children;
    /// the same whether the design names no cluster or a cluster column unique per child.
    /// </summary>
    [Property(MaxTest = Tests)]
    public Property OneChildPerPsuGivesTextbookVariance() => Prop.ForAll(Scenarios.Arb(designs: [DesignKind.None]), s =>
    {
        var noCluster = s.Analyze();
        var idCluster = s.Analyze(clusterOverride: "id");
        for (var j = 0; j < s.D; j++)
        {
            double sw = 0, swy = 0;
            for (var i = 0; i < s.N; i++)
                if (!double.IsNaN(s.Cells[i][j])) { sw += s.Weight[i]; swy += s.Weight[i] * s.Cells[i][j]; }
            if (sw == 0) continue;
            var r = swy / sw;
            var u = Enumerable.Range(0, s.N).Select(i => double.IsNaN(s.Cells[i][j]) ? 0 : s.Weight[i] * (s.Cells[i][j] - r) / sw).ToArray();
            var mean = u.Average();
            var se = Math.Sqrt(s.N / (s.N - 1.0) * u.Sum(x => (x - mean) * (x - mean)));
            AssertSameSe(se, noCluster.Dimensions[j].Rate.Se, $"d{j}: SE without clusters vs textbook");
            AssertSameSe(se, idCluster.Dimensions[j].Rate.Se, $"d{j}: SE with cluster = id vs textbook");
        }
        AssertSame(noCluster, idCluster, withSe: true, "cluster = id vs no cluster");
    });

    // ---- Bootstrap ----------------------------------------------------------------------------

    private static VarianceSpec Bootstrap(ulong seed) => new() { Method = VarianceMethod.Bootstrap, Replicates = 50, Seed = seed };

    [Property(MaxTest = Tests)]
    public Property BootstrapSameSeedSameSes() => Prop.ForAll(Scenarios.Cases(1, minN: 10, minPsus: 3), c =>
    {
        var seed = (ulong)c.Pick[0];
        var a = All(c.S.Analyze(Bootstrap(seed)));
        var b = All(c.S.Analyze(Bootstrap(seed)));
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, e) in a)
            Assert.True(e.Se.Equals(b[name].Se), $"{name}: seed {seed} gave SE {e.Se:R}, then {b[name].Se:R}");
    });

    [Property(MaxTest = Tests)]
    public Property BootstrapDifferentSeedsDifferentSes() => Prop.ForAll(Scenarios.Cases(1, minN: 20, minPsus: 4), c =>
    {
        // Vacuous when no figure varies between PSUs at all.
        if (!All(c.S.Analyze()).Values.Any(e => e.Se > 1e-6)) return;
        var seed = (ulong)c.Pick[0];
        var a = All(c.S.Analyze(Bootstrap(seed)));
        var b = All(c.S.Analyze(Bootstrap(seed + 1)));
        Assert.True(a.Any(x => !x.Value.Se.Equals(b[x.Key].Se) && !double.IsNaN(x.Value.Se)),
            $"seeds {seed} and {seed + 1} gave identical SEs for every figure");
    });
}
