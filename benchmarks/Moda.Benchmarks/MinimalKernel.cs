using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;

namespace Moda.Benchmarks;

/// <summary>
/// A floor for the kernel target, not Moda code: the same sufficient statistic (Σw and children
/// per (stratum, PSU, pattern key)) from the same in-memory columns, by the least work this
/// machine allows, for the default plan only. Eight columns tested <c>== 1</c> (NaN unknown, the
/// union rule), no checks of weights or codes, no other plans, no breakdowns, no pattern table
/// (sums indexed by key), nothing merged (keys and codes are already file-wide). Eight rows a
/// step: one AVX-512 compare per column gives eight rows' bits, and an 8×8 bit transpose turns
/// the columns' bytes into the rows' masks. <see cref="Check"/> holds its statistic to
/// <see cref="SurveyHistogram"/>'s. If even this is beyond 2× the bandwidth pass, no filling
/// of this statistic reaches it on this machine.
/// </summary>
internal sealed class MinimalKernel
{
    private const int Block = 4096;           // rows whose keys are made, then summed (L1)
    private const int Dimensions = 8;
    private const int Full = (1 << Dimensions) - 1;
    private readonly int[] _keys = new int[Block];
    private readonly double[] _w = new double[1 << (2 * Dimensions)];   // per key: Σw of the open run
    private readonly long[] _n = new long[1 << (2 * Dimensions)];
    private readonly int[] _touched = new int[1 << (2 * Dimensions)];  // the open run's keys, first met first
    private int _count;                       // its touched keys

    /// <summary>The statistic of the rows added since <see cref="Clear"/>: one entry per (run, key).</summary>
    public List<(int Stratum, int Psu, int Key, double Weight, long Children)> Entries { get; } = [];

    /// <summary>Empties <see cref="Entries"/> (their storage stays).</summary>
    public void Clear() => Entries.Clear();

    /// <summary>Adds the rows of one batch: eight dimension columns, weight, stratum and PSU codes.</summary>
    public void Add(double[][] dims, double[] weight, int[] stratum, int[] psu, int rows)
    {
        if (!Vector512.IsHardwareAccelerated) throw new PlatformNotSupportedException("the floor is written for AVX-512");
        if (dims.Length != Dimensions) throw new ArgumentException("eight dimension columns", nameof(dims));
        if (rows == 0) return;
        int unit = psu[0], strat = stratum[0];
        for (var start = 0; start < rows; start += Block)
        {
            var m = Math.Min(Block, rows - start);
            Keys(dims, start, m);
            for (var r = 0; r < m;)
            {
                int u = psu[start + r], s = stratum[start + r];
                if (u != unit || s != strat)
                {
                    Flush(strat, unit);
                    (unit, strat) = (u, s);
                }
                var end = RunEnd(psu, stratum, start + r, start + m, u, s) - start;
                Sum(weight, start, r, end);
                r = end;
            }
        }
        Flush(strat, unit);
    }

    private static int RunEnd(int[] psu, int[] stratum, int from, int to, int u, int s)
    {
        var end = to - from;
        var a = psu.AsSpan(from, end).IndexOfAnyExcept(u);
        if (a >= 0) end = a;
        var b = stratum.AsSpan(from, end).IndexOfAnyExcept(s);
        if (b >= 0) end = b;
        return from + end;
    }

    // Rows [r, end) of the block into the open run's per-key sums.
    private void Sum(double[] weight, int start, int r, int end)
    {
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(weight);
        ref var sw = ref MemoryMarshal.GetArrayDataReference(_w);
        ref var sn = ref MemoryMarshal.GetArrayDataReference(_n);
        ref var touched = ref MemoryMarshal.GetArrayDataReference(_touched);
        var t = _count;
        for (; r < end; r++)
        {
            var key = (nint)(uint)Unsafe.Add(ref keys, r);
            var c = Unsafe.Add(ref sn, key);
            Unsafe.Add(ref touched, t) = (int)key;
            t += c == 0 ? 1 : 0;
            Unsafe.Add(ref sw, key) += Unsafe.Add(ref w0, start + r);
            Unsafe.Add(ref sn, key) = c + 1;
        }
        _count = t;
    }

    private void Flush(int stratum, int psu)
    {
        for (var i = 0; i < _count; i++)
        {
            var key = _touched[i];
            Entries.Add((stratum, psu, key, _w[key], _n[key]));
            _w[key] = 0;
            _n[key] = 0;
        }
        _count = 0;
    }

    // Each row's key, observed mask << 8 | deprived mask, eight rows a step.
    private void Keys(double[][] dims, int start, int m)
    {
        var one = Vector512.Create(1.0);
        double[] c0 = dims[0], c1 = dims[1], c2 = dims[2], c3 = dims[3], c4 = dims[4], c5 = dims[5], c6 = dims[6], c7 = dims[7];
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        var r = 0;
        for (; r + 8 <= m; r += 8)
        {
            var at = (nuint)(start + r);
            ulong d = 0, u = 0;
            Column(c0, at, one, 0, ref d, ref u);
            Column(c1, at, one, 8, ref d, ref u);
            Column(c2, at, one, 16, ref d, ref u);
            Column(c3, at, one, 24, ref d, ref u);
            Column(c4, at, one, 32, ref d, ref u);
            Column(c5, at, one, 40, ref d, ref u);
            Column(c6, at, one, 48, ref d, ref u);
            Column(c7, at, one, 56, ref d, ref u);
            var dep = Widen(Transpose(d));
            Vector256<int> key;
            if (u == 0) key = dep | Vector256.Create(Full << Dimensions);
            else
            {
                var ok = Vector256.AndNot(Vector256.Create(Full), Vector256.AndNot(Widen(Transpose(u)), dep)); // union rule
                key = (ok << Dimensions) | (dep & ok);
            }
            key.StoreUnsafe(ref keys, (nuint)r);
        }
        for (; r < m; r++)
        {
            int dep = 0, unk = 0;
            for (var j = 0; j < Dimensions; j++)
            {
                var v = dims[j][start + r];
                if (double.IsNaN(v)) unk |= 1 << j;
                else if (v == 1) dep |= 1 << j;
            }
            var ok = Full & ~(unk & ~dep);
            _keys[r] = (ok << Dimensions) | (dep & ok);
        }
    }

    // Column j's eight rows: bit r of byte j of d where row r is 1, of u where it is NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(double[] c, nuint at, Vector512<double> one, int shift, ref ulong d, ref ulong u)
    {
        var v = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(c), at);
        d |= (ulong)Vector512.Equals(v, one).ExtractMostSignificantBits() << shift;
        u |= (ulong)(~Vector512.Equals(v, v).ExtractMostSignificantBits() & 0xFF) << shift;
    }

    // Eight bytes to eight ints (vpmovzxbd).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen(ulong bytes) => Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(bytes).AsByte());

    // The 8×8 bit matrix transpose: bit r of byte j becomes bit j of byte r.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Transpose(ulong x)
    {
        var t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        return x ^ t ^ (t << 28);
    }

    /// <summary>
    /// Throws unless the floor's statistic is Moda's: the same children and Σw (to 1e-12 relative;
    /// sums taken in another order) per (stratum, PSU, deprived and observed masks).
    /// </summary>
    public static void Check(AnalysisPlan plan, ColumnBatch[] batches, string path)
    {
        var dims = plan.DimensionNames.Select(d => plan.SlotOf(d, ColumnKind.Numeric)).ToArray();
        // Cells by stratum and PSU values: each batch here has dictionaries of its own.
        var floor = new MinimalKernel();
        var cells = new List<((string, string, int), double, long)>();
        foreach (var b in batches)
        {
            floor.Clear();
            floor.Add(dims.Select(s => b.Numbers[s]!).ToArray(), b.Numbers[plan.WeightSlot]!, b.Codes[plan.StratumSlot]!, b.Codes[plan.ClusterSlot]!, b.Count);
            var strata = b.Categories[plan.StratumSlot]!;
            var psus = b.Categories[plan.ClusterSlot]!;
            cells.AddRange(floor.Entries.Select(e => ((strata[e.Stratum], psus[e.Psu], e.Key), e.Weight, e.Children)));
        }
        var mine = Totals(cells);

        var classifier = new ChildClassifier(plan);
        SurveyHistogram? total = null;
        foreach (var b in batches)
        {
            classifier.Classify(b);
            var partial = new SurveyHistogram(plan, path);
            partial.Add(b, classifier);
            if (total is null) total = partial;
            else total.Merge(partial);
        }
        var entries = total!.ToEntries();
        var theirs = Totals(Enumerable.Range(0, entries.Count).Select(e =>
        {
            var p = total.Patterns[entries.Pattern[e]];
            var unit = entries.Unit[e];
            var key = (int)(p.Observed << Dimensions | p.Deprived);
            return ((total.StratumDictionary![total.StratumCodes[total.UnitStratum[unit]]], total.ClusterDictionary![total.UnitPsu[unit]], key),
                entries.Weight[e], entries.Children[e]);
        }));
        if (mine.Count != theirs.Count) throw new InvalidOperationException($"the floor has {mine.Count} (unit, pattern) cells, Moda {theirs.Count}");
        foreach (var (cell, (w, n)) in theirs)
            if (!mine.TryGetValue(cell, out var m) || m.Children != n || Math.Abs(m.Weight - w) > 1e-12 * Math.Abs(w))
                throw new InvalidOperationException($"the floor's statistic differs from Moda's at {cell}");
    }

    private static Dictionary<(string, string, int), (double Weight, long Children)> Totals(IEnumerable<((string, string, int) Cell, double Weight, long Children)> entries)
    {
        var totals = new Dictionary<(string, string, int), (double Weight, long Children)>();
        foreach (var (cell, w, n) in entries)
        {
            totals.TryGetValue(cell, out var t);
            totals[cell] = (t.Weight + w, t.Children + n);
        }
        return totals;
    }
}
