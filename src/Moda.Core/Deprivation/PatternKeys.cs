namespace Moda.Deprivation;

/// <summary>
/// A child's deprivation facts as one number, its key: the deprived mask in the low
/// <see cref="Dimensions"/> bits, the observed mask above it, then the age group, with the
/// monetary truth in two bits below the group when the plan has a monetary rule. A child in no age
/// group has a negative key. The classifier makes the keys and the histogram counts by them, so
/// the layout is one record both take from the plan; keys index tables when they fit in
/// <see cref="MaxKeys"/> (up to 10 dimensions; 9 with two age groups and a monetary rule).
/// </summary>
internal sealed record PatternKeys(int Dimensions, int Groups, bool Monetary)
{
    /// <summary>The most keys a table is made for (2^20: a 4 MB table of ints).</summary>
    public const int MaxKeys = 1 << 20;

    /// <summary>The layout of a plan's keys.</summary>
    public static PatternKeys Of(AnalysisPlan plan) => new(plan.DimensionNames.Count, plan.Groups.Count, plan.Monetary is not null);

    /// <summary>Where the group (and monetary) bits start.</summary>
    public int Shift { get; } = 2 * Dimensions;

    /// <summary>True when every key is below <see cref="MaxKeys"/>, so keys index tables.</summary>
    public bool Fit { get; } = Count(Dimensions, Groups, Monetary) <= MaxKeys;

    /// <summary>Number of keys when they <see cref="Fit"/> (the length of a table indexed by key), else 0.</summary>
    public int Space { get; } = Count(Dimensions, Groups, Monetary) is var n && n <= MaxKeys ? (int)n : 0;

    // (The dimension cap first: a shift of 64 bits or more would wrap around and pass the size test.)
    private static long Count(int dimensions, int groups, bool monetary) =>
        dimensions <= 10 ? (long)groups << (2 * dimensions + (monetary ? 2 : 0)) : long.MaxValue;

    /// <summary>The key of a child; negative when <paramref name="group"/> is -1 (in no age group).</summary>
    public int Key(int group, uint deprived, uint observed, byte monetary) =>
        ((Monetary ? (group << 2) | monetary : group) << Shift) | (int)(observed << Dimensions) | (int)deprived;

    /// <summary>The child facts a key stands for (the monetary truth is 1 when the plan has no monetary rule).</summary>
    public (int Group, uint Deprived, uint Observed, byte Monetary) Facts(int key)
    {
        var mask = (1u << Dimensions) - 1;
        var high = key >> Shift;
        return Monetary
            ? (high >> 2, (uint)key & mask, ((uint)key >> Dimensions) & mask, (byte)(high & 3))
            : (high, (uint)key & mask, ((uint)key >> Dimensions) & mask, (byte)1);
    }
}
