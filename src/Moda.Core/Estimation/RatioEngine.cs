using MathNet.Numerics.Distributions;
using Moda.Configuration;
using Moda.Results;

namespace Moda.Estimation;

/// <summary>
/// Estimates ratios of weighted totals R = Σ w y / Σ w x with design-based standard errors, where
/// y and x are functions of the key of an <see cref="EntryTable"/>. A mean is a ratio with x = 1;
/// a domain is a table holding only its children, while every unit stays in the variance formula.
/// Linearization: u_c = Σ_{i∈c} w_i (y_i − R x_i) / X. Bootstrap: the ratio under each
/// replicate's unit multipliers. Not thread-safe: it reuses per-unit buffers.
/// </summary>
public sealed class RatioEngine
{
    private readonly double[] _y, _x;   // per unit: Σ w·y, Σ w·x
    private readonly double[] _q;       // per stratum, when each child is its own PSU: Σ w²(y − R x)² / X²
    private double[]? _ua, _ub;         // per unit: the two influences of a difference (made when first asked)
    private double[]? _yb, _xb;         // per unit: the second table's Σ w·y, Σ w·x of a difference of tables
    private readonly double _quantile;
    private readonly double[][]? _replicates; // per replicate, the multiplier of each unit
    private readonly double _replicateScale;

    /// <summary>Builds the engine for a design.</summary>
    public RatioEngine(SurveyDesign design, VarianceSpec spec, BootstrapCounts? counts = null)
    {
        Design = design;
        _y = new double[design.UnitCount];
        _x = new double[design.UnitCount];
        _q = new double[design.StratumCount];
        var tail = 1 - (1 - spec.Level) / 2;
        _quantile = spec.Interval == IntervalKind.T && design.DegreesOfFreedom > 0
            ? StudentT.InvCDF(0, 1, design.DegreesOfFreedom, tail)
            : Normal.InvCDF(0, 1, tail);
        if (spec.Method == VarianceMethod.Bootstrap)
        {
            counts ??= BootstrapCounts.Draw(design, spec.Replicates, spec.Seed);
            (_replicates, _replicateScale) = counts.Multipliers(design);
        }
    }

    private RatioEngine(RatioEngine other)
    {
        Design = other.Design;
        _y = new double[other._y.Length];
        _x = new double[other._x.Length];
        _q = new double[other._q.Length];
        _quantile = other._quantile;
        _replicates = other._replicates;
        _replicateScale = other._replicateScale;
    }

    /// <summary>An engine for another thread: the same design and replicates, its own buffers.</summary>
    public RatioEngine Clone() => new(this);

    /// <summary>The design the variances follow.</summary>
    public SurveyDesign Design { get; }

    private bool ChildIsPsu => !Design.UnitsArePsus;

    /// <summary>The ratio Σ w y / Σ w x over a table, y and x indexed by key.</summary>
    public Estimate Ratio(EntryTable t, ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        Totals(t, y, _y);
        Totals(t, x, _x);
        var (sum, total) = Sums(_y, _x); // numerator and denominator summed alike, so y = x gives exactly 1
        var ratio = sum / total;
        if (ChildIsPsu && total > 0)
        {
            Array.Clear(_q);
            Squares(t, y, x, ratio, 1 / (total * total), _q);
        }
        return Finish(ratio, total, _y, _x);
    }

    /// <summary>The base of a family of shares: the children of a class table (every complete child of a domain).</summary>
    public ShareBase Base(ClassTotals t)
    {
        var units = new double[Design.UnitCount];
        var squares = new double[Design.StratumCount];
        for (var r = 0; r < t.Length; r++)
        {
            units[t.Unit[r]] += t.Weight[r];
            if (ChildIsPsu) squares[Design.UnitStratum[t.Unit[r]]] += t.Weight2[r];
        }
        return new ShareBase(units, Sum(units), squares);
    }

    /// <summary>The share of the base made up of the table rows <paramref name="rows"/> (all within the base).</summary>
    public Estimate Share(EntryTable t, ReadOnlySpan<int> rows, ShareBase b)
    {
        Array.Clear(_y);
        foreach (var r in rows) _y[t.Unit[r]] += t.Weight[r];
        if (ChildIsPsu)
        {
            Array.Clear(_x); // here the rows' Σ w² per unit
            foreach (var r in rows) _x[t.Unit[r]] += t.Weight2[r];
        }
        return Share(_y, _x, b);
    }

    /// <summary>
    /// The share of the base made up of children whose Σ w per unit is <paramref name="yUnits"/>
    /// and, where each child is its own PSU, whose Σ w² per unit is <paramref name="y2Units"/>
    /// (not read otherwise).
    /// </summary>
    public Estimate Share(ReadOnlySpan<double> yUnits, ReadOnlySpan<double> y2Units, ShareBase b)
    {
        var total = b.Total;
        var ratio = Sum(yUnits) / total;
        if (ChildIsPsu && total > 0)
        {
            // Σ w²(y − R)² over the base = R² Σ_base w² + Σ_y w²((1 − R)² − R²).
            var scale = 1 / (total * total);
            for (var h = 0; h < _q.Length; h++) _q[h] = ratio * ratio * b.Squares[h] * scale;
            var d = ((1 - ratio) * (1 - ratio) - ratio * ratio) * scale;
            for (var u = 0; u < y2Units.Length; u++) _q[Design.UnitStratum[u]] += d * y2Units[u];
        }
        return Finish(ratio, total, yUnits, b.Units);
    }

    /// <summary>A ratio from unit totals computed by the caller (indicator rates): y ⊆ x, both 0/1.</summary>
    public Estimate Ratio(ReadOnlySpan<double> yUnits, ReadOnlySpan<double> xUnits, ReadOnlySpan<double> y2Strata, ReadOnlySpan<double> x2Strata)
    {
        var (sum, total) = Sums(yUnits, xUnits);
        var ratio = sum / total;
        // Σ w²(y − R x)² = (1 − 2R) Σ w² y + R² Σ w² x for 0/1 y ≤ x.
        for (var h = 0; h < _q.Length; h++)
            _q[h] = ((1 - 2 * ratio) * y2Strata[h] + ratio * ratio * x2Strata[h]) / (total * total);
        return Finish(ratio, total, yUnits, xUnits);
    }

    /// <summary>
    /// The ratio Σ y / Σ x of per-unit totals computed by the caller. <paramref name="squares"/> is
    /// asked only when each child is its own PSU: it adds Σ scale·w²(y − R x)² per stratum into q.
    /// </summary>
    public Estimate Ratio(ReadOnlySpan<double> yUnits, ReadOnlySpan<double> xUnits, SquaresOf squares) => Ratio(yUnits, xUnits, squares, null);

    /// <summary>
    /// <see cref="Ratio(ReadOnlySpan{double}, ReadOnlySpan{double}, SquaresOf)"/> where y and x
    /// are zero but at the units of <paramref name="support"/> (ascending; null: any unit): the
    /// sums and the variance then cost those units only (a small subgroup of a design of many
    /// PSUs), with the same result to the last bit.
    /// </summary>
    public Estimate Ratio(ReadOnlySpan<double> yUnits, ReadOnlySpan<double> xUnits, SquaresOf squares, int[]? support)
    {
        var (sum, total) = support is null ? Sums(yUnits, xUnits) : Sums(yUnits, xUnits, support);
        var ratio = sum / total;
        if (ChildIsPsu && total > 0)
        {
            Array.Clear(_q);
            squares(ratio, 1 / (total * total), _q);
        }
        return Finish(ratio, total, yUnits, xUnits, support);
    }

    /// <summary>
    /// Up to eight ratios over one x at once, each to the last bit the one <see cref="Ratio(ReadOnlySpan{double}, ReadOnlySpan{double}, SquaresOf, int[])"/>
    /// gives it: figure j's per-unit totals are <paramref name="yUnits"/>[j · units + c] (units =
    /// the length of <paramref name="xUnits"/>), its squares <paramref name="squares"/>(j). The
    /// figures share the passes over the units (<see cref="SurveyDesign.Variances"/>); designs
    /// whose children are their own PSUs, and replicate weights, take them one at a time.
    /// </summary>
    public void Ratios(ReadOnlySpan<double> yUnits, int figures, ReadOnlySpan<double> xUnits, Func<int, SquaresOf> squares,
                       int[]? support, Span<Estimate> result)
    {
        var units = xUnits.Length;
        if (ChildIsPsu || _replicates is not null || figures > UnitLanes.Width || !(Lanes256.IsAccelerated || Lanes128.IsAccelerated))
        {
            for (var j = 0; j < figures; j++) result[j] = Ratio(yUnits.Slice(j * units, units), xUnits, squares(j), support);
            return;
        }
        if (Lanes256.IsAccelerated) Ratios<Lanes256>(yUnits, figures, xUnits, support, result);
        else Ratios<Lanes128>(yUnits, figures, xUnits, support, result);
    }

    // Ratios' side-by-side path: the figures in eight lanes of T.
    private void Ratios<T>(ReadOnlySpan<double> yUnits, int figures, ReadOnlySpan<double> xUnits, int[]? support, Span<Estimate> result)
        where T : struct, IEightLanes<T>
    {
        var units = xUnits.Length;
        var lanes = new UnitLanes(yUnits, figures, units);
        T sums = default;
        var total = 0.0;
        if (support is null)
            for (var c = 0; c < units; c++)
            {
                sums += lanes.At<T>(c);
                total += xUnits[c];
            }
        else
            foreach (var c in support)
            {
                sums += lanes.At<T>(c);
                total += xUnits[c];
            }
        if (!(total > 0))
        {
            result[..figures].Fill(Estimate.Undefined);
            return;
        }
        Span<double> ratios = stackalloc double[UnitLanes.Width];
        UnitLanes.Narrow(sums, ratios);
        for (var j = 0; j < figures; j++) ratios[j] /= total;
        Span<double> variances = stackalloc double[UnitLanes.Width];
        Design.Variances<T>(yUnits, figures, xUnits, ratios[..figures], total, support, variances);
        for (var j = 0; j < figures; j++)
        {
            var se = Math.Sqrt(variances[j]);
            result[j] = new Estimate(ratios[j], se, ratios[j] - _quantile * se, ratios[j] + _quantile * se);
        }
    }

    /// <summary>The denominator of a family of ratios over subgroups of one group whose per-unit totals are <paramref name="xUnits"/> (kept, not copied).</summary>
    public GroupDenominator Denominator(double[] xUnits)
    {
        var strata = new DoubleDouble[Design.StratumCount];
        var squares = new DoubleDouble[Design.StratumCount];
        var stratumOf = Design.UnitStratum;
        for (var c = 0; c < xUnits.Length; c++)
        {
            var x = xUnits[c];
            strata[stratumOf[c]].Add(x);
            squares[stratumOf[c]].Add(x * x);
        }
        double[]? replicates = null;
        if (_replicates is not null)
        {
            replicates = new double[_replicates.Length];
            for (var r = 0; r < replicates.Length; r++)
            {
                var m = _replicates[r];
                var tx = 0.0;
                for (var c = 0; c < m.Length; c++) tx += m[c] * xUnits[c];
                replicates[r] = tx;
            }
        }
        return new GroupDenominator(xUnits, Sum(xUnits), strata, squares, replicates);
    }

    /// <summary>
    /// The ratio Σ y / Σ x of a subgroup's per-unit totals y to its group's x (the group holds the
    /// subgroup), y zero but at the units of <paramref name="support"/> (ascending; null: any
    /// unit). With a support the ratio costs the subgroup's units and the strata, not every unit:
    /// the units outside it, where the influence is −R x_c / X, enter the variance through the
    /// group's per-stratum Σ x and Σ x² less the support's. The ratio and a bootstrap standard
    /// error are then those of <see cref="Ratio(ReadOnlySpan{double}, ReadOnlySpan{double}, SquaresOf, int[])"/>
    /// over x to the last bit, as is a linearized one where each child is its own PSU (a unit is a
    /// stratum); a linearized one over clusters agrees to rounding (the group's sums are taken in
    /// another order). <paramref name="squares"/> as in that method.
    /// </summary>
    public Estimate Ratio(ReadOnlySpan<double> yUnits, GroupDenominator x, SquaresOf squares, int[]? support)
    {
        if (support is null) return Ratio(yUnits, x.Units, squares, null);
        var sum = 0.0;
        foreach (var c in support) sum += yUnits[c];
        var total = x.Total;
        var ratio = sum / total;
        if (!(total > 0)) return Estimate.Undefined;
        if (ChildIsPsu)
        {
            Array.Clear(_q);
            squares(ratio, 1 / (total * total), _q);
        }
        double se;
        if (_replicates is not null)
        {
            var thetas = new double[_replicates.Length];
            for (var r = 0; r < thetas.Length; r++)
            {
                var m = _replicates[r];
                var ty = 0.0;
                foreach (var c in support) ty += m[c] * yUnits[c];
                var tx = x.Replicates![r];
                thetas[r] = tx > 0 ? ty / tx : double.NaN;
            }
            se = Math.Sqrt(ReplicateVariance(thetas));
        }
        else se = Math.Sqrt(Design.Variance(yUnits, x, ratio, total, _q, support));
        return new Estimate(ratio, se, ratio - _quantile * se, ratio + _quantile * se);
    }

    /// <summary>The difference of two ratios (a − b) over two disjoint tables, with the SE of the difference in one survey.</summary>
    public Estimate Difference(EntryTable a, ReadOnlySpan<double> yA, ReadOnlySpan<double> xA,
                               EntryTable b, ReadOnlySpan<double> yB, ReadOnlySpan<double> xB)
    {
        Totals(a, yA, _y);
        Totals(a, xA, _x);
        Totals(b, yB, _yb ??= new double[_y.Length]);
        Totals(b, xB, _xb ??= new double[_x.Length]);
        var ya = yA.ToArray(); // spans cannot be captured by the squares' delegates
        var xa = xA.ToArray();
        var yb = yB.ToArray();
        var xb = xB.ToArray();
        return Difference(_y, _x, (ratio, scale, q) => Squares(a, ya, xa, ratio, scale, q),
                          _yb, _xb, (ratio, scale, q) => Squares(b, yb, xb, ratio, scale, q));
    }

    /// <summary>
    /// The difference of two ratios (a − b) of per-unit totals computed by the caller, over
    /// disjoint sets of children, with the SE of the difference in one survey. The squares are
    /// asked only where each child is its own PSU, as in <see cref="Ratio(ReadOnlySpan{double}, ReadOnlySpan{double}, SquaresOf)"/>.
    /// </summary>
    public Estimate Difference(ReadOnlySpan<double> yA, ReadOnlySpan<double> xA, SquaresOf squaresA,
                               ReadOnlySpan<double> yB, ReadOnlySpan<double> xB, SquaresOf squaresB)
    {
        var (sa, ta) = Sums(yA, xA);
        var ra = sa / ta;
        var ua = Influence(yA, xA, ra, ta, _ua ??= new double[_y.Length]);
        var qa = new double[_q.Length];
        if (ChildIsPsu && ta > 0) squaresA(ra, 1 / (ta * ta), qa);
        var repA = ReplicateRatios(yA, xA);
        var (sb, tb) = Sums(yB, xB);
        var rb = sb / tb;
        if (!(ta > 0 && tb > 0)) return Estimate.Undefined;
        var ub = Influence(yB, xB, rb, tb, _ub ??= new double[_y.Length]);
        var d = ra - rb;
        double se;
        if (repA is null)
        {
            for (var c = 0; c < ua.Length; c++) ua[c] -= ub[c];
            // Without clusters Σ (u_a,i − u_b,i)² = Σ u_a,i² + Σ u_b,i², the domains being disjoint.
            if (ChildIsPsu) squaresB(rb, 1 / (tb * tb), qa);
            se = Math.Sqrt(Design.Variance(ua, qa));
        }
        else
        {
            var repB = ReplicateRatios(yB, xB)!;
            for (var r = 0; r < repA.Length; r++) repA[r] -= repB[r];
            se = Math.Sqrt(ReplicateVariance(repA));
        }
        return new Estimate(d, se, d - _quantile * se, d + _quantile * se);
    }

    private Estimate Finish(double ratio, double xTotal, ReadOnlySpan<double> y, ReadOnlySpan<double> x, int[]? support = null)
    {
        if (!(xTotal > 0)) return Estimate.Undefined;
        var se = _replicates is not null ? Math.Sqrt(ReplicateVariance(ReplicateRatios(y, x, support)!))
            : support is null ? Math.Sqrt(Design.Variance(y, x, ratio, xTotal, _q))
            : Math.Sqrt(Design.Variance(y, x, ratio, xTotal, _q, support));
        return new Estimate(ratio, se, ratio - _quantile * se, ratio + _quantile * se);
    }

    /// <summary>Per-unit totals Σ w·f(key) of a table into <paramref name="units"/> (cleared first).</summary>
    internal static void Totals(EntryTable t, ReadOnlySpan<double> f, double[] units)
    {
        Array.Clear(units);
        var unit = t.Unit;
        var key = t.Key;
        var weight = t.Weight;
        // Without a branch on f (see ClassTotals.Totals): a row it leaves out adds an exact +0.
        for (var r = 0; r < unit.Length; r++) units[unit[r]] += weight[r] * f[key[r]];
    }

    /// <summary>
    /// Adds Σ scale·w²(y − R x)² of a table's children per stratum into <paramref name="q"/> (y, x
    /// by key): when each child is its own PSU the variance needs Σ u_i² = Σ w_i²(y_i − R x_i)²/X²
    /// per stratum; children of one row share y and x, so the row's Σ w² carries them exactly.
    /// </summary>
    internal void Squares(EntryTable t, ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double scale, double[] q)
    {
        for (var r = 0; r < t.Length; r++)
        {
            var k = t.Key[r];
            var e = y[k] - ratio * x[k];
            q[Design.UnitStratum[t.Unit[r]]] += scale * t.Weight2[r] * e * e; // e = 0 adds an exact ±0: no branch
        }
    }

    // Each unit's influence (y − R x) / X into u (the engine's buffer for it: a difference is
    // asked per cut-off and measure, and two new arrays of every unit each time were most of a
    // census-scale contrast's memory).
    private static double[] Influence(ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double total, double[] u)
    {
        for (var c = 0; c < u.Length; c++) u[c] = (y[c] - ratio * x[c]) / total;
        return u;
    }

    // Each replicate's ratio; with a support, over its units only (the others add m·0 = 0 exactly).
    private double[]? ReplicateRatios(ReadOnlySpan<double> y, ReadOnlySpan<double> x, int[]? support = null)
    {
        if (_replicates is null) return null;
        var result = new double[_replicates.Length];
        for (var r = 0; r < result.Length; r++)
        {
            var m = _replicates[r];
            double ty = 0, tx = 0;
            if (support is null)
                for (var c = 0; c < m.Length; c++)
                {
                    ty += m[c] * y[c];
                    tx += m[c] * x[c];
                }
            else
                foreach (var c in support)
                {
                    ty += m[c] * y[c];
                    tx += m[c] * x[c];
                }
            result[r] = tx > 0 ? ty / tx : double.NaN;
        }
        return result;
    }

    // R survey's svrVar with mse = FALSE: scale · Σ (θ_r − mean θ)², over replicates where θ_r is defined.
    private double ReplicateVariance(double[] thetas)
    {
        double sum = 0;
        var n = 0;
        foreach (var t in thetas) if (!double.IsNaN(t)) { sum += t; n++; }
        if (n < 2) return double.NaN;
        var mean = sum / n;
        var ss = 0.0;
        foreach (var t in thetas) if (!double.IsNaN(t)) ss += (t - mean) * (t - mean);
        return _replicateScale * ss;
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var s = 0.0;
        foreach (var v in values) s += v;
        return s;
    }

    // Σ y and Σ x over the support's units, in unit order: the others add exact zeros.
    private static (double Y, double X) Sums(ReadOnlySpan<double> y, ReadOnlySpan<double> x, int[] support)
    {
        double sy = 0, sx = 0;
        foreach (var c in support)
        {
            sy += y[c];
            sx += x[c];
        }
        return (sy, sx);
    }

    // Σ y and Σ x in one loop: two independent chains of additions, each in unit order as Sum's.
    private static (double Y, double X) Sums(ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        double sy = 0, sx = 0;
        for (var c = 0; c < x.Length; c++)
        {
            sy += y[c];
            sx += x[c];
        }
        return (sy, sx);
    }
}

/// <summary>Adds Σ scale·w²(y − R x)² of a figure's children per stratum into q (see <see cref="RatioEngine.Ratio(ReadOnlySpan{double}, ReadOnlySpan{double}, SquaresOf)"/>).</summary>
public delegate void SquaresOf(double ratio, double scale, double[] q);

/// <summary>Per-unit totals, grand total and per-stratum Σ w² of the base of a family of shares.</summary>
public sealed record ShareBase(double[] Units, double Total, double[] Squares);
