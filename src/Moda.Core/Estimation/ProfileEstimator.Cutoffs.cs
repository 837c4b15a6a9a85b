using Moda.Results;

namespace Moda.Estimation;

// H, A, M0, censored headcounts and contributions at every cut-off, and the distribution of
// deprivation counts, from the (unit, score class) totals of a domain or a breakdown value.
public sealed partial class ProfileEstimator
{
    // Per-unit totals of one set of children, reused across its cut-offs: one per call that needs
    // them (TakeScratch), sized for every dimension.
    private sealed class UnitTotals(int units, int dimensions)
    {
        public readonly double[] Complete = new double[units];       // Σw of complete children
        public readonly double[] Identified = new double[units];     // Σw of the poor
        public readonly double[] Intensity = new double[units];      // Σw·score of the poor
        // Per dimension: Σw of the poor deprived in it, then Σw·w_j of those (the censored
        // headcounts' totals, then the contributions': one buffer for both, 26 MB each at 400,000
        // PSUs and eight dimensions, as many as calls run at once).
        public readonly double[] ByDimension = new double[units * dimensions];
        private int[]? _dirty;   // the units written since the buffers were last all zero; null: any

        /// <summary>
        /// Readies the buffers for one set of children, returning <paramref name="support"/>: for a
        /// small subgroup (its units given) they are made zero outside them, clearing only the units
        /// the last subgroup wrote, so a breakdown of thousands of values never clears whole buffers.
        /// </summary>
        public int[]? Begin(int[]? support)
        {
            if (support is null)
            {
                _dirty = null; // every Totals call clears whole buffers
                return null;
            }
            ClassTotals.Clear(Complete, _dirty);
            ClassTotals.Clear(Identified, _dirty);
            ClassTotals.Clear(Intensity, _dirty);
            for (var j = 0; j < dimensions; j++) ClassTotals.Clear(ByDimension.AsSpan(j * units, units), _dirty);
            _dirty = support;
            return support;
        }
    }

    // A breakdown value's group: its class totals (only where each child is its own PSU, for the
    // variances; null elsewhere), and the denominators of a value's share of its complete
    // children and of its contribution to the poor's Σw·score at each cut-off.
    private sealed record GroupTotals(ClassTotals? Classes, GroupDenominator Complete, GroupDenominator[] Intensity);

    // Per-unit buffers for one call, taken from a pool and given back after: as many exist as calls
    // ever ran at once (per thread, the thread pool's extra threads each kept their own: 61 MB
    // each at 400,000 PSUs). A call that throws does not give its buffers back.
    private UnitTotals TakeScratch() => _scratch.TryTake(out var s) ? s : new UnitTotals(_units, _plan.DimensionNames.Count);

    private void GiveBack(UnitTotals s) => _scratch.Add(s);

    private GroupTotals GroupOf(ClassTotals classes, List<Cut> cuts)
    {
        var complete = new double[_units];
        classes.Totals(Ones(), complete);
        var intensity = new GroupDenominator[cuts.Count];
        for (var i = 0; i < cuts.Count; i++)
        {
            var units = new double[_units];
            classes.Totals(Intensity(cuts[i]), units);
            intensity[i] = Engine.Denominator(units);
        }
        return new GroupTotals(_squares ? classes : null, Engine.Denominator(complete), intensity);
    }

    // A breakdown value's share of its group's complete children.
    private Results.Estimate ShareOfGroup(ClassTotals sub, GroupTotals group)
    {
        var ones = Ones();
        var s = TakeScratch();
        var support = s.Begin(SupportOf(sub));
        sub.Totals(ones, s.Complete, support);
        var share = Engine.Ratio(s.Complete, group.Complete, Squares(sub, ones, group.Classes, ones), support);
        GiveBack(s);
        return share;
    }

    private CountShare[] Distribution(ClassTotals classes, int maxD)
    {
        var ones = Ones();
        var s = TakeScratch();
        var support = s.Begin(SupportOf(classes));
        classes.Totals(ones, s.Complete, support);
        var result = new CountShare[maxD + 1];
        for (var t = 0; t <= maxD; t++)
        {
            var count = t;
            var exactly = ByClass(c => _classes[c].Count == count ? 1 : 0);
            var atLeast = ByClass(c => _classes[c].Count >= count ? 1 : 0);
            classes.Totals(exactly, s.Identified, atLeast, s.Intensity, support); // Intensity holds "at least" here
            var share = Engine.Ratio(s.Identified, s.Complete, Squares(classes, exactly, ones), support);
            result[t] = new CountShare(t, share, Engine.Ratio(s.Intensity, s.Complete, Squares(classes, atLeast, ones), support));
        }
        GiveBack(s);
        return result;
    }

    // Every cut-off of a domain, or of a breakdown value (then also its contribution to the group's
    // M0). With parts > 1 the cut-offs are shared among that many threads, each with its own
    // scratch (the same figures): for a table too large to estimate side by side with others.
    private CutoffResult[] Cutoffs(ClassTotals classes, List<Cut> cuts, int[] dims, GroupTotals? group = null, int parts = 1)
    {
        var result = new CutoffResult[cuts.Count];
        var names = Array.ConvertAll(dims, j => _plan.DimensionNames[j]); // shared by every cut-off's figures
        parts = Math.Clamp(parts, 1, Math.Max(1, cuts.Count));
        void Part(int part)
        {
            var s = TakeScratch();
            var ones = Ones();
            var support = s.Begin(SupportOf(classes));
            classes.Totals(ones, s.Complete, support);
            for (var i = part; i < cuts.Count; i += parts) result[i] = Cutoff(classes, cuts[i], dims, names, s, ones, group, i, support);
            GiveBack(s);
        }
        if (parts == 1) Part(0);
        else Parallel.For(0, parts, Part);
        return result;
    }

    // Per unit, the poor's totals are sums over the unit's class rows: one pass gives H, A, M0 and,
    // over the rows' deprivation splits, every dimension's censored headcount and contribution.
    private CutoffResult Cutoff(ClassTotals classes, Cut cut, int[] dims, string[] names, UnitTotals s, double[] ones, GroupTotals? group, int index, int[]? support)
    {
        var id = cut.Identified;
        var intensity = Intensity(cut);
        classes.Totals(id, s.Identified, intensity, s.Intensity, support);
        var d = dims.Length;
        var deprived = new double[_classes.Count * d];   // per class × dimension: y of a child deprived in it
        var weighted = new double[_classes.Count * d];
        for (var c = 0; c < _classes.Count; c++)
        {
            var weights = _plan.Groups[_classes[c].Group].Weights;
            for (var j = 0; j < d; j++)
            {
                deprived[c * d + j] = id[c];
                weighted[c * d + j] = id[c] * weights[dims[j]];
            }
        }
        var censored = new Results.Estimate[d];
        var contributions = new Results.Estimate[d];
        classes.DeprivedTotals(deprived, s.ByDimension, _units, support);
        DimensionRatios(s.ByDimension, d, s.Complete, j => (ratio, scale, q) => classes.DeprivedSquares(j, deprived, ones, ratio, scale, _stratumOf, q), support, censored);
        classes.DeprivedTotals(weighted, s.ByDimension, _units, support);
        DimensionRatios(s.ByDimension, d, s.Intensity, j => (ratio, scale, q) => classes.DeprivedSquares(j, weighted, intensity, ratio, scale, _stratumOf, q), support, contributions);
        return new CutoffResult(cut.K, cut.Share,
            Engine.Ratio(s.Identified, s.Complete, Squares(classes, id, ones), support),
            Engine.Ratio(s.Intensity, s.Identified, Squares(classes, intensity, id), support),
            Engine.Ratio(s.Intensity, s.Complete, Squares(classes, intensity, ones), support),
            new DimensionEstimates(names, censored), new DimensionEstimates(names, contributions),
            group is null ? null : Engine.Ratio(s.Intensity, group.Intensity[index], Squares(classes, intensity, group.Classes, intensity), support));
    }

    // Each dimension's ratio of its per-unit totals (dimension j at units[j · unitCount ..]) to x:
    // side by side, in chunks of eight (UnitLanes), or one at a time for the tests.
    private void DimensionRatios(double[] units, int d, double[] x, Func<int, SquaresOf> squares, int[]? support, Results.Estimate[] into)
    {
        var engine = Engine;
        if (OneFigureAtATime)
            for (var j = 0; j < d; j++) into[j] = engine.Ratio(units.AsSpan(j * _units, _units), x, squares(j), support);
        else
            for (var j = 0; j < d; j += UnitLanes.Width)
            {
                var n = Math.Min(UnitLanes.Width, d - j);
                var from = j;
                engine.Ratios(units.AsSpan(j * _units, n * _units), n, x, i => squares(from + i), support, into.AsSpan(j, n));
            }
    }

    // The units of a small subgroup (a breakdown value among many: a quarter of the units or
    // fewer), whose figures then cost its units only; null otherwise (every unit, as fast).
    private int[]? SupportOf(ClassTotals classes) => !DenseSubgroups && classes.Support.Length * 4 <= _units ? classes.Support : null;

    // Tests: no subgroup is small (see SupportOf).
    internal bool DenseSubgroups { get; init; }

    // Tests: each dimension's censored headcount and contribution estimated alone, not side by
    // side with the others' (RatioEngine.Ratios).
    internal bool OneFigureAtATime { get; init; }

    private double[] Intensity(Cut cut) => ByClass(c => cut.Identified[c] * _classes[c].Score);

    private SquaresOf Squares(ClassTotals t, double[] y, double[] x) =>
        (ratio, scale, q) => t.Squares(y, x, ratio, scale, _stratumOf, q);

    // y over a subgroup, x over its group: Σ_X w²(y·[Y] − R x)² = Σ_X w²(R x)² + Σ_Y w²((y − R x)² − (R x)²).
    private SquaresOf Squares(ClassTotals sub, double[] y, ClassTotals? group, double[] x) => (ratio, scale, q) =>
    {
        if (group is null) throw new InvalidOperationException("a group's class totals are kept only where each child is its own PSU");
        var zeros = new double[x.Length];
        group.Squares(zeros, x, ratio, scale, _stratumOf, q);
        sub.Squares(y, x, ratio, scale, _stratumOf, q);
        sub.Squares(zeros, x, ratio, -scale, _stratumOf, q);
    };
}
