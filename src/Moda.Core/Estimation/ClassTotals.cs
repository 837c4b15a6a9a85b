using System.Numerics;

namespace Moda.Estimation;

/// <summary>
/// The complete children of a domain by (sampling unit, score class), each row also split by
/// deprivation in every dimension of the domain. H, A, M0, the distribution, censored headcounts
/// and contributions at every cut-off are functions of it: one pass over the histogram builds it,
/// and a cut-off then costs one pass over its (unit, class) rows instead of a projection and two
/// ratio passes per dimension.
/// </summary>
public sealed class ClassTotals
{
    // The per-dimension columns end with eight spare elements: a row's totals are added to in
    // vectors of eight (BitTotals), which touch, with exact zeros, up to seven past the last row's.
    private const int Spare = 8;

    private ClassTotals(int dimensions, bool squares, int length)
    {
        Dimensions = dimensions;
        HasSquares = squares;
        Length = length;
        Unit = new int[length];
        Class = new int[length];
        Weight = new double[length];
        Weight2 = squares ? new double[length] : [];
        Count = new long[length];
        Deprived = new double[length * dimensions + Spare];
        Deprived2 = squares ? new double[length * dimensions + Spare] : [];
        NotDeprived2 = squares ? new double[length * dimensions + Spare] : [];
    }

    /// <summary>Number of (unit, class) rows.</summary>
    public int Length { get; }

    /// <summary>The bytes of the table's columns.</summary>
    internal long Bytes => (long)Length * (sizeof(int) * 2 + sizeof(double) + sizeof(long) + (HasSquares ? sizeof(double) : 0))
        + sizeof(double) * ((long)Deprived.Length + Deprived2.Length + NotDeprived2.Length);

    /// <summary>Dimensions each row is split by (the domain's, in ascending order).</summary>
    public int Dimensions { get; }

    /// <summary>True when the Σw² splits by dimension were kept (designs where each child is its own PSU).</summary>
    public bool HasSquares { get; }

    /// <summary>Sampling unit of each row.</summary>
    public int[] Unit { get; }

    /// <summary>Score class of each row.</summary>
    public int[] Class { get; }

    /// <summary>Σ w of each row.</summary>
    public double[] Weight { get; }

    /// <summary>Σ w² of each row (only with <see cref="HasSquares"/>; empty otherwise).</summary>
    public double[] Weight2 { get; }

    /// <summary>Children of each row.</summary>
    public long[] Count { get; }

    /// <summary>Σ w of the row's children deprived in dimension j, at row · <see cref="Dimensions"/> + j.</summary>
    public double[] Deprived { get; }

    /// <summary>Σ w² of the row's children deprived in dimension j (only with <see cref="HasSquares"/>).</summary>
    public double[] Deprived2 { get; }

    /// <summary>Σ w² of the row's children not deprived in dimension j (only with <see cref="HasSquares"/>).</summary>
    public double[] NotDeprived2 { get; }

    /// <summary>The units with a row, ascending: where every per-unit total of this table may be nonzero.</summary>
    public int[] Support => _support ??= DistinctUnits();

    private int[]? _support;

    private int[] DistinctUnits()
    {
        var units = Unit.AsSpan(0, Length);
        var sorted = true;
        for (var r = 1; r < units.Length && sorted; r++) sorted = units[r - 1] <= units[r];
        int[] copy = [.. units];
        if (!sorted) Array.Sort(copy);
        var n = 0;
        for (var r = 0; r < copy.Length; r++)
            if (n == 0 || copy[r] != copy[n - 1]) copy[n++] = copy[r];
        return copy[..n];
    }

    /// <summary>
    /// Sums the rows listed (all when null) of a pattern-keyed table by (unit, class):
    /// <paramref name="classOf"/> gives each pattern's class (-1: incomplete, left out) and
    /// <paramref name="deprivedBits"/> its deprivations as bits j of the domain's dimensions.
    /// Rows ordered by unit give one row per (unit, class); otherwise a pair may repeat, which
    /// every total sums alike.
    /// </summary>
    public static ClassTotals Build(EntryTable table, int[]? rows, ReadOnlySpan<int> classOf, int classCount,
                                    ReadOnlySpan<uint> deprivedBits, int dimensions, bool squares)
    {
        var n = rows?.Length ?? table.Length;
        var unitOf = table.Unit;
        var keyOf = table.Key;
        var runs = new RunRows(classCount);
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var c = classOf[keyOf[r]];
            if (c >= 0) runs.RowOf(unitOf[r], c, out _);
        }
        var result = new ClassTotals(dimensions, squares, runs.Count);
        runs.Reset();
        var all = dimensions == 32 ? uint.MaxValue : (1u << dimensions) - 1;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var key = keyOf[r];
            var c = classOf[key];
            if (c < 0) continue;
            var unit = unitOf[r];
            var o = runs.RowOf(unit, c, out var made);
            var at = o * dimensions;
            if (made) result.Start(o, unit, c);
            var w = table.Weight[r];
            result.Weight[o] += w;
            result.Count[o] += table.Count[r];
            var bits = deprivedBits[key];
            BitTotals.AddToRow(result.Deprived.AsSpan(at), bits, w);
            if (!squares) continue;
            var w2 = table.Weight2[r];
            result.Weight2[o] += w2;
            BitTotals.AddToRow(result.Deprived2.AsSpan(at), bits, w2);
            BitTotals.AddToRow(result.NotDeprived2.AsSpan(at), ~bits & all, w2);
        }
        return result;
    }

    // Row o is made: its unit and class are set and its totals written as zeros before they are
    // added to. The columns are new, and at 10M children hundreds of megabytes: memory the process
    // has not touched yet. Adding to such a page first reads it, which maps the shared zero page,
    // and the write then faults again to replace it, signalling the other core to flush its TLB;
    // writing first takes one fault a page (a fifth of a Hubei-layout estimation's time went to
    // those faults). The clear reaches as far as a row's vectors do (BitTotals.AddToRow), into
    // rows not made yet, whose totals are zero still.
    private void Start(int o, int unit, int c)
    {
        Unit[o] = unit;
        Class[o] = c;
        Weight[o] = 0;
        Count[o] = 0;
        var at = o * Dimensions;
        var reach = Math.Min(Dimensions + Spare, Deprived.Length - at);
        Deprived.AsSpan(at, reach).Clear();
        if (!HasSquares) return;
        Weight2[o] = 0;
        Deprived2.AsSpan(at, reach).Clear();
        NotDeprived2.AsSpan(at, reach).Clear();
    }

    /// <summary>
    /// Per-unit totals Σ w·f(class) into <paramref name="units"/> (cleared first; with
    /// <paramref name="support"/>, this table's <see cref="Support"/>, only its units are: the
    /// others must be zero already).
    /// </summary>
    public void Totals(ReadOnlySpan<double> f, Span<double> units, int[]? support = null)
    {
        Clear(units, support);
        // Without a branch on f: whether a class counts (is poor) is as random as the children,
        // and a row that does not adds an exact +0, which leaves its unit's sum as it was (sums
        // start at +0 and are never −0). Twice as fast as skipping it.
        for (var r = 0; r < Length; r++) units[Unit[r]] += Weight[r] * f[Class[r]];
    }

    /// <summary>
    /// <see cref="Totals(ReadOnlySpan{double}, Span{double}, int[])"/> of two functions in one
    /// pass over the rows: Σ w·f(class) into <paramref name="fUnits"/> and Σ w·g(class) into
    /// <paramref name="gUnits"/>, each the same sums in the same order as alone.
    /// </summary>
    public void Totals(ReadOnlySpan<double> f, Span<double> fUnits, ReadOnlySpan<double> g, Span<double> gUnits, int[]? support = null)
    {
        Clear(fUnits, support);
        Clear(gUnits, support);
        for (var r = 0; r < Length; r++) // without a branch, as the one-function Totals
        {
            var c = Class[r];
            var u = Unit[r];
            var w = Weight[r];
            fUnits[u] += w * f[c];
            gUnits[u] += w * g[c];
        }
    }

    /// <summary>
    /// Per dimension j and unit, Σ over children deprived in j of w·f[class · D + j], into
    /// <paramref name="units"/>[j · unitCount + unit] (cleared first; with <paramref name="support"/>
    /// as in <see cref="Totals(ReadOnlySpan{double}, Span{double}, int[])"/>, only its units of each dimension are).
    /// </summary>
    public void DeprivedTotals(ReadOnlySpan<double> f, Span<double> units, int unitCount, int[]? support = null)
    {
        if (support is null) units.Clear();
        else
            for (var j = 0; j < Dimensions; j++) Clear(units.Slice(j * unitCount, unitCount), support);
        Span<double> padded = f.Length + Spare <= 512 ? stackalloc double[f.Length + Spare] : new double[f.Length + Spare];
        f.CopyTo(padded);
        padded[f.Length..].Clear();
        BitTotals.AddProducts(Unit.AsSpan(0, Length), Class.AsSpan(0, Length), Deprived, padded, Dimensions, units, unitCount);
    }

    /// <summary>
    /// Adds per stratum Σ scale·w²(y − R x)² over the children, y and x by class (variance of
    /// designs where each child is its own PSU).
    /// </summary>
    public void Squares(ReadOnlySpan<double> y, ReadOnlySpan<double> x, double ratio, double scale,
                        ReadOnlySpan<int> stratumOf, Span<double> q)
    {
        for (var r = 0; r < Length; r++)
        {
            var c = Class[r];
            var e = y[c] - ratio * x[c];
            q[stratumOf[Unit[r]]] += scale * Weight2[r] * e * e; // e = 0 adds an exact ±0: no branch (see Totals)
        }
    }

    /// <summary>
    /// Like <see cref="Squares"/> for a figure of dimension j: children deprived in j have
    /// y = <paramref name="yDeprived"/>[class · D + j], the others y = 0; both have x = x[class].
    /// </summary>
    public void DeprivedSquares(int j, ReadOnlySpan<double> yDeprived, ReadOnlySpan<double> x, double ratio, double scale,
                                ReadOnlySpan<int> stratumOf, Span<double> q)
    {
        var d = Dimensions;
        for (var r = 0; r < Length; r++)
        {
            var c = Class[r];
            var h = stratumOf[Unit[r]];
            var rx = ratio * x[c];
            var e = yDeprived[c * d + j] - rx;
            q[h] += scale * Deprived2[r * d + j] * e * e;      // zeros add an exact ±0: no branch
            q[h] += scale * NotDeprived2[r * d + j] * rx * rx;
        }
    }

    /// <summary>Zeroes <paramref name="units"/>, or only the units of <paramref name="support"/>.</summary>
    internal static void Clear(Span<double> units, int[]? support)
    {
        if (support is null)
        {
            units.Clear();
            return;
        }
        foreach (var c in support) units[c] = 0;
    }
}
