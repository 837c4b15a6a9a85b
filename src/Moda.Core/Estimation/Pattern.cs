namespace Moda.Estimation;

/// <summary>
/// What the estimators need to know of a child: its age group, deprived and observed dimension
/// masks and monetary truth. Every figure is a function of the pattern.
/// </summary>
public readonly record struct Pattern(int Group, uint Deprived, uint Observed, byte Monetary)
{
    internal UInt128 Key => ((UInt128)(uint)Group << 72) | ((UInt128)Monetary << 64) | ((ulong)Deprived << 32) | Observed;
}
