using System.Globalization;
using Moda.Results;

namespace Moda.Tests.Properties;

/// <summary>Helpers of the property tests: every reported estimate by name, direct computations from the data, tolerant comparisons.</summary>
internal static class Figures
{
    /// <summary>Relative tolerance of the identities.</summary>
    public const double Rel = 1e-9;

    /// <summary>Absolute floor, for figures that are 0.</summary>
    public const double Abs = 1e-12;

    /// <summary>Every estimate of a group result, keyed by a readable name.</summary>
    public static SortedDictionary<string, Estimate> All(GroupResult g)
    {
        var f = new SortedDictionary<string, Estimate>(StringComparer.Ordinal);
        foreach (var r in g.Dimensions) f[$"rate {r.Name}"] = r.Rate;
        foreach (var r in g.Indicators) f[$"indicator {r.Name}"] = r.Rate;
        foreach (var c in g.Distribution)
        {
            f[$"exactly {c.Count}"] = c.Share;
            f[$"at least {c.Count}"] = c.AtLeast;
        }
        AddCutoffs(f, "", g.Cutoffs);
        foreach (var p in g.Overlap.Pairs) f[$"pair {p.A}&{p.B}"] = p.Share;
        foreach (var c in g.Overlap.Combinations) f[$"combination {string.Join('+', c.Dimensions)}"] = c.Share;
        foreach (var (column, values) in g.Breakdowns)
            foreach (var v in values)
            {
                f[$"{column}={v.Value} population share"] = v.PopulationShare;
                AddCutoffs(f, $"{column}={v.Value} ", v.Cutoffs);
            }
        return f;
    }

    private static void AddCutoffs(SortedDictionary<string, Estimate> f, string prefix, IReadOnlyList<CutoffResult> cutoffs)
    {
        foreach (var c in cutoffs)
        {
            var k = $"{prefix}k={c.K?.ToString(CultureInfo.InvariantCulture) ?? c.Share?.ToString(CultureInfo.InvariantCulture)}";
            f[$"{k} H"] = c.H;
            f[$"{k} A"] = c.A;
            f[$"{k} M0"] = c.M0;
            foreach (var (d, e) in c.Censored) f[$"{k} CH {d}"] = e;
            foreach (var (d, e) in c.Contributions) f[$"{k} contribution {d}"] = e;
            if (c.Contribution is { } sub) f[$"{k} subgroup contribution"] = sub;
        }
    }

    /// <summary>True when both are NaN or they agree to <paramref name="rel"/> relative (with an absolute floor <paramref name="abs"/>).</summary>
    public static bool Close(double a, double b, double rel = Rel, double abs = Abs) =>
        (double.IsNaN(a) && double.IsNaN(b)) || a == b || Math.Abs(a - b) <= Math.Max(abs, rel * Math.Max(Math.Abs(a), Math.Abs(b)));

    /// <summary>Asserts <see cref="Close"/> with a message naming the figure.</summary>
    public static void AssertClose(double expected, double actual, string what, double rel = Rel, double abs = Abs) =>
        Assert.True(Close(expected, actual, rel, abs), $"{what}: expected {expected:R}, got {actual:R} (diff {Math.Abs(expected - actual):E3})");

    /// <summary>
    /// Absolute tolerance on a variance (SE²). SEs are compared as variances: a variance that is 0
    /// in exact arithmetic comes out of Σu² − (Σu)²/n as ±1e-17 or so, whose square root (3e-9) is
    /// round-off, not a different SE. Real variances here are 1e-6 and up.
    /// </summary>
    public const double VarAbs = 1e-15;

    /// <summary>Asserts two SEs agree as variances (see <see cref="VarAbs"/>).</summary>
    public static void AssertSameSe(double expected, double actual, string what) =>
        Assert.True(Close(expected * expected, actual * actual, Rel, VarAbs),
            $"{what}: expected SE {expected:R}, got {actual:R} (variances {expected * expected:E3} vs {actual * actual:E3})");

    /// <summary>Asserts two results report the same figures: same names, same estimates, and when <paramref name="withSe"/> the same SEs and intervals.</summary>
    public static void AssertSame(GroupResult expected, GroupResult actual, bool withSe, string context)
    {
        var a = All(expected);
        var b = All(actual);
        Assert.True(a.Keys.SequenceEqual(b.Keys),
            $"{context}: figures differ: only before {string.Join(", ", a.Keys.Except(b.Keys))}; only after {string.Join(", ", b.Keys.Except(a.Keys))}");
        // An interval end moves by z·ΔSE: at most 2·sqrt(VarAbs) when the SEs agree as variances.
        var ciAbs = 2 * Math.Sqrt(VarAbs);
        foreach (var (name, e) in a)
        {
            var o = b[name];
            AssertClose(e.Value, o.Value, $"{context}: {name} estimate");
            if (!withSe) continue;
            AssertSameSe(e.Se, o.Se, $"{context}: {name}");
            AssertClose(e.CiLow, o.CiLow, $"{context}: {name} ciLow", Rel, ciAbs);
            AssertClose(e.CiHigh, o.CiHigh, $"{context}: {name} ciHigh", Rel, ciAbs);
        }
    }

    /// <summary>Σ w over complete children satisfying <paramref name="predicate"/> / Σ w over complete children.</summary>
    public static double Share(Scenario s, Func<int, bool> predicate)
    {
        double num = 0, den = 0;
        for (var i = 0; i < s.N; i++)
        {
            if (!s.Complete(i)) continue;
            den += s.Weight[i];
            if (predicate(i)) num += s.Weight[i];
        }
        return num / den;
    }

    /// <summary>Σ w·value(i) over complete children / Σ w over complete children.</summary>
    public static double Mean(Scenario s, Func<int, double> value)
    {
        double num = 0, den = 0;
        for (var i = 0; i < s.N; i++)
        {
            if (!s.Complete(i)) continue;
            den += s.Weight[i];
            num += s.Weight[i] * value(i);
        }
        return num / den;
    }

    /// <summary>The cut-off result at count k.</summary>
    public static CutoffResult At(this IReadOnlyList<CutoffResult> cutoffs, int k) => cutoffs.Single(c => c.K == k);
}
