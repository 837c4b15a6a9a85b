using System.Buffers;
using Moda.Data;

namespace Moda.Estimation;

// Runs of rows of one (sampling unit, breakdown cell): a run met for the first time (every run of
// a file sorted by PSU) is summed per pattern in one record per pattern and written to the
// entries when it ends; a run met again goes entry by entry through the hash table.
public sealed partial class SurveyHistogram
{
    private RunSum[] _sums = [];             // per pattern: its sums over the open run
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

    // The rows of a run of one (unit, cell), first met: per pattern, the run's sums are kept in
    // one record and written to the entries when the run ends (WriteRun). No branch per row but
    // the age-group check: half the rows of a survey file start a new (unit, pattern) entry,
    // which a branch would mispredict. Every pattern has its record (Add sized them).
    private void AddRun(ReadOnlySpan<int> patterns, ReadOnlySpan<double> weight, int start, int end)
    {
        var sums = _sums.AsSpan();
        var touched = _touched.AsSpan();
        var t = _touchedCount;
        var weighted = !weight.IsEmpty;
        for (var r = start; r < end; r++)
        {
            var p = patterns[r];
            if (p < 0) continue;
            var w = weighted ? weight[r] : 1.0;
            ref var sum = ref sums[p];
            var n = sum.N;
            touched[t] = p;
            t += n == 0 ? 1 : 0;
            sum.W += w;
            sum.W2 += w * w;
            sum.N = n + 1;
        }
        _touchedCount = t;
    }

    // The rows of a (unit, cell) met before, in an unsorted file: entry by entry, through the hash table.
    private void AddRunRevisited(ReadOnlySpan<int> patterns, ReadOnlySpan<double> weight, int start, int end, int unit, int cell)
    {
        for (var r = start; r < end; r++)
        {
            if (patterns[r] < 0) continue;
            var w = weight.IsEmpty ? 1.0 : weight[r];
            AddEntry(unit, cell, patterns[r], w, w * w, 1);
        }
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
        var weights2 = entries.Weight2.AsSpan(first, count);
        var children = entries.Children.AsSpan(first, count);
        var sums = _sums;
        for (var i = 0; i < touched.Length; i++)
        {
            ref var sum = ref sums[touched[i]];
            weights[i] = sum.W;
            weights2[i] = sum.W2;
            children[i] = sum.N;
            if (reset) sum = default;
        }
        entries.Count = first + count;
        _openWritten = count;
        if (!reset) return;
        _touchedCount = 0;
        _openUnit = _openCell = -1;
    }

    // Run sums come from a pool (a partial histogram would otherwise allocate its records anew,
    // doubling, for every 65,536-row chunk) when the histogram first needs them, and go back when
    // it takes no more rows (ReturnRunSums). A rented array is dirty (the shared pool makes new
    // ones uninitialized), so it is cleared: AddRun needs every record zero but the open run's.
    private static readonly ArrayPool<RunSum> RunSumPool = ArrayPool<RunSum>.Shared;
    private static readonly ArrayPool<int> TouchedPool = ArrayPool<int>.Shared;

    private void GrowRunSums(int pattern)
    {
        if (pattern >= 1 << 20)
            throw new ModaDataException(_file, "too many distinct deprivation patterns or breakdown cells for one analysis");
        var size = Math.Max(pattern + 1, Math.Max(64, 2 * _sums.Length));
        var sums = RunSumPool.Rent(size);
        Array.Clear(sums);
        var touched = TouchedPool.Rent(sums.Length + 1); // one spare: AddRun writes a slot before knowing it is new
        _sums.CopyTo(sums, 0);
        _touched.AsSpan(0, _touchedCount).CopyTo(touched);
        ReturnRunSums();
        _sums = sums;
        _touched = touched;
    }

    private void ReturnRunSums()
    {
        if (_sums.Length == 0) return;
        RunSumPool.Return(_sums);
        TouchedPool.Return(_touched);
        _sums = [];
        _touched = [];
    }

    // A pattern's sums over the open run.
    private struct RunSum
    {
        public double W;
        public double W2;
        public long N;
    }
}
