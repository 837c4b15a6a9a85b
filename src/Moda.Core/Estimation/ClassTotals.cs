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
    private int _capacity;

    private ClassTotals(int dimensions, bool squares, int capacity)
    {
        Dimensions = dimensions;
        HasSquares = squares;
        _capacity = Math.Max(capacity, 16);
        Unit = new int[_capacity];
        Class = new int[_capacity];
        Weight = new double[_capacity];
        Weight2 = squares ? new double[_capacity] : [];
        Count = new long[_capacity];
        Deprived = new double[_capacity * dimensions + Spare];
        Deprived2 = squares ? new double[_capacity * dimensions + Spare] : [];
        NotDeprived2 = squares ? new double[_capacity * dimensions + Spare] : [];
    }

    /// <summary>Number of (unit, class) rows.</summary>
    public int Length { get; private set; }

    /// <summary>Dimensions each row is split by (the domain's, in ascending order).</summary>
    public int Dimensions { get; }

    /// <summary>True when the Σw² splits by dimension were kept (designs where each child is its own PSU).</summary>
    public bool HasSquares { get; }

    /// <summary>Sampling unit of each row.</summary>
    public int[] Unit { get; private set; }

    /// <summary>Score class of each row.</summary>
    public int[] Class { get; private set; }

    /// <summary>Σ w of each row.</summary>
    public double[] Weight { get; private set; }

    /// <summary>Σ w² of each row (only with <see cref="HasSquares"/>; empty otherwise).</summary>
    public double[] Weight2 { get; private set; }

    /// <summary>Children of each row.</summary>
    public long[] Count { get; private set; }

    /// <summary>Σ w of the row's children deprived in dimension j, at row · <see cref="Dimensions"/> + j.</summary>
    public double[] Deprived { get; private set; }

    /// <summary>Σ w² of the row's children deprived in dimension j (only with <see cref="HasSquares"/>).</summary>
    public double[] Deprived2 { get; private set; }

    /// <summary>Σ w² of the row's children not deprived in dimension j (only with <see cref="HasSquares"/>).</summary>
    public double[] NotDeprived2 { get; private set; }

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
        var stampOf = new int[classCount];  // per class: the run its slot belongs to
        // Sized exactly by a first pass that only counts the rows, not by doubling: at 10M children
        // a domain has millions of rows of ~100 bytes, and doubling held up to three times that.
        var result = new ClassTotals(dimensions, squares, CountRows(table, rows, classOf, stampOf));
        Array.Clear(stampOf);
        var slotOf = new int[classCount];   // per class: its row in the current unit's run
        var run = 0;
        var current = -1;
        var all = dimensions == 32 ? uint.MaxValue : (1u << dimensions) - 1;
        var unitOf = table.Unit;
        var keyOf = table.Key;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var key = keyOf[r];
            var c = classOf[key];
            if (c < 0) continue;
            var unit = unitOf[r];
            if (unit != current)
            {
                current = unit;
                run++;
            }
            int o;
            if (stampOf[c] == run) o = slotOf[c];
            else
            {
                o = result.NewRow(unit, c);
                stampOf[c] = run;
                slotOf[c] = o;
            }
            var w = table.Weight[r];
            result.Weight[o] += w;
            result.Count[o] += table.Count[r];
            var at = o * dimensions;
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

    // The rows Build makes: one per (run of a unit, class) met.
    private static int CountRows(EntryTable table, int[]? rows, ReadOnlySpan<int> classOf, int[] stampOf)
    {
        var n = rows?.Length ?? table.Length;
        int run = 0, current = -1, count = 0;
        var unitOf = table.Unit;
        var keyOf = table.Key;
        for (var i = 0; i < n; i++)
        {
            var r = rows is null ? i : rows[i];
            var c = classOf[keyOf[r]];
            if (c < 0) continue;
            if (unitOf[r] != current)
            {
                current = unitOf[r];
                run++;
            }
            if (stampOf[c] == run) continue;
            stampOf[c] = run;
            count++;
        }
        return count;
    }

    /// <summary>
    /// Per-unit totals Σ w·f(class) into <paramref name="units"/> (cleared first; with
    /// <paramref name="support"/>, this table's <see cref="Support"/>, only its units are: the
    /// others must be zero already).
    /// </summary>
    public void Totals(ReadOnlySpan<double> f, Span<double> units, int[]? support = null)
    {
        Clear(units, support);
        for (var r = 0; r < Length; r++)
        {
            var v = f[Class[r]];
            if (v == 0) continue;
            units[Unit[r]] += Weight[r] * v;
        }
    }

    /// <summary>
    /// Per dimension j and unit, Σ over children deprived in j of w·f[class · D + j], into
    /// <paramref name="units"/>[j · unitCount + unit] (cleared first; with <paramref name="support"/>
    /// as in <see cref="Totals"/>, only its units of each dimension are).
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
            if (e == 0) continue;
            q[stratumOf[Unit[r]]] += scale * Weight2[r] * e * e;
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
            if (e != 0) q[h] += scale * Deprived2[r * d + j] * e * e;
            if (rx != 0) q[h] += scale * NotDeprived2[r * d + j] * rx * rx;
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

    private int NewRow(int unit, int c)
    {
        if (Length == _capacity)
        {
            _capacity *= 2;
            Unit = Grow(Unit);
            Class = Grow(Class);
            Weight = Grow(Weight);
            if (HasSquares) Weight2 = Grow(Weight2);
            Count = Grow(Count);
            Deprived = GrowSpared(Deprived);
            if (HasSquares)
            {
                Deprived2 = GrowSpared(Deprived2);
                NotDeprived2 = GrowSpared(NotDeprived2);
            }
        }
        Unit[Length] = unit;
        Class[Length] = c;
        return Length++;
    }

    private double[] GrowSpared(double[] a)
    {
        var bigger = new double[_capacity * Dimensions + Spare];
        Array.Copy(a, bigger, Length * Dimensions);
        return bigger;
    }

    private T[] Grow<T>(T[] a)
    {
        var bigger = new T[_capacity];
        Array.Copy(a, bigger, Length);
        return bigger;
    }
}
