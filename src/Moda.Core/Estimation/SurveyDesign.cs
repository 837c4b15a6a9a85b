using Moda.Configuration;
using Moda.Data;

namespace Moda.Estimation;

/// <summary>
/// The first-stage design behind the variance formula: strata, their sampling units, the
/// finite population correction and the lonely-PSU rule. Variances follow R survey 4.1
/// (<c>svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE)</c>): with-replacement
/// Taylor linearization, Σ_h f_h n_h/(n_h − 1) Σ_c (u_hc − ū_h)², f_h = 1 − n_h/N_h with an fpc.
/// </summary>
public sealed class SurveyDesign
{
    private readonly double[] _scale;     // f_h n_h/(n_h − 1), or the lonely rule's factor
    private readonly bool[] _lonely;
    private readonly double _averageFactor;
    private readonly int[] _runStart, _runStratum;

    /// <summary>Builds the design from a filled histogram.</summary>
    /// <exception cref="ModaDataException">A stratum has one PSU and the rule is <c>fail</c>, or the fpc is impossible.</exception>
    public SurveyDesign(SurveyHistogram histogram, VarianceSpec spec, string file, string? strataColumn, string? fpcColumn)
    {
        UnitCount = histogram.UnitCount;
        UnitStratum = histogram.UnitStratum.ToArray();
        (_runStart, _runStratum) = Runs(UnitStratum);
        StratumCount = histogram.StratumCount;
        UnitsArePsus = histogram.UnitsArePsus;
        StratumNames = histogram.StratumCodes.Select(c => c < 0 ? "(all)" : histogram.StratumDictionary![c]).ToArray();
        var psus = histogram.UnitPsu.ToArray();
        var clusters = histogram.ClusterDictionary;
        _labels = new Lazy<string[]>(() => psus.Select(c => clusters is { } d && c >= 0 ? d[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        Psus = new long[StratumCount];
        if (UnitsArePsus) foreach (var s in UnitStratum) Psus[s]++;
        else for (var h = 0; h < StratumCount; h++) Psus[h] = histogram.StratumChildren[h];
        Rule = spec.LonelyPsu;

        _scale = new double[StratumCount];
        _lonely = new bool[StratumCount];
        var lonely = new List<string>();
        for (var h = 0; h < StratumCount; h++)
        {
            var n = Psus[h];
            var f = 1.0;
            var fpc = histogram.StratumFpc[h];
            if (!double.IsNaN(fpc))
            {
                var population = fpc <= 1 ? n / fpc : fpc;
                if (fpc <= 0 || population < n)
                    throw new ModaDataException(file, $"stratum '{StratumNames[h]}' has {n} sampled units but a finite population correction of {fpc} (population units per stratum, or a sampling fraction in (0, 1])", 0, fpcColumn);
                f = (population - n) / population;
            }
            if (n >= 2)
            {
                _scale[h] = f * n / (n - 1);
                continue;
            }
            _lonely[h] = true;
            lonely.Add(StratumNames[h]);
            _scale[h] = Rule == LonelyPsuRule.Centered ? f : 0;
        }
        LonelyStrata = lonely;
        if (lonely.Count > 0 && Rule == LonelyPsuRule.Fail)
            throw new ModaDataException(file,
                $"stratum '{lonely[0]}' has only one PSU{(lonely.Count > 1 ? $" (and {lonely.Count - 1} more strata)" : "")}, so its variance cannot be estimated; set \"lonelyPsu\" to \"certainty\", \"remove\", \"centered\" (R adjust) or \"average\" in the configuration",
                0, strataColumn);
        _averageFactor = Rule == LonelyPsuRule.Average && lonely.Count < StratumCount
            ? (double)StratumCount / (StratumCount - lonely.Count) : 1;
        DegreesOfFreedom = Psus.Sum() - StratumCount;
    }

    /// <summary>Number of sampling units (units are strata when each child is its own PSU).</summary>
    public int UnitCount { get; }

    /// <summary>Stratum of each unit.</summary>
    public int[] UnitStratum { get; }

    /// <summary>Number of strata.</summary>
    public int StratumCount { get; }

    /// <summary>The PSU value of each unit (the row number when rows are units).</summary>
    public string[] UnitLabels => _labels.Value; // made on first use: only replayed bootstrap draws need them

    private readonly Lazy<string[]> _labels;

    /// <summary>Stratum names (the stratum column's values).</summary>
    public string[] StratumNames { get; }

    /// <summary>PSUs per stratum (children when there are no clusters).</summary>
    public long[] Psus { get; }

    /// <summary>False when each child is its own PSU and units are whole strata.</summary>
    public bool UnitsArePsus { get; }

    /// <summary>The lonely-PSU rule.</summary>
    public LonelyPsuRule Rule { get; }

    /// <summary>Strata with a single PSU.</summary>
    public IReadOnlyList<string> LonelyStrata { get; }

    /// <summary>Design degrees of freedom: PSUs minus strata.</summary>
    public long DegreesOfFreedom { get; }

    /// <summary>
    /// Variance of a linearized total. <paramref name="u"/> holds the influence total of each
    /// unit; when units are strata (no clusters), <paramref name="q"/> holds Σ u_i² per stratum.
    /// </summary>
    public double Variance(ReadOnlySpan<double> u, ReadOnlySpan<double> q) => Variance(new Given(u), q, null);

    /// <summary>
    /// Variance of the linearized ratio R = Σ y / <paramref name="total"/> of per-unit totals: the
    /// influence of unit c, (y_c − R x_c) / total, is made as it is summed; q as in <see cref="Variance(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.
    /// </summary>
    public double Variance(ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double total, ReadOnlySpan<double> q) =>
        Variance(new Linearized(y, x, ratio, total), q, null);

    /// <summary>
    /// <see cref="Variance(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, ReadOnlySpan{double})"/>
    /// where y and x are zero but at the units of <paramref name="support"/> (ascending): a
    /// subgroup's figure costs its units, not the design's. The same value to the last bit, as
    /// the units left out add exact zeros.
    /// </summary>
    public double Variance(ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double total, ReadOnlySpan<double> q, int[] support) =>
        Variance(new Linearized(y, x, ratio, total), q, support);

    /// <summary>
    /// The variance of the linearized ratio R = Σ y / X of a subgroup's y (zero but at the units of
    /// <paramref name="support"/>, ascending) to its group's x: the support's units are summed one
    /// by one, and each stratum's other units, whose influence is (0 − R x_c) / X, through the
    /// group's Σ x and Σ x² there less the support's, both taken to about 32 digits so that the
    /// rest keeps its own precision however much of the stratum the support holds. Units that are
    /// strata (no clusters) have no other units in their stratum, so every sum is then the one
    /// over all units, to the last bit.
    /// </summary>
    public double Variance(ReadOnlySpan<double> y, GroupDenominator x, double ratio, double total, ReadOnlySpan<double> q, int[] support)
    {
        Span<double> s1 = StratumCount <= 256 ? stackalloc double[StratumCount] : new double[StratumCount];
        Span<double> s2 = StratumCount <= 256 ? stackalloc double[StratumCount] : new double[StratumCount];
        Span<DoubleDouble> in1 = StratumCount <= 128 ? stackalloc DoubleDouble[StratumCount] : new DoubleDouble[StratumCount];
        Span<DoubleDouble> in2 = StratumCount <= 128 ? stackalloc DoubleDouble[StratumCount] : new DoubleDouble[StratumCount];
        s1.Clear();
        s2.Clear();
        in1.Clear();
        in2.Clear();
        var xs = x.Units;
        foreach (var c in support)
        {
            var h = UnitStratum[c];
            var uc = (y[c] - ratio * xs[c]) / total;
            s1[h] += uc;
            in1[h].Add(xs[c]);
            if (!UnitsArePsus) continue;
            s2[h] += uc * uc;
            in2[h].Add(xs[c] * xs[c]);
        }
        for (var h = 0; h < StratumCount; h++)
        {
            // The stratum's units outside the support: Σ u = −R Σ x / X, Σ u² = R² Σ x² / X².
            var rest = x.StrataSums[h].Minus(in1[h]);
            if (rest != 0) s1[h] += (0 - ratio * rest) / total;
            if (!UnitsArePsus) continue;
            var rest2 = x.StrataSquareSums[h].Minus(in2[h]);
            if (rest2 != 0) s2[h] += ratio * ratio * rest2 / (total * total);
        }
        return Combine(s1, s2, q);
    }

    /// <summary>
    /// The variances of up to eight linearized ratios over one x at once, each to the last bit
    /// the one <see cref="Variance(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, ReadOnlySpan{double}, int[])"/>
    /// gives it: figure j's per-unit y is <paramref name="y"/>[j · UnitCount + c] and its ratio
    /// <paramref name="ratios"/>[j]. Each figure is a lane of <typeparamref name="T"/>, which adds the
    /// same terms in the same order as the figure alone: a dimension's eight censored headcounts
    /// then cost one pass over the units, and one division a unit, not eight. Only for units that
    /// are PSUs (no per-stratum squares).
    /// </summary>
    internal void Variances<T>(ReadOnlySpan<double> y, int d, ReadOnlySpan<double> x, ReadOnlySpan<double> ratios, double total,
                               int[]? support, Span<double> variances) where T : struct, IEightLanes<T>
    {
        if (!UnitsArePsus || d < 1 || d > UnitLanes.Width) throw new InvalidOperationException("eight figures at most, over units that are PSUs");
        var lanes = new UnitLanes(y, d, UnitCount);
        var r = UnitLanes.Widen<T>(ratios);
        var t = T.Broadcast(total);
        // Per stratum, Σ u and Σ u² of each lane.
        var sums = new T[StratumCount * 2];
        if (support is not null)
        {
            foreach (var c in support)
            {
                var u = (lanes.At<T>(c) - r * T.Broadcast(x[c])) / t;
                var at = UnitStratum[c] * 2;
                sums[at] += u;
                sums[at + 1] += u * u;
            }
        }
        else
        {
            for (var i = 0; i < _runStratum.Length; i++)
            {
                var at = _runStratum[i] * 2;
                T s1 = sums[at], s2 = sums[at + 1];
                for (int c = _runStart[i], end = _runStart[i + 1]; c < end; c++)
                {
                    var u = (lanes.At<T>(c) - r * T.Broadcast(x[c])) / t;
                    s1 += u;
                    s2 += u * u;
                }
                (sums[at], sums[at + 1]) = (s1, s2);
            }
        }
        Span<double> s1h = StratumCount <= 256 ? stackalloc double[StratumCount] : new double[StratumCount];
        Span<double> s2h = StratumCount <= 256 ? stackalloc double[StratumCount] : new double[StratumCount];
        for (var j = 0; j < d; j++)
        {
            for (var h = 0; h < StratumCount; h++)
            {
                s1h[h] = sums[h * 2][j];
                s2h[h] = sums[h * 2 + 1][j];
            }
            variances[j] = Combine(s1h, s2h, default);
        }
    }

    private double Variance<T>(T u, ReadOnlySpan<double> q, int[]? support) where T : IUnitValues, allows ref struct
    {
        Span<double> s1 = StratumCount <= 256 ? stackalloc double[StratumCount] : new double[StratumCount];
        Span<double> s2 = StratumCount <= 256 ? stackalloc double[StratumCount] : new double[StratumCount];
        s1.Clear();
        s2.Clear();
        if (support is not null)
        {
            // Each stratum's sums add its units in unit order, as below: a unit outside the
            // support has u = (0 − R·0)/X = 0, whose terms change no sum.
            foreach (var c in support)
            {
                var h = UnitStratum[c];
                var uc = u.At(c);
                s1[h] += uc;
                if (UnitsArePsus) s2[h] += uc * uc;
            }
        }
        else
        {
            // Per run of units of one stratum the sums stay in registers; each stratum's sums still
            // add the units in unit order, so the result does not depend on how units are grouped.
            for (var i = 0; i < _runStratum.Length; i++)
            {
                var h = _runStratum[i];
                double a1 = s1[h], a2 = s2[h];
                int c = _runStart[i], end = _runStart[i + 1];
                if (UnitsArePsus)
                    for (; c < end; c++)
                    {
                        var uc = u.At(c);
                        a1 += uc;
                        a2 += uc * uc;
                    }
                else
                    for (; c < end; c++) a1 += u.At(c);
                s1[h] = a1;
                s2[h] = a2;
            }
        }
        return Combine(s1, s2, q);
    }

    // Σ_h f_h n_h/(n_h − 1) (Σ u² − (Σ u)²/n_h) from each stratum's Σ u and Σ u² (q's when units are strata).
    private double Combine(Span<double> s1, Span<double> s2, ReadOnlySpan<double> q)
    {
        if (!UnitsArePsus) q.CopyTo(s2);
        var v = 0.0;
        for (var h = 0; h < StratumCount; h++)
        {
            if (_lonely[h])
            {
                // certainty/remove: the PSU is centred on itself; centered (R adjust): centred at 0,
                // the grand mean of linearized totals; average: left out and made up for below.
                v += _scale[h] * s2[h];
                continue;
            }
            v += _scale[h] * (s2[h] - s1[h] * s1[h] / Psus[h]);
        }
        return Math.Max(v, 0) * _averageFactor;
    }

    // Runs of consecutive units in one stratum: run i is units [_runStart[i], _runStart[i + 1]).
    private static (int[] Start, int[] Stratum) Runs(int[] unitStratum)
    {
        var start = new List<int>();
        var stratum = new List<int>();
        for (var c = 0; c < unitStratum.Length; c++)
        {
            if (c > 0 && unitStratum[c] == unitStratum[c - 1]) continue;
            start.Add(c);
            stratum.Add(unitStratum[c]);
        }
        start.Add(unitStratum.Length);
        return (start.ToArray(), stratum.ToArray());
    }

    private interface IUnitValues
    {
        double At(int c);
    }

    private readonly ref struct Given(ReadOnlySpan<double> u) : IUnitValues
    {
        private readonly ReadOnlySpan<double> _u = u;

        public double At(int c) => _u[c];
    }

    private readonly ref struct Linearized(ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double total) : IUnitValues
    {
        private readonly ReadOnlySpan<double> _y = y, _x = x;

        public double At(int c) => (_y[c] - ratio * _x[c]) / total;
    }
}
