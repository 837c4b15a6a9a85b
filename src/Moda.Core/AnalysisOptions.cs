namespace Moda;

/// <summary>Options of one analysis beyond the specification.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Extra breakdown columns (the CLI's <c>--by</c>).</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    /// <summary>Overrides the specification's headline cut-off.</summary>
    public int? K { get; init; }

    /// <summary>How the configuration is named in the results (a path, or "default profile").</summary>
    public string ConfigName { get; init; } = "default profile";

    /// <summary>Receives the number of rows read so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Bootstrap draws to use instead of drawing from the seed (to reproduce another program).</summary>
    public Estimation.BootstrapCounts? BootstrapCounts { get; init; }

    /// <summary>Threads that parse the file (default: one per core); results do not depend on it.</summary>
    public int? Threads { get; init; }

    /// <summary>Stops the analysis between batches.</summary>
    public CancellationToken Cancellation { get; init; }

    // Tests: every subgroup's figures over all units, to hold the small-subgroup path to them.
    internal bool DenseSubgroups { get; init; }

    // Tests: each dimension's censored headcount and contribution estimated alone, to hold the
    // side-by-side estimation of them (RatioEngine.Ratios) to it.
    internal bool OneFigureAtATime { get; init; }
}
