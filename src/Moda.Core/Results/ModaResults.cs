namespace Moda.Results;

/// <summary>The full MODA profile of one analysis: one entry per age group, then the pooled group.</summary>
public sealed record ModaResults
{
    /// <summary>Tool name and version.</summary>
    public required ToolInfo Tool { get; init; }

    /// <summary>What was analysed.</summary>
    public required InputInfo Input { get; init; }

    /// <summary>The sampling design and how standard errors were computed.</summary>
    public required DesignInfo Design { get; init; }

    /// <summary>Per age group, then <c>all</c> (pooled) when there are age groups.</summary>
    public required IReadOnlyList<GroupResult> AgeGroups { get; init; }

    /// <summary>Dimensions of the default profile left out because the data lack their column.</summary>
    public IReadOnlyList<string> DroppedDimensions { get; init; } = [];
}

/// <summary>The tool that produced the results.</summary>
public sealed record ToolInfo(string Name, string Version);

/// <summary>The input of an analysis.</summary>
/// <param name="File">The data file.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="Config">The configuration file, or <c>default profile</c>.</param>
/// <param name="Unassigned">Rows in no age group (missing age or outside every group).</param>
public sealed record InputInfo(string File, long Rows, string Config, long Unassigned);

/// <summary>The sampling design as used for standard errors.</summary>
/// <param name="Method">"linearization" or "bootstrap".</param>
/// <param name="Strata">Number of strata (1 when none).</param>
/// <param name="Psus">Number of primary sampling units (children when there are no clusters).</param>
/// <param name="DegreesOfFreedom">Design degrees of freedom: PSUs minus strata.</param>
/// <param name="Interval">"normal" or "t".</param>
/// <param name="Level">Confidence level.</param>
/// <param name="LonelyPsu">The lonely-PSU rule.</param>
/// <param name="LonelyStrata">Strata with a single PSU.</param>
/// <param name="Replicates">Bootstrap replicates, 0 for linearization.</param>
public sealed record DesignInfo(string Method, int Strata, long Psus, long DegreesOfFreedom, string Interval, double Level,
    string LonelyPsu, IReadOnlyList<string> LonelyStrata, int Replicates);

/// <summary>The profile of one age group (or the pooled group <c>all</c>).</summary>
public sealed record GroupResult
{
    /// <summary>Group name.</summary>
    public required string Name { get; init; }

    /// <summary>The dimensions that apply, in order.</summary>
    public required IReadOnlyList<string> DimensionNames { get; init; }

    /// <summary>Children in the group.</summary>
    public long Children { get; init; }

    /// <summary>Sum of weights of the children in the group.</summary>
    public double Population { get; init; }

    /// <summary>Children left out of the count analysis for a missing dimension.</summary>
    public long Excluded { get; init; }

    /// <summary>Headcount rate of each dimension (over children observed in it).</summary>
    public required IReadOnlyList<NamedRate> Dimensions { get; init; }

    /// <summary>Headcount rate of each indicator.</summary>
    public required IReadOnlyList<IndicatorRate> Indicators { get; init; }

    /// <summary>Share with exactly and at least each count of deprivations.</summary>
    public required IReadOnlyList<CountShare> Distribution { get; init; }

    /// <summary>H, A, M0 and their decompositions for each cut-off.</summary>
    public required IReadOnlyList<CutoffResult> Cutoffs { get; init; }

    /// <summary>Pairwise overlaps and exclusive combinations.</summary>
    public required OverlapResult Overlap { get; init; }

    /// <summary>Per breakdown column, per value.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<BreakdownValue>> Breakdowns { get; init; }

    /// <summary>Overlap with monetary poverty at the headline cut-off, if configured.</summary>
    public MonetaryResult? Monetary { get; init; }

    /// <summary>Differences between subgroups, as configured.</summary>
    public IReadOnlyList<ContrastResult> Contrasts { get; init; } = [];
}

/// <summary>The difference <see cref="A"/> − <see cref="B"/> between two values of a breakdown column.</summary>
/// <param name="Column">The breakdown column.</param>
/// <param name="A">The first value.</param>
/// <param name="B">The value subtracted.</param>
/// <param name="Cutoffs">Per count cut-off, the differences in H, A and M0.</param>
public sealed record ContrastResult(string Column, string A, string B, IReadOnlyList<ContrastCutoff> Cutoffs);

/// <summary>Differences in H, A and M0 at one count cut-off, each with the SE of a difference within one survey.</summary>
public sealed record ContrastCutoff(int K, Estimate H, Estimate A, Estimate M0);

/// <summary>A named headcount rate.</summary>
public sealed record NamedRate(string Name, Estimate Rate);

/// <summary>An indicator's headcount rate.</summary>
public sealed record IndicatorRate(string Name, string Dimension, Estimate Rate);

/// <summary>Share deprived in exactly <see cref="Count"/> dimensions, and in at least as many.</summary>
public sealed record CountShare(int Count, Estimate Share, Estimate AtLeast);

/// <summary>The Alkire–Foster figures at one cut-off.</summary>
/// <param name="K">The count cut-off; null for a score-share cut-off.</param>
/// <param name="Share">The score threshold (k/d for a count); null when groups differ in d.</param>
/// <param name="H">Headcount ratio.</param>
/// <param name="A">Intensity among the deprived.</param>
/// <param name="M0">Adjusted headcount ratio.</param>
/// <param name="Censored">Censored headcount of each dimension.</param>
/// <param name="Contributions">Contribution of each dimension to M0.</param>
/// <param name="Contribution">In a breakdown: the subgroup's share of the group's M0.</param>
public sealed record CutoffResult(int? K, double? Share, Estimate H, Estimate A, Estimate M0,
    IReadOnlyDictionary<string, Estimate> Censored, IReadOnlyDictionary<string, Estimate> Contributions,
    Estimate? Contribution = null);

/// <summary>Overlaps of deprivations.</summary>
/// <param name="Pairs">Share deprived in both of each pair of dimensions.</param>
/// <param name="Combinations">Share in each exclusive combination of deprived dimensions (non-empty cells).</param>
public sealed record OverlapResult(IReadOnlyList<PairShare> Pairs, IReadOnlyList<CombinationShare> Combinations);

/// <summary>Share deprived in both <see cref="A"/> and <see cref="B"/>.</summary>
public sealed record PairShare(string A, string B, Estimate Share);

/// <summary>Share deprived in exactly these dimensions and no other.</summary>
public sealed record CombinationShare(IReadOnlyList<string> Dimensions, Estimate Share);

/// <summary>One value of a breakdown column.</summary>
/// <param name="Value">The value as in the data.</param>
/// <param name="Children">Children with this value in the group.</param>
/// <param name="PopulationShare">Weighted share of the group's analysed children with this value.</param>
/// <param name="Cutoffs">The subgroup's figures, each with its contribution to the group's M0.</param>
public sealed record BreakdownValue(string Value, long Children, Estimate PopulationShare, IReadOnlyList<CutoffResult> Cutoffs)
{
    /// <summary>The number the file stores for a labelled value (e.g. a county code), or null.</summary>
    public double? Code { get; init; }
}

/// <summary>Multidimensional deprivation at <see cref="K"/> crossed with monetary poverty.</summary>
/// <param name="K">The headline cut-off.</param>
/// <param name="Both">Deprived and monetary poor.</param>
/// <param name="MultidimensionalOnly">Deprived, not monetary poor.</param>
/// <param name="MonetaryOnly">Monetary poor, not deprived.</param>
/// <param name="Neither">Neither.</param>
/// <param name="DeprivedNotPoor">Among the deprived, the share not monetary poor (missed by income targeting).</param>
/// <param name="PoorNotDeprived">Among the monetary poor, the share not multidimensionally deprived.</param>
public sealed record MonetaryResult(int K, Estimate Both, Estimate MultidimensionalOnly, Estimate MonetaryOnly, Estimate Neither,
    Estimate DeprivedNotPoor, Estimate PoorNotDeprived);
