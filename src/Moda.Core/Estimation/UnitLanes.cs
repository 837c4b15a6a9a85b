using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Moda.Estimation;

/// <summary>
/// Up to eight per-unit columns laid end to end (column j from j · units on), read a unit at a
/// time as eight lanes (<see cref="IEightLanes{TSelf}"/>), so that several figures over the same
/// units are summed in one pass, each in a lane. Lanes past the columns repeat the last column;
/// their results are not read.
/// </summary>
internal readonly ref struct UnitLanes
{
    /// <summary>The most columns read at once.</summary>
    public const int Width = 8;

    private readonly ref double _start;
    private readonly nint _o1, _o2, _o3, _o4, _o5, _o6, _o7;

    /// <summary>Reads <paramref name="columns"/> columns of <paramref name="units"/> values each from <paramref name="values"/>.</summary>
    public UnitLanes(ReadOnlySpan<double> values, int columns, int units)
    {
        if (columns < 1 || columns > Width) throw new ArgumentOutOfRangeException(nameof(columns), columns, "one to eight columns");
        if ((long)columns * units > values.Length) throw new ArgumentException($"{columns} columns of {units} units do not fit {values.Length} values", nameof(values));
        _start = ref MemoryMarshal.GetReference(values);
        nint Offset(int j) => (nint)Math.Min(j, columns - 1) * units;
        (_o1, _o2, _o3, _o4, _o5, _o6, _o7) = (Offset(1), Offset(2), Offset(3), Offset(4), Offset(5), Offset(6), Offset(7));
    }

    /// <summary>Unit <paramref name="c"/>'s values, column j in lane j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T At<T>(int c) where T : struct, IEightLanes<T>
    {
        ref var u = ref Unsafe.Add(ref _start, (nint)(uint)c);
        return T.Create(u, Unsafe.Add(ref u, _o1), Unsafe.Add(ref u, _o2), Unsafe.Add(ref u, _o3),
                        Unsafe.Add(ref u, _o4), Unsafe.Add(ref u, _o5), Unsafe.Add(ref u, _o6), Unsafe.Add(ref u, _o7));
    }

    /// <summary>Up to eight values as lanes (zeros past them).</summary>
    public static T Widen<T>(ReadOnlySpan<double> values) where T : struct, IEightLanes<T>
    {
        Span<double> all = stackalloc double[Width];
        all.Clear();
        values[..Math.Min(values.Length, Width)].CopyTo(all);
        return T.Load(ref MemoryMarshal.GetReference(all), 0);
    }

    /// <summary>The lanes into <paramref name="values"/> (as many as it holds, up to eight).</summary>
    public static void Narrow<T>(T lanes, Span<double> values) where T : struct, IEightLanes<T>
    {
        Span<double> all = stackalloc double[Width];
        lanes.Store(ref MemoryMarshal.GetReference(all), 0);
        all[..Math.Min(values.Length, Width)].CopyTo(values);
    }
}
