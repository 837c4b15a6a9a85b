namespace Moda.Estimation;

/// <summary>
/// The denominator shared by a family of ratios whose numerators are subgroups of one group (a
/// breakdown value's share of its group's children, its contribution to the group's M0): the
/// group's per-unit totals x and, summed once, what every ratio of the family would otherwise sum
/// over every unit of the design: Σ x (in unit order), per stratum Σ x and Σ x² (to about 32
/// digits), and each bootstrap replicate's Σ m·x. Made by <see cref="RatioEngine.Denominator"/>.
/// </summary>
public sealed class GroupDenominator
{
    internal GroupDenominator(double[] units, double total, DoubleDouble[] strata, DoubleDouble[] strataSquares, double[]? replicates)
    {
        Units = units;
        Total = total;
        StrataSums = strata;
        StrataSquareSums = strataSquares;
        Replicates = replicates;
    }

    /// <summary>Σ x of each unit.</summary>
    public double[] Units { get; }

    /// <summary>Σ x over the units, in unit order.</summary>
    public double Total { get; }

    /// <summary>Per stratum, Σ x over its units.</summary>
    internal DoubleDouble[] StrataSums { get; }

    /// <summary>Per stratum, Σ x² over its units.</summary>
    internal DoubleDouble[] StrataSquareSums { get; }

    /// <summary>Per bootstrap replicate, Σ m·x over the units in unit order (null without replicates).</summary>
    public double[]? Replicates { get; }
}
