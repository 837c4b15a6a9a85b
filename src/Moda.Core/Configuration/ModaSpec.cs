namespace Moda.Configuration;

/// <summary>A complete MODA analysis specification: what a <c>moda.json</c> says.</summary>
public sealed record ModaSpec
{
    /// <summary>A title for reports.</summary>
    public string? Name { get; init; }

    /// <summary>Column holding the survey weight; null gives every child weight 1.</summary>
    public string? Weight { get; init; }

    /// <summary>Column holding the stratum of the design, if any.</summary>
    public string? Strata { get; init; }

    /// <summary>Column holding the primary sampling unit (cluster), if any.</summary>
    public string? Cluster { get; init; }

    /// <summary>Column holding the age of the child; required with <see cref="AgeGroups"/>.</summary>
    public string? Age { get; init; }

    /// <summary>Unit of the <see cref="Age"/> column.</summary>
    public AgeUnit AgeUnit { get; init; } = AgeUnit.Years;

    /// <summary>Age groups with inclusive bounds in completed years; empty means one group <c>all</c>.</summary>
    public IReadOnlyList<AgeGroupSpec> AgeGroups { get; init; } = [];

    /// <summary>Cell values read as missing in every column (an empty cell is always missing).</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = DefaultMissingValues;

    /// <summary>How missing indicators make a dimension missing.</summary>
    public MissingRule MissingRule { get; init; } = MissingRule.Union;

    /// <summary>The dimensions, in report order.</summary>
    public IReadOnlyList<DimensionSpec> Dimensions { get; init; } = [];

    /// <summary>Categorical columns to break every figure down by.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    /// <summary>Differences between two values of a breakdown column (e.g. rural − urban) to estimate with their SE.</summary>
    public IReadOnlyList<ContrastSpec> Contrasts { get; init; } = [];

    /// <summary>Monetary poverty rule for the overlap table, if any.</summary>
    public MonetarySpec? Monetary { get; init; }

    /// <summary>Count cut-offs k; null means every k from 1 to d.</summary>
    public IReadOnlyList<int>? Cutoffs { get; init; }

    /// <summary>Score thresholds (AF/MPI style) on the weighted score c_i.</summary>
    public IReadOnlyList<double> CutoffShares { get; init; } = [];

    /// <summary>The headline cut-off (monetary table, summaries).</summary>
    public int K { get; init; } = 3;

    /// <summary>How sampling error is estimated.</summary>
    public VarianceSpec Variance { get; init; } = new();

    /// <summary>True when this is the built-in default profile (absent dimension columns are dropped).</summary>
    public bool IsDefaultProfile { get; init; }

    /// <summary>The missing codes used when a configuration names none.</summary>
    public static IReadOnlyList<string> DefaultMissingValues { get; } = ["", "NA", "."];
}

/// <summary>Unit of the age column.</summary>
public enum AgeUnit
{
    /// <summary>Age in years (fractions allowed; completed years are used).</summary>
    Years,
    /// <summary>Age in months; completed years are months / 12 rounded down.</summary>
    Months,
}

/// <summary>How missing indicators combine within a dimension.</summary>
public enum MissingRule
{
    /// <summary>Deprived if any indicator is deprived; otherwise missing if any is missing.</summary>
    Union,
    /// <summary>Missing whenever any applicable indicator is missing.</summary>
    Strict,
}

/// <summary>An age group with inclusive bounds in completed years.</summary>
public sealed record AgeGroupSpec(string Name, double Min, double Max);

/// <summary>A dimension: deprived when any of its applicable indicators is.</summary>
public sealed record DimensionSpec
{
    /// <summary>Dimension name, unique.</summary>
    public required string Name { get; init; }

    /// <summary>Optional AF weight; null means equal weights within each age group.</summary>
    public double? Weight { get; init; }

    /// <summary>The indicators of this dimension.</summary>
    public IReadOnlyList<IndicatorSpec> Indicators { get; init; } = [];
}

/// <summary>An indicator: a rule on one column (<see cref="DeprivedIf"/>) or an expression.</summary>
public sealed record IndicatorSpec
{
    /// <summary>Indicator name, unique across the specification.</summary>
    public required string Name { get; init; }

    /// <summary>The column a <see cref="DeprivedIf"/> rule applies to.</summary>
    public string? Column { get; init; }

    /// <summary>A condition on <see cref="Column"/> such as <c>&lt; -2</c> or <c>in [32, 42]</c>.</summary>
    public string? DeprivedIf { get; init; }

    /// <summary>A boolean expression over columns; true means deprived.</summary>
    public string? Expr { get; init; }

    /// <summary>Age groups this indicator applies to; null means all.</summary>
    public IReadOnlyList<string>? AgeGroups { get; init; }

    /// <summary>Extra codes read as missing for this indicator's columns.</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = [];
}

/// <summary>The difference <see cref="A"/> − <see cref="B"/> between two values of a breakdown column.</summary>
public sealed record ContrastSpec(string Column, string A, string B);

/// <summary>Monetary poverty: a rule on an income or consumption column.</summary>
public sealed record MonetarySpec(string Column, string DeprivedIf);

/// <summary>Rule for strata with a single primary sampling unit (R survey's <c>survey.lonely.psu</c>).</summary>
public enum LonelyPsuRule
{
    /// <summary>Stop with an error naming the stratum.</summary>
    Fail,
    /// <summary>The lonely PSU was sampled with certainty: it adds no variance.</summary>
    Certainty,
    /// <summary>Drop the stratum's contribution (as certainty), R's <c>remove</c>.</summary>
    Remove,
    /// <summary>Centre the lonely PSU at the grand mean rather than its stratum mean (R <c>adjust</c>, Stata <c>centered</c>).</summary>
    Centered,
    /// <summary>Replace the stratum's variance by the average over the other strata (R <c>average</c>, Stata <c>scaled</c>).</summary>
    Average,
}

/// <summary>Which method gives the standard errors.</summary>
public enum VarianceMethod
{
    /// <summary>Taylor linearization, with-replacement first-stage approximation.</summary>
    Linearization,
    /// <summary>Rao-Wu rescaling bootstrap of PSUs within strata.</summary>
    Bootstrap,
}

/// <summary>How confidence intervals are formed.</summary>
public enum IntervalKind
{
    /// <summary>estimate ± z(0.975) · se.</summary>
    Normal,
    /// <summary>estimate ± t(0.975, design df) · se.</summary>
    T,
}

/// <summary>Sampling-error options of a specification.</summary>
public sealed record VarianceSpec
{
    /// <summary>Linearization (default) or bootstrap.</summary>
    public VarianceMethod Method { get; init; } = VarianceMethod.Linearization;

    /// <summary>Lonely PSU rule.</summary>
    public LonelyPsuRule LonelyPsu { get; init; } = LonelyPsuRule.Fail;

    /// <summary>Column with the finite population correction (population PSUs per stratum, or a sampling fraction ≤ 1).</summary>
    public string? Fpc { get; init; }

    /// <summary>Normal or t intervals.</summary>
    public IntervalKind Interval { get; init; } = IntervalKind.Normal;

    /// <summary>Confidence level of the intervals.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>Bootstrap replicates.</summary>
    public int Replicates { get; init; } = 500;

    /// <summary>Bootstrap seed.</summary>
    public ulong Seed { get; init; } = 20261123;
}
