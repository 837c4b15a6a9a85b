namespace Moda.Configuration;

/// <summary>Built-in specifications.</summary>
public static class Profiles
{
    /// <summary>The eight dimensions of the Hubei MODA study, in report order.</summary>
    public static IReadOnlyList<string> HubeiDimensions { get; } =
        ["nutrition", "health", "education", "information", "water", "sanitation", "housing", "protection"];

    /// <summary>
    /// The default profile: each Hubei dimension read from a 0/1 column of the same name
    /// (1 = deprived); optional <c>weight</c>, <c>stratum</c>, <c>psu</c> columns; one group <c>all</c>.
    /// Dimensions whose column is absent are left out.
    /// </summary>
    public static ModaSpec Default { get; } = new()
    {
        Name = "Default profile (eight Hubei dimensions as 0/1 columns)",
        Weight = "weight",
        Strata = "stratum",
        Cluster = "psu",
        IsDefaultProfile = true,
        Dimensions = HubeiDimensions.Select(d => new DimensionSpec
        {
            Name = d,
            Indicators = [new IndicatorSpec { Name = d, Column = d, DeprivedIf = "== 1" }],
        }).ToArray(),
    };
}
