using System.Buffers;
using System.Runtime.CompilerServices;

namespace Moda.Estimation;

/// <summary>
/// The entries of a <see cref="SurveyHistogram"/> as columns: per entry its sampling unit,
/// breakdown cell and pattern, and the total weight, squared weight and number of its children.
/// The first <see cref="Count"/> elements of each array are the entries; the rest is capacity
/// (arrays of one histogram may differ in length beyond that). A histogram that keeps no squared
/// weights (<see cref="SurveyHistogram.HasSquares"/>) gives NaN for them.
/// </summary>
public sealed class HistogramEntries
{
    // Columns of partial histograms come from and go back to these pools (see Return): a
    // process that builds histograms again and again reuses their memory instead of faulting in
    // fresh pages. Pooled arrays are dirty; entries are written before they are read. The budgets
    // hold the partials of 10M children of the default layout (59, 39 and 39 MB) with room.
    private static readonly ColumnPool<int> IntColumns = new(budgetBytes: 192L << 20);
    private static readonly ColumnPool<double> DoubleColumns = new(budgetBytes: 128L << 20);
    private static readonly ColumnPool<long> LongColumns = new(budgetBytes: 128L << 20);
    private readonly bool _pooled;
    private readonly bool _squares;          // the Weight2 column is kept (else it is empty)
    private int _capacity;                   // every column holds at least this many (a pool may give longer arrays)

    /// <summary>Creates empty columns with room for <paramref name="capacity"/> entries.</summary>
    public HistogramEntries(int capacity = 0) : this(capacity, pooled: false, squares: true)
    {
    }

    private HistogramEntries(int capacity, bool pooled, bool squares)
    {
        _pooled = pooled;
        _squares = squares;
        Unit = Allocate(IntColumns, capacity);
        Cell = Allocate(IntColumns, capacity);
        Pattern = Allocate(IntColumns, capacity);
        Weight = Allocate(DoubleColumns, capacity);
        Weight2 = squares ? Allocate(DoubleColumns, capacity) : [];
        Children = Allocate(LongColumns, capacity);
        _capacity = Room();
    }

    /// <summary>
    /// Columns taken from the pools, to be given back by <see cref="Return"/>; without
    /// <paramref name="squares"/> the <see cref="Weight2"/> column is left empty.
    /// </summary>
    internal static HistogramEntries Pooled(int capacity, bool squares = true) => new(capacity, pooled: true, squares);

    /// <summary>Columns of their own (not pooled); without <paramref name="squares"/> <see cref="Weight2"/> is empty.</summary>
    internal static HistogramEntries Unpooled(int capacity, bool squares) => new(capacity, pooled: false, squares);

    /// <summary>True when <see cref="Weight2"/> is kept.</summary>
    internal bool HasSquares => _squares;

    /// <summary>Number of entries.</summary>
    public int Count { get; internal set; }

    /// <summary>Per entry: its sampling unit.</summary>
    public int[] Unit { get; private set; }

    /// <summary>Per entry: its breakdown cell.</summary>
    public int[] Cell { get; private set; }

    /// <summary>Per entry: its pattern.</summary>
    public int[] Pattern { get; private set; }

    /// <summary>Per entry: total weight.</summary>
    public double[] Weight { get; private set; }

    /// <summary>
    /// Per entry: total squared weight; NaN in <see cref="SurveyHistogram.ToEntries"/> of a histogram
    /// that keeps no squares (<see cref="SurveyHistogram.HasSquares"/> false: its units are PSUs).
    /// </summary>
    public double[] Weight2 { get; private set; }

    /// <summary>Per entry: number of children.</summary>
    public long[] Children { get; private set; }

    /// <summary>Appends an entry and returns its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Append(int unit, int cell, int pattern, double weight, double weight2, long children)
    {
        var e = Count;
        if (e == _capacity) Grow(e + 1);
        Unit[e] = unit;
        Cell[e] = cell;
        Pattern[e] = pattern;
        Weight[e] = weight;
        if (_squares) Weight2[e] = weight2;
        Children[e] = children;
        Count = e + 1;
        return e;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> entries.</summary>
    internal void Grow(int capacity)
    {
        if (capacity <= _capacity) return;
        capacity = Math.Max(capacity, Math.Max(16, 2 * _capacity));
        Unit = Resized(IntColumns, Unit, capacity);
        Cell = Resized(IntColumns, Cell, capacity);
        Pattern = Resized(IntColumns, Pattern, capacity);
        Weight = Resized(DoubleColumns, Weight, capacity);
        if (_squares) Weight2 = Resized(DoubleColumns, Weight2, capacity);
        Children = Resized(LongColumns, Children, capacity);
        _capacity = Room();
    }

    // Entries every column has room for: pools hand out arrays longer than asked (a power of two).
    private int Room()
    {
        var room = Math.Min(Math.Min(Unit.Length, Cell.Length), Math.Min(Math.Min(Pattern.Length, Weight.Length), Children.Length));
        return _squares ? Math.Min(room, Weight2.Length) : room;
    }

    /// <summary>
    /// Gives pooled columns back (or, without <paramref name="reuse"/>, drops them); the entries
    /// are gone (Count is 0) and the object stays usable.
    /// </summary>
    internal void Return(bool reuse = true)
    {
        if (_pooled && reuse)
        {
            Release(IntColumns, Unit);
            Release(IntColumns, Cell);
            Release(IntColumns, Pattern);
            Release(DoubleColumns, Weight);
            Release(DoubleColumns, Weight2);
            Release(LongColumns, Children);
        }
        (Unit, Cell, Pattern, Weight, Weight2, Children) = ([], [], [], [], [], []);
        Count = _capacity = 0;
    }

    // Entry columns are written before they are read: no need to clear them (a partial histogram
    // is sized for a whole chunk and fills about half of it).
    private T[] Allocate<T>(ArrayPool<T> pool, int length) where T : unmanaged =>
        length == 0 ? [] : _pooled ? pool.Rent(length) : ColumnPool<T>.Fresh(length);

    private void Release<T>(ArrayPool<T> pool, T[] array)
    {
        if (array.Length > 0) pool.Return(array);
    }

    private T[] Resized<T>(ArrayPool<T> pool, T[] array, int capacity) where T : unmanaged
    {
        var grown = Allocate(pool, capacity);
        array.AsSpan(0, Count).CopyTo(grown);
        if (_pooled) Release(pool, array);
        return grown;
    }
}
