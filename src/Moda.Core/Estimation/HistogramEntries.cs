using System.Runtime.CompilerServices;

namespace Moda.Estimation;

/// <summary>
/// The entries of a <see cref="SurveyHistogram"/> as columns: per entry its sampling unit,
/// breakdown cell and pattern, and the total weight, squared weight and number of its children.
/// The first <see cref="Count"/> elements of each array are the entries; the rest is capacity.
/// </summary>
public sealed class HistogramEntries
{
    /// <summary>Creates empty columns with room for <paramref name="capacity"/> entries.</summary>
    public HistogramEntries(int capacity = 0)
    {
        Unit = Uninitialized<int>(capacity);
        Cell = Uninitialized<int>(capacity);
        Pattern = Uninitialized<int>(capacity);
        Weight = Uninitialized<double>(capacity);
        Weight2 = Uninitialized<double>(capacity);
        Children = Uninitialized<long>(capacity);
    }

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

    /// <summary>Per entry: total squared weight.</summary>
    public double[] Weight2 { get; private set; }

    /// <summary>Per entry: number of children.</summary>
    public long[] Children { get; private set; }

    /// <summary>Appends an entry and returns its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Append(int unit, int cell, int pattern, double weight, double weight2, long children)
    {
        var e = Count;
        if (e == Unit.Length) Grow(e + 1);
        Unit[e] = unit;
        Cell[e] = cell;
        Pattern[e] = pattern;
        Weight[e] = weight;
        Weight2[e] = weight2;
        Children[e] = children;
        Count = e + 1;
        return e;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> entries.</summary>
    internal void Grow(int capacity)
    {
        if (capacity <= Unit.Length) return;
        capacity = Math.Max(capacity, Math.Max(16, 2 * Unit.Length));
        Unit = Resized(Unit, capacity, Count);
        Cell = Resized(Cell, capacity, Count);
        Pattern = Resized(Pattern, capacity, Count);
        Weight = Resized(Weight, capacity, Count);
        Weight2 = Resized(Weight2, capacity, Count);
        Children = Resized(Children, capacity, Count);
    }

    // Entry columns are written before they are read: no need to clear them (a partial histogram
    // is sized for a whole chunk and fills about half of it).
    private static T[] Uninitialized<T>(int length) => length == 0 ? [] : GC.AllocateUninitializedArray<T>(length);

    private static T[] Resized<T>(T[] array, int capacity, int count)
    {
        var grown = Uninitialized<T>(capacity);
        array.AsSpan(0, count).CopyTo(grown);
        return grown;
    }
}
