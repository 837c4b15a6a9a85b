using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Moda.Estimation;

/// <summary>Eight lanes as two 256-bit vectors (lanes 0-3, then 4-7): x64 with AVX2.</summary>
internal readonly struct Lanes256 : IEightLanes<Lanes256>
{
    private readonly Vector256<double> _low, _high;

    private Lanes256(Vector256<double> low, Vector256<double> high) => (_low, _high) = (low, high);

    /// <summary>Whether this layout runs in hardware here.</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    /// <inheritdoc />
    public double this[int lane]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => lane < 4 ? _low.GetElement(lane) : _high.GetElement(lane - 4);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref double destination, nuint offset)
    {
        _low.StoreUnsafe(ref destination, offset);
        _high.StoreUnsafe(ref destination, offset + 4);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Create(double e0, double e1, double e2, double e3, double e4, double e5, double e6, double e7) =>
        new(Vector256.Create(e0, e1, e2, e3), Vector256.Create(e4, e5, e6, e7));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(double value) => new(Vector256.Create(value), Vector256.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref double source, nuint offset) =>
        new(Vector256.LoadUnsafe(ref source, offset), Vector256.LoadUnsafe(ref source, offset + 4));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 WhereBits(uint bits, double value)
    {
        var m = Vector256.Create((long)bits);
        var v = Vector256.Create(value);
        var low = Vector256.Create(1L, 2, 4, 8);
        var high = Vector256.Create(16L, 32, 64, 128);
        return new(Vector256.Equals(m & low, low).AsDouble() & v, Vector256.Equals(m & high, high).AsDouble() & v);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ProductWhereNonZero(Lanes256 a, Lanes256 f) =>
        new(Vector256.AndNot(a._low * f._low, Vector256.Equals(f._low, Vector256<double>.Zero)),
            Vector256.AndNot(a._high * f._high, Vector256.Equals(f._high, Vector256<double>.Zero)));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a._low + b._low, a._high + b._high);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a._low - b._low, a._high - b._high);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a._low * b._low, a._high * b._high);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a._low / b._low, a._high / b._high);
}
