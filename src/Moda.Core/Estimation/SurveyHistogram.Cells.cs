using System.Buffers;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Estimation;

// A unit's rows split by breakdown cell. A breakdown by a child's own trait (sex, age) changes
// cell every row or two within a PSU; each such stretch made a run of its own, met again a row
// later and summed entry by entry through the hash table, so each (unit, cell, pattern) was split
// over many entries. Instead the unit's rows are gathered by cell (in the order the cells are
// first met, each cell's rows in file order) and each cell's rows summed as one run.
public sealed partial class SurveyHistogram
{
    private int[] _cellStamp = [];            // per cell: the unit (numbered as met, from 1) that last met it
    private int[] _cellLocal = [];            // per cell: its number within that unit's cells
    private int _unitsMet;                    // units split by cell so far: the stamp of the current one

    // The rows [start, end) of one unit: with breakdowns (scratch given) each cell's rows in one
    // run, else all in the one cell. Rows in no age group are counted, never summed.
    private void AddUnit(ChildClassifier c, ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int start, int end, int unit, CellScratch? scratch)
    {
        int firstInGroup;
        if (scratch is null)
        {
            firstInGroup = FirstInGroup(slots, start, end);
            if (firstInGroup < 0) return;
            AddCellRun(slots, weight, firstInGroup, end, unit, cell: 0);
        }
        else
        {
            (var stretches, var cells, firstInGroup) = FindStretches(slots, start, end, scratch);
            if (firstInGroup < 0) return;
            if (cells == 1) AddCellRun(slots, weight, firstInGroup, end, unit, scratch.Cell[0]);
            else SumByCell(slots, weight, unit, stretches, cells, scratch);
        }
        // The unit's indicator totals do not depend on the cell: its rows in file order, once.
        if (_indicatorStride > 0) AddIndicators(c, slots, weight, firstInGroup, end, unit);
    }

    // The first row of [start, end) in an age group, or -1.
    private static int FirstInGroup(ReadOnlySpan<int> slots, int start, int end)
    {
        var found = slots[start] >= 0 ? 0 : slots[start..end].IndexOfAnyInRange(0, int.MaxValue);
        return found < 0 ? -1 : start + found;
    }

    // The stretches of a unit's rows with the same breakdown codes (scratch.First, End, Local),
    // each with its cell, made at the stretch's first child in an age group (a stretch without
    // one makes no cell), and the unit's cells in the order first met (scratch.Cell, Row, Rows).
    private (int Stretches, int Cells, int FirstInGroup) FindStretches(ReadOnlySpan<int> slots, int start, int end, CellScratch scratch)
    {
        var stamp = ++_unitsMet;
        var stretches = 0;
        var cells = 0;
        var firstInGroup = -1;
        var columns = scratch.Columns;
        var cellCodes = scratch.Codes;
        for (var s = start; s < end;)
        {
            var e = StretchEnd(columns, s, end);
            var first = FirstInGroup(slots, s, e);
            if (first >= 0)
            {
                if (firstInGroup < 0) firstInGroup = first;
                // A cell met earlier in the unit is found among its first eight; any other by its codes.
                var cell = -1;
                for (var l = 0; l < cells && l < 8 && cell < 0; l++)
                    if (SameCodes(columns, scratch.Row[l], first)) cell = scratch.Cell[l];
                if (cell < 0)
                {
                    for (var k = 0; k < cellCodes.Length; k++) cellCodes[k] = columns[k][first];
                    cell = CellIndex(cellCodes);
                }
                if (cell >= 1 << 12) throw new ModaDataException(_file, "too many distinct deprivation patterns or breakdown cells for one analysis");
                if (cell >= _cellStamp.Length)
                {
                    Array.Resize(ref _cellStamp, Math.Max(cell + 1, 2 * _cellStamp.Length));
                    Array.Resize(ref _cellLocal, _cellStamp.Length);
                }
                if (_cellStamp[cell] != stamp)
                {
                    _cellStamp[cell] = stamp;
                    _cellLocal[cell] = cells;
                    scratch.Cell[cells] = cell;
                    scratch.Row[cells] = first;
                    scratch.Rows[cells] = 0;
                    cells++;
                }
                var local = _cellLocal[cell];
                scratch.First[stretches] = first;
                scratch.End[stretches] = e;
                scratch.Local[stretches] = local;
                scratch.Rows[local] += e - first;
                stretches++;
            }
            s = e;
        }
        return (stretches, cells, firstInGroup);
    }

    // Each cell's stretches gathered together, in file order (a counting sort by cell), and
    // summed as one run.
    private void SumByCell(ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int unit, int stretches, int cells, CellScratch scratch)
    {
        var at = 0;
        for (var l = 0; l < cells; l++)
        {
            var rows = scratch.Rows[l];
            scratch.Rows[l] = at;
            at += rows;
        }
        for (var i = 0; i < stretches; i++)
        {
            var l = scratch.Local[i];
            var to = scratch.Rows[l];
            var n = scratch.End[i] - scratch.First[i];
            slots.Slice(scratch.First[i], n).CopyTo(scratch.Slots.AsSpan(to));
            if (!weight.IsEmpty) weight.Slice(scratch.First[i], n).CopyTo(scratch.Weight.AsSpan(to));
            scratch.Rows[l] = to + n;
        }
        ReadOnlySpan<int> gatheredSlots = scratch.Slots.AsSpan(0, at);
        ReadOnlySpan<double> gatheredWeight = weight.IsEmpty ? default : scratch.Weight.AsSpan(0, at);
        for (var l = 0; l < cells; l++)
            AddCellRun(gatheredSlots, gatheredWeight, l == 0 ? 0 : scratch.Rows[l - 1], scratch.Rows[l], unit, scratch.Cell[l]);
    }

    // The first row after `start` whose breakdown codes differ from its own. A child's own traits
    // change every row or two, so the next row is compared first; a longer stretch (a breakdown
    // by county, constant within a PSU) is found a vector of rows a step.
    private static int StretchEnd(int[][] columns, int start, int end)
    {
        if (start + 1 >= end || !SameCodes(columns, start, start + 1)) return start + 1;
        foreach (var column in columns) end = SameUntil(column, start, end);
        return end;
    }

    private static bool SameCodes(int[][] columns, int a, int b)
    {
        foreach (var column in columns)
            if (column[a] != column[b]) return false;
        return true;
    }

    // Rows [start, end) of one (unit, cell): a run first met (or going on) is summed by pattern,
    // one met before goes entry by entry.
    private void AddCellRun(ReadOnlySpan<int> slots, ReadOnlySpan<double> weight, int start, int end, int unit, int cell)
    {
        if (IsFirstRun(unit, cell)) AddRun(slots, weight, start, end);
        else AddRunRevisited(slots, weight, start, end, unit, cell);
    }

    // Per-Add buffers for FindStretches and SumByCell, rented for one batch, with its breakdown columns.
    private sealed class CellScratch : IDisposable
    {
        public CellScratch(ColumnBatch batch, IReadOnlyList<int> groupBySlots)
        {
            Columns = groupBySlots.Select(slot => batch.Codes[slot]!).ToArray();
            Codes = new int[groupBySlots.Count];
            var n = Math.Max(batch.Count, 1);
            First = ArrayPool<int>.Shared.Rent(n);
            End = ArrayPool<int>.Shared.Rent(n);
            Local = ArrayPool<int>.Shared.Rent(n);
            Cell = ArrayPool<int>.Shared.Rent(n);
            Row = ArrayPool<int>.Shared.Rent(n);
            Rows = ArrayPool<int>.Shared.Rent(n);
            Slots = ArrayPool<int>.Shared.Rent(n);
            Weight = ArrayPool<double>.Shared.Rent(n);
        }

        public int[] First { get; }    // per stretch: its first row in an age group
        public int[] End { get; }      // per stretch: the row after it
        public int[] Local { get; }    // per stretch: its cell's number in the unit
        public int[] Cell { get; }     // per cell of the unit: its cell index
        public int[] Row { get; }      // per cell of the unit: a row of it (its codes)
        public int[] Rows { get; }     // per cell of the unit: its rows, then where they end in Slots
        public int[] Slots { get; }    // the unit's rows gathered by cell
        public double[] Weight { get; }

        public int[][] Columns { get; }  // the breakdown columns' codes
        public int[] Codes { get; }      // a new cell's codes, one per breakdown column

        public void Dispose()
        {
            foreach (var a in (int[][])[First, End, Local, Cell, Row, Rows, Slots]) ArrayPool<int>.Shared.Return(a);
            ArrayPool<double>.Shared.Return(Weight);
        }
    }
}
