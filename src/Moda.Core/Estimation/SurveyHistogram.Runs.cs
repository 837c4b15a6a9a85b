using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Estimation;

// Runs of rows of one (sampling unit, breakdown cell): a run met for the first time (every run of
// a file sorted by PSU) is summed in one record per pattern and written to the entries when it
// ends; a run met again goes entry by entry through the hash table. A row's slot is its key, whose
// pattern the key table gives, or its pattern itself where keys do not fit a table.
public sealed partial class SurveyHistogram
{
    private RunSum[] _sums = [];             // per pattern: its sums over the open run (rented for one Add)
    private double[] _squares = [];          // per pattern: its Σw² over the open run, where the histogram HasSquares (as long as _sums)
    private int[] _touched = [];             // the open run's patterns, in the order first met
    private int _touchedCount;
    private int _openUnit = -1, _openCell = -1; // the open run: a (unit, cell) first met, summed by AddRun
    private int _openFirstEntry;             // the open run's entries: its touched patterns' in order, from here
    private int _openWritten;                // how many of its touched patterns have entries so far

    // True when (unit, cell) is met for the first time, or is the open run going on from the
    // previous batch; either way its rows are summed by AddRun.
    private bool IsFirstRun(int unit, int cell)
    {
        if (unit == _openUnit && cell == _openCell) return true;
        WriteRun(reset: true);
        _runs.GetOrAdd(((long)unit << 32) | (uint)cell, 0, out var first);
        if (!first) return false;
        _openUnit = unit;
        _openCell = cell;
        _openFirstEntry = _entries.Count;
        _openWritten = 0;
        _runUnit = -1; // the row-by-row path starts a run of its own after this one
        return true;
    }

    // The rows of a run of one (unit, cell), first met: per pattern, the run's sums are kept in one
    // record and written to the entries when the run ends (WriteRun). No branch per row but the
    // age-group check (and, where patterns are found by key, the rare key met for the first time):
    // half the rows of a survey file start a new (unit, pattern) entry, which a branch would
    // mispredict. Patterns are numbered in the order their first rows come, as records are indexed.
    private void AddRun(ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int start, int end)
    {
        EnsureTouched(_touchedCount + end - start);
        var table = _keys.Fit ? KeyTable() : null;
        var t = _touchedCount;
        for (var r = start; r < end;)
        {
            r = (table is not null, weight.IsEmpty, HasSquares) switch
            {
                (true, true, _) => SumRows<Yes, No, No>(slots, weight, table, _sums, default, _touched, r, end, ref t),
                (true, false, true) => SumRows<Yes, Yes, Yes>(slots, weight, table, _sums, _squares, _touched, r, end, ref t),
                (true, false, false) => SumRows<Yes, Yes, No>(slots, weight, table, _sums, default, _touched, r, end, ref t),
                (false, true, _) => SumRows<No, No, No>(slots, weight, table, _sums, default, _touched, r, end, ref t),
                (false, false, true) => SumRows<No, Yes, Yes>(slots, weight, table, _sums, _squares, _touched, r, end, ref t),
                (false, false, false) => SumRows<No, Yes, No>(slots, weight, table, _sums, default, _touched, r, end, ref t),
            };
            if (r == end) break;
            NewPattern(table!, slots[r], t); // the row's key has no pattern yet: its row goes again
        }
        _touchedCount = t;
    }

    // AddRun's loop, rows [r, end), stopping at a key without a pattern (returned; end when none).
    // A method of its own without calls, indexed by refs and native-sized indices (no sign
    // extension a row), so that it needs no spills: the caller keeps every index in range
    // (patterns below the sums' length, AddRun's room for touched patterns; keys are checked
    // against the table's length, held in a register). One copy for each of keyed or not,
    // weighted or not and summing squares or not (the JIT makes each its own, with no test of
    // them a row): 26 instructions a row where there were 31, at 10M children about a quarter of
    // the kernel's time.
    private static int SumRows<TKeyed, TWeighted, TSquares>(ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int[]? table, Span<RunSum> sums,
        Span<double> squares, Span<int> touched, int r, int end, ref int touchedCount)
        where TKeyed : struct, IFlag where TWeighted : struct, IFlag where TSquares : struct, IFlag
    {
        if ((uint)end > (uint)slots.Length || (TWeighted.On && (uint)end > (uint)weight.Length)) throw new ArgumentOutOfRangeException(nameof(end));
        if (TSquares.On && squares.Length < sums.Length) throw new ArgumentOutOfRangeException(nameof(squares));
        ref var slot = ref MemoryMarshal.GetReference(slots);
        ref var w0 = ref MemoryMarshal.GetReference(weight);
        ref var sum0 = ref MemoryMarshal.GetReference(sums);
        ref var square0 = ref MemoryMarshal.GetReference(squares);
        ref var touched0 = ref MemoryMarshal.GetReference(touched);
        ref var table0 = ref TKeyed.On ? ref MemoryMarshal.GetArrayDataReference(table!) : ref Unsafe.NullRef<int>();
        var keys = TKeyed.On ? (nuint)table!.Length : 0;
        nint t = touchedCount;
        nint i = r;
        for (; i < end; i++)
        {
            var p = Unsafe.Add(ref slot, i);
            if (p < 0) continue;
            if (TKeyed.On)
            {
                if ((nuint)(uint)p >= keys) ThrowKeyOutOfRange(p);
                p = Unsafe.Add(ref table0, (nint)(uint)p) - 1;
                if (p < 0) break;
            }
            var w = TWeighted.On ? Unsafe.Add(ref w0, i) : 1.0;
            ref var sum = ref Unsafe.Add(ref sum0, (nint)(uint)p);
            var n = sum.N;
            Unsafe.Add(ref touched0, t) = p;
            t += n == 0 ? 1 : 0;
            sum.W += w;
            if (TSquares.On) Unsafe.Add(ref square0, (nint)(uint)p) += w * w;
            sum.N = n + 1;
        }
        touchedCount = (int)t;
        return (int)i;
    }

    [DoesNotReturn]
    private static void ThrowKeyOutOfRange(int key) => throw new ArgumentOutOfRangeException(nameof(key), key, "a pattern key beyond the key table");

    // A key met for the first time in this histogram: its pattern, made, with a record for it
    // (the open run's first `touched` records move when the sums grow).
    private void NewPattern(int[] table, int key, int touched)
    {
        var p = PatternOfKey(table, key);
        if (p >= _sums.Length) GrowRunSums(p, touched);
    }

    // The rows of a (unit, cell) met before, in an unsorted file: entry by entry, through the hash table.
    private void AddRunRevisited(ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int start, int end, int unit, int cell)
    {
        var table = _keys.Fit ? KeyTable() : null;
        for (var r = start; r < end; r++)
        {
            var slot = slots[r];
            if (slot < 0) continue;
            var w = weight.IsEmpty ? 1.0 : weight[r];
            AddEntry(unit, cell, table is null ? slot : PatternOfKey(table, slot), w, w * w, 1);
        }
        if (Patterns.Count > _sums.Length) GrowRunSums(Patterns.Count - 1, _touchedCount); // AddRun finds these by key, unchecked
    }

    // Writes the open run's sums to its entries, appending those of patterns new to it (in the
    // order first met: the order a row-by-row fill makes); with `reset` the run is closed. A run's
    // entries are contiguous, touched pattern i at entry first + i: nothing else appends entries
    // while a run is open (the run ends before a revisited run's rows are added, and at a merge).
    private void WriteRun(bool reset)
    {
        if (_openUnit < 0) return;
        var entries = _entries;
        var first = _openFirstEntry;
        var count = _touchedCount;
        var written = _openWritten;
        var touched = _touched.AsSpan(0, count);
        if (count > written)
        {
            entries.Grow(first + count);
            entries.Unit.AsSpan(first + written, count - written).Fill(_openUnit);
            entries.Cell.AsSpan(first + written, count - written).Fill(_openCell);
            touched[written..].CopyTo(entries.Pattern.AsSpan(first + written));
        }
        var weights = entries.Weight.AsSpan(first, count);
        var weights2 = HasSquares ? entries.Weight2.AsSpan(first, count) : default;
        var children = entries.Children.AsSpan(first, count);
        var sums = _sums;
        for (var i = 0; i < touched.Length; i++)
        {
            ref var sum = ref sums[touched[i]];
            weights[i] = sum.W;
            children[i] = sum.N;
            if (reset) sum = default;
        }
        if (HasSquares)
        {
            var squares = _squares;
            for (var i = 0; i < touched.Length; i++)
            {
                ref var square = ref squares[touched[i]];
                weights2[i] = square;
                if (reset) square = 0;
            }
        }
        entries.Count = first + count;
        _openWritten = count;
        if (!reset) return;
        _touchedCount = 0;
        _openUnit = _openCell = -1;
    }

    // Run sums are rented for one Add, a record per pattern, from a pool whose arrays are all zero
    // (new ones are made zero, and ReturnRunSums zeroes the records it used), so a partial
    // histogram neither allocates nor clears them. The open run's records, when it goes on from
    // the previous batch, are its entries' values.
    private static readonly ArrayPool<RunSum> RunSumPool = ArrayPool<RunSum>.Create(PatternKeys.MaxKeys, 16);
    private static readonly ArrayPool<double> SquarePool = ArrayPool<double>.Create(PatternKeys.MaxKeys, 16);
    private static readonly ArrayPool<int> TouchedPool = ArrayPool<int>.Shared;

    private void RentRunSums()
    {
        _sums = RunSumPool.Rent(Math.Max(2 * Patterns.Count, 256));
        if (HasSquares) _squares = SquarePool.Rent(_sums.Length);
        if (_openUnit < 0) return;
        var entries = _entries;
        for (var i = 0; i < _touchedCount; i++)
        {
            var e = _openFirstEntry + i;
            _sums[_touched[i]] = new RunSum { W = entries.Weight[e], N = entries.Children[e] };
            if (HasSquares) _squares[_touched[i]] = entries.Weight2[e];
        }
    }

    // Room for `pattern`'s record: the open run's records (the first `touched` of _touched) move
    // to a larger array, and the old one goes back zeroed.
    private void GrowRunSums(int pattern, int touched)
    {
        if (pattern >= PatternKeys.MaxKeys)
            throw new ModaDataException(_file, "too many distinct deprivation patterns or breakdown cells for one analysis");
        var sums = RunSumPool.Rent(Math.Max(pattern + 1, 2 * _sums.Length));
        var squares = HasSquares ? SquarePool.Rent(sums.Length) : [];
        foreach (var p in _touched.AsSpan(0, touched))
        {
            sums[p] = _sums[p];
            _sums[p] = default;
            if (!HasSquares) continue;
            squares[p] = _squares[p];
            _squares[p] = 0;
        }
        RunSumPool.Return(_sums);
        _sums = sums;
        if (!HasSquares) return;
        SquarePool.Return(_squares);
        _squares = squares;
    }

    // Zeroes the open run's records and gives the sums back. After an Add that threw, the records
    // are not known to be zero, so the array is dropped, not pooled.
    private void ReturnRunSums(bool clean)
    {
        if (_sums.Length == 0) return;
        if (clean)
        {
            foreach (var p in _touched.AsSpan(0, _touchedCount)) _sums[p] = default;
            RunSumPool.Return(_sums);
            if (HasSquares)
            {
                foreach (var p in _touched.AsSpan(0, _touchedCount)) _squares[p] = 0;
                SquarePool.Return(_squares);
            }
        }
        _sums = [];
        _squares = [];
    }

    // Room for `count` touched patterns, and one spare: AddRun writes a slot before knowing it is new.
    private void EnsureTouched(int count)
    {
        if (_touched.Length > count) return;
        var touched = TouchedPool.Rent(Math.Max(count + 1, 256));
        _touched.AsSpan(0, _touchedCount).CopyTo(touched);
        ReturnTouched();
        _touched = touched;
    }

    private void ReturnTouched()
    {
        if (_touched.Length == 0) return;
        TouchedPool.Return(_touched);
        _touched = [];
    }

    // A compile-time switch of SumRows.
    private interface IFlag
    {
        static abstract bool On { get; }
    }

    private struct Yes : IFlag
    {
        public static bool On => true;
    }

    private struct No : IFlag
    {
        public static bool On => false;
    }

    // A pattern's sums over the open run: 16 bytes, so that no record straddles a cache line (Σw²,
    // where the histogram keeps it, is in a column of its own).
    private struct RunSum
    {
        public double W;
        public long N;
    }
}
