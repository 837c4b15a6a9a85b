namespace Moda.Estimation;

/// <summary>
/// Eight doubles, one per figure (a dimension's total, a ratio's variance term), held in vector
/// registers so that up to eight figures over the same units are summed in one pass, each in a
/// lane. Every operation works lane by lane, so a lane takes exactly the operations, in the same
/// order, that its figure alone would take: results are the same to the bit whatever the width.
/// The kernels that use it are generic over the layout (<see cref="Lanes256"/> where 256-bit
/// vectors are accelerated, <see cref="Lanes128"/> elsewhere, e.g. ARM64's AdvSimd), and the JIT
/// makes a copy of each for each layout, with no calls left. (One 512-bit vector was tried where
/// AVX-512 is: no faster on Zen 4, which splits it into two 256-bit halves; benchmarks/README.md.)
/// </summary>
internal interface IEightLanes<TSelf> where TSelf : struct, IEightLanes<TSelf>
{
    /// <summary>The lanes from eight values, lane 0 first.</summary>
    static abstract TSelf Create(double e0, double e1, double e2, double e3, double e4, double e5, double e6, double e7);

    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TSelf Broadcast(double value);

    /// <summary>Eight contiguous values from <paramref name="source"/> + <paramref name="offset"/>.</summary>
    static abstract TSelf Load(ref double source, nuint offset);

    /// <summary><paramref name="value"/> in the lanes of the bits set in the low eight of <paramref name="bits"/>, exact zeros in the others.</summary>
    static abstract TSelf WhereBits(uint bits, double value);

    /// <summary>a · f, lane by lane, and an exact zero where f is zero (even where a is infinite).</summary>
    static abstract TSelf ProductWhereNonZero(TSelf a, TSelf f);

    /// <summary>The value of lane <paramref name="lane"/> (0 to 7).</summary>
    double this[int lane] { get; }

    /// <summary>Stores the eight lanes at <paramref name="destination"/> + <paramref name="offset"/>.</summary>
    void Store(ref double destination, nuint offset);

    /// <summary>Lane-by-lane sum.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-by-lane difference.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Lane-by-lane product.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Lane-by-lane quotient.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);
}
