using MathNet.Numerics.Distributions;
using Moda.Configuration;
using Moda.Results;

namespace Moda.Estimation;

/// <summary>
/// Estimates ratios of weighted totals R = Σ w y / Σ w x over domains of histogram entries, where
/// y and x are functions of the pattern, with design-based standard errors. A mean is a ratio
/// with x = 1; a domain is a subset of entries while every unit stays in the variance formula.
/// Linearization: u_c = Σ_{i∈c} w_i (y_i − R x_i) / X. Bootstrap: the same ratio under each
/// replicate's unit multipliers. Not thread-safe: it reuses its per-unit buffers.
/// </summary>
public sealed class RatioEngine
{
    private readonly int[] _unit;
    private readonly int[] _pattern;
    private readonly double[] _w;
    private readonly double[] _w2;
    private readonly double[] _y, _x;            // per unit: Σ w·y, Σ w·x
    private readonly double[] _q;                // per stratum, without clusters: Σ w²(y − R x)² / X²
    private readonly double _quantile;
    private readonly double[][]? _replicates;    // per replicate, the multiplier of each unit
    private readonly double _replicateScale;
    private double[] _zero = [];

    /// <summary>Builds the engine over a histogram and its design.</summary>
    public RatioEngine(SurveyHistogram histogram, SurveyDesign design, VarianceSpec spec, BootstrapCounts? counts = null)
    {
        Design = design;
        _unit = histogram.EntryUnit.ToArray();
        _pattern = histogram.EntryPattern.ToArray();
        _w = histogram.EntryWeight.ToArray();
        _w2 = histogram.EntryWeight2.ToArray();
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

    /// <summary>The design the variances follow.</summary>
    public SurveyDesign Design { get; }

    /// <summary>The multiplier of the standard error that gives the interval's half-width.</summary>
    public double Quantile => _quantile;

    /// <summary>The ratio Σ w y / Σ w x over the entries of <paramref name="domain"/>, y and x indexed by pattern.</summary>
    public Estimate Ratio(ReadOnlySpan<int> domain, ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        var total = Accumulate(domain, y, x);
        var ratio = Sum(_y) / total;
        if (!Design.UnitsArePsus) Squares(domain, y, x, ratio, total, _q, clear: true);
        return Finish(ratio, total);
    }

    /// <summary>
    /// The ratio Σ_{domainY} w y / Σ_{domainX} w x, for shares of a larger domain (a subgroup's
    /// population share or contribution). <paramref name="domainY"/> must be a subset of <paramref name="domainX"/>.
    /// </summary>
    public Estimate Ratio(ReadOnlySpan<int> domainY, ReadOnlySpan<double> y, ReadOnlySpan<int> domainX, ReadOnlySpan<double> x)
    {
        var total = Accumulate(domainX, Zero(y.Length), x);
        var xUnits = (double[])_x.Clone();
        Accumulate(domainY, y, Zero(y.Length));
        xUnits.CopyTo(_x, 0);
        var ratio = Sum(_y) / total;
        if (!Design.UnitsArePsus)
        {
            // Σ_X w²(y·[Y] − R x)² = Σ_X w²(R x)² + Σ_Y w²((y − R x)² − (R x)²), as domainY ⊆ domainX.
            Squares(domainX, Zero(y.Length), x, ratio, total, _q, clear: true);
            Squares(domainY, y, x, ratio, total, _q, clear: false);
            Squares(domainY, Zero(y.Length), x, ratio, total, _q, clear: false, sign: -1);
        }
        return Finish(ratio, total);
    }

    /// <summary>A ratio from unit totals computed by the caller (indicator rates).</summary>
    public Estimate Ratio(ReadOnlySpan<double> yUnits, ReadOnlySpan<double> xUnits,
                          ReadOnlySpan<double> qyy, ReadOnlySpan<double> qxy, ReadOnlySpan<double> qxx)
    {
        yUnits.CopyTo(_y);
        xUnits.CopyTo(_x);
        var total = Sum(_x);
        var ratio = Sum(_y) / total;
        for (var h = 0; h < _q.Length; h++)
            _q[h] = (qyy[h] - 2 * ratio * qxy[h] + ratio * ratio * qxx[h]) / (total * total);
        return Finish(ratio, total);
    }

    /// <summary>The difference of two ratios (a − b) over two disjoint domains, with the SE of the difference in one survey.</summary>
    public Estimate Difference(ReadOnlySpan<int> domainA, ReadOnlySpan<double> yA, ReadOnlySpan<double> xA,
                               ReadOnlySpan<int> domainB, ReadOnlySpan<double> yB, ReadOnlySpan<double> xB)
    {
        var ta = Accumulate(domainA, yA, xA);
        var ra = Sum(_y) / ta;
        var ua = Influence(ra, ta);
        var qa = new double[_q.Length];
        if (!Design.UnitsArePsus) Squares(domainA, yA, xA, ra, ta, qa, clear: true);
        var repA = ReplicateRatios();
        var tb = Accumulate(domainB, yB, xB);
        var rb = Sum(_y) / tb;
        if (!(ta > 0 && tb > 0)) return Estimate.Undefined;
        var ub = Influence(rb, tb);
        var qb = new double[_q.Length];
        if (!Design.UnitsArePsus) Squares(domainB, yB, xB, rb, tb, qb, clear: true);
        var d = ra - rb;
        double se;
        if (repA is null)
        {
            for (var c = 0; c < ua.Length; c++) ua[c] -= ub[c];
            // Without clusters Σ (u_a,i − u_b,i)² = Σ u_a,i² + Σ u_b,i² because the domains are disjoint.
            for (var h = 0; h < qa.Length; h++) qa[h] += qb[h];
            se = Math.Sqrt(Design.Variance(ua, qa));
        }
        else
        {
            var repB = ReplicateRatios()!;
            for (var r = 0; r < repA.Length; r++) repA[r] -= repB[r];
            se = Math.Sqrt(ReplicateVariance(repA));
        }
        return new Estimate(d, se, d - _quantile * se, d + _quantile * se);
    }

    private Estimate Finish(double ratio, double xTotal)
    {
        if (!(xTotal > 0)) return Estimate.Undefined;
        var se = _replicates is null
            ? Math.Sqrt(Design.Variance(Influence(ratio, xTotal), _q))
            : Math.Sqrt(ReplicateVariance(ReplicateRatios()!));
        return new Estimate(ratio, se, ratio - _quantile * se, ratio + _quantile * se);
    }

    // Fills the per-unit totals of w·y and w·x. Returns Σ w x.
    private double Accumulate(ReadOnlySpan<int> domain, ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        Array.Clear(_y);
        Array.Clear(_x);
        var tx = 0.0;
        foreach (var e in domain)
        {
            var p = _pattern[e];
            double yv = y[p], xv = x[p];
            if (yv == 0 && xv == 0) continue;
            var w = _w[e];
            var c = _unit[e];
            _y[c] += w * yv;
            _x[c] += w * xv;
            tx += w * xv;
        }
        return tx;
    }

    // Without clusters each child is a PSU, so the variance needs Σ u_i² = Σ w_i²(y_i − R x_i)²/X²
    // per stratum; children of one entry share y and x, so the entry's Σ w² carries them exactly.
    private void Squares(ReadOnlySpan<int> domain, ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double total,
                         double[] q, bool clear, int sign = 1)
    {
        if (clear) Array.Clear(q);
        var scale = sign / (total * total);
        foreach (var e in domain)
        {
            var p = _pattern[e];
            var r = y[p] - ratio * x[p];
            if (r == 0) continue;
            q[Design.UnitStratum[_unit[e]]] += scale * _w2[e] * r * r;
        }
    }

    // Per-unit influence totals u_c = Σ w (y − R x) / X of the current totals.
    private double[] Influence(double ratio, double total)
    {
        var u = new double[_y.Length];
        for (var c = 0; c < u.Length; c++) u[c] = (_y[c] - ratio * _x[c]) / total;
        return u;
    }

    private double[]? ReplicateRatios()
    {
        if (_replicates is null) return null;
        var result = new double[_replicates.Length];
        for (var r = 0; r < result.Length; r++)
        {
            var m = _replicates[r];
            double ty = 0, tx = 0;
            for (var c = 0; c < m.Length; c++)
            {
                ty += m[c] * _y[c];
                tx += m[c] * _x[c];
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

    private double[] Zero(int n)
    {
        if (_zero.Length < n) _zero = new double[n];
        return _zero;
    }

    private static double Sum(double[] values)
    {
        var s = 0.0;
        foreach (var v in values) s += v;
        return s;
    }
}
