using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Moda.Estimation;

/// <summary>Eight lanes as four 128-bit vectors (lanes 0-1, 2-3, 4-5, 6-7): ARM64, and x64 without AVX2.</summary>
internal readonly struct Lanes128 : IEightLanes<Lanes128>
{
    private readonly Vector128<double> _a, _b, _c, _d;

    private Lanes128(Vector128<double> a, Vector128<double> b, Vector128<double> c, Vector128<double> d) => (_a, _b, _c, _d) = (a, b, c, d);

    /// <summary>Whether this layout runs in hardware here.</summary>
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;

    /// <inheritdoc />
    public double this[int lane]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (lane >> 1) switch
        {
            0 => _a.GetElement(lane & 1),
            1 => _b.GetElement(lane & 1),
            2 => _c.GetElement(lane & 1),
            _ => _d.GetElement(lane & 1),
        };
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref double destination, nuint offset)
    {
        _a.StoreUnsafe(ref destination, offset);
        _b.StoreUnsafe(ref destination, offset + 2);
        _c.StoreUnsafe(ref destination, offset + 4);
        _d.StoreUnsafe(ref destination, offset + 6);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Create(double e0, double e1, double e2, double e3, double e4, double e5, double e6, double e7) =>
        new(Vector128.Create(e0, e1), Vector128.Create(e2, e3), Vector128.Create(e4, e5), Vector128.Create(e6, e7));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Broadcast(double value)
    {
        var v = Vector128.Create(value);
        return new(v, v, v, v);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(ref double source, nuint offset) =>
        new(Vector128.LoadUnsafe(ref source, offset), Vector128.LoadUnsafe(ref source, offset + 2),
            Vector128.LoadUnsafe(ref source, offset + 4), Vector128.LoadUnsafe(ref source, offset + 6));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 WhereBits(uint bits, double value)
    {
        var m = Vector128.Create((long)bits);
        var v = Vector128.Create(value);
        Vector128<double> Pair(long b0, long b1)
        {
            var b = Vector128.Create(b0, b1);
            return Vector128.Equals(m & b, b).AsDouble() & v;
        }
        return new(Pair(1, 2), Pair(4, 8), Pair(16, 32), Pair(64, 128));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ProductWhereNonZero(Lanes128 a, Lanes128 f)
    {
        static Vector128<double> One(Vector128<double> a, Vector128<double> f) => Vector128.AndNot(a * f, Vector128.Equals(f, Vector128<double>.Zero));
        return new(One(a._a, f._a), One(a._b, f._b), One(a._c, f._c), One(a._d, f._d));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a._a + b._a, a._b + b._b, a._c + b._c, a._d + b._d);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a._a - b._a, a._b - b._b, a._c - b._c, a._d - b._d);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator *(Lanes128 a, Lanes128 b) => new(a._a * b._a, a._b * b._b, a._c * b._c, a._d * b._d);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator /(Lanes128 a, Lanes128 b) => new(a._a / b._a, a._b / b._b, a._c / b._c, a._d / b._d);
}
