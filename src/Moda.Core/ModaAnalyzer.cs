using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;
using Moda.Results;

namespace Moda;

/// <summary>
/// The library's front door: configuration + data in, the typed MODA profile out.
/// <code>
/// var spec = SpecReader.ReadFile("moda.json");
/// ModaResults results = ModaAnalyzer.Analyze("children.csv", spec);
/// </code>
/// </summary>
public static class ModaAnalyzer
{
    /// <summary>Analyses a data file (format chosen by extension).</summary>
    /// <exception cref="ModaConfigurationException">The specification does not fit the data.</exception>
    /// <exception cref="ModaDataException">The data are malformed.</exception>
    public static ModaResults Analyze(string dataFile, ModaSpec spec, AnalysisOptions? options = null) =>
        ModaAnalysis.Run(dataFile, spec, options).Results;

    /// <summary>Analyses the rows of an open reader.</summary>
    public static ModaResults Analyze(ITableReader reader, ModaSpec spec, AnalysisOptions? options = null) =>
        ModaAnalysis.Run(reader, spec, options).Results;

    /// <summary>Analyses the rows of a DataFrame (one row per child); <c>results.ToDataFrame()</c> gives a DataFrame back.</summary>
    public static ModaResults Analyze(Microsoft.Data.Analysis.DataFrame frame, ModaSpec spec, AnalysisOptions? options = null) =>
        ModaAnalysis.Run(new DataFrameTableReader(frame), spec, options).Results;
}

/// <summary>
/// A completed analysis: the results, and the sufficient statistic behind them for further
/// estimates (such as differences between subgroups) without reading the data again.
/// </summary>
public sealed class ModaAnalysis
{
    private readonly ProfileEstimator _estimator;

    private ModaAnalysis(ModaResults results, ProfileEstimator estimator)
    {
        Results = results;
        _estimator = estimator;
    }

    /// <summary>The full profile.</summary>
    public ModaResults Results { get; }

    /// <summary>Analyses a data file (format chosen by extension).</summary>
    public static ModaAnalysis Run(string dataFile, ModaSpec spec, AnalysisOptions? options = null)
    {
        using var reader = TableReaders.Open(dataFile);
        return Run(reader, spec, options);
    }

    /// <summary>Analyses the rows of an open reader.</summary>
    public static ModaAnalysis Run(ITableReader reader, ModaSpec spec, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        if (options.K is { } k)
        {
            spec = spec with { K = k };
            SpecValidator.Validate(spec);
        }
        var timing = PhaseTimer.FromEnvironment();
        var plan = AnalysisPlan.Create(spec, reader.ColumnNames, options.GroupBy, reader.Path, reader.Variables);
        var histogram = HistogramBuilder.Build(reader, plan, options.Progress, options.Cancellation, options.Threads);
        timing?.Mark("read + classify + histogram");
        timing?.Note($"histogram: {histogram.Rows} children, {histogram.EntryCount} entries, {histogram.Patterns.Count} patterns, {histogram.UnitCount} units");
        if (histogram.Rows == 0) throw new ModaDataException(reader.Path, "the file has a header but no data rows");
        var v = plan.Spec.Variance;
        var design = new SurveyDesign(histogram, v, reader.Path, plan.Spec.Strata, v.Fpc);
        var engine = new RatioEngine(design, v, options.BootstrapCounts);
        var estimator = new ProfileEstimator(plan, histogram, engine, releaseHistogramEntries: true) { DenseSubgroups = options.DenseSubgroups, OneFigureAtATime = options.OneFigureAtATime };
        var results = new ModaResults
        {
            Tool = new ToolInfo("moda", ModaInfo.Version),
            Input = new InputInfo(reader.Path, histogram.Rows, options.ConfigName, histogram.Unassigned),
            Design = new DesignInfo(
                v.Method == VarianceMethod.Bootstrap ? "bootstrap" : "linearization",
                design.StratumCount, design.Psus.Sum(), design.DegreesOfFreedom,
                v.Interval == IntervalKind.T ? "t" : "normal", v.Level,
                v.LonelyPsu.ToString().ToLowerInvariant(), design.LonelyStrata,
                v.Method == VarianceMethod.Bootstrap ? (options.BootstrapCounts?.Counts.Length ?? v.Replicates) : 0),
            AgeGroups = Timed(estimator.EstimateAll, timing, "estimate"),
            DroppedDimensions = plan.DroppedDimensions,
        };
        return new ModaAnalysis(results, estimator);
    }

    /// <summary>
    /// The difference between two subgroups of a breakdown (e.g. rural − urban) of H, A or M0 at
    /// count cut-off <paramref name="k"/>, within an age group or <c>all</c>; its standard error
    /// accounts for both subgroups coming from one survey.
    /// </summary>
    public Estimate Difference(string ageGroup, string column, string valueA, string valueB, int k, string measure = "M0") =>
        _estimator.Difference(ageGroup, column, valueA, valueB, k, measure);

    private static T Timed<T>(Func<T> f, PhaseTimer? timer, string phase)
    {
        var result = f();
        timer?.Mark(phase);
        return result;
    }
}

/// <summary>Phase timings on standard error when the environment sets MODA_TIMING=1 (for profiling).</summary>
internal sealed class PhaseTimer
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _cpu = CpuTime();

    public static PhaseTimer? FromEnvironment() =>
        Environment.GetEnvironmentVariable("MODA_TIMING") == "1" ? new PhaseTimer() : null;

    public void Mark(string phase)
    {
        // CPU time beside the wall time: their ratio is how many cores the phase kept busy.
        var cpu = CpuTime();
        Console.Error.WriteLine($"moda: {phase}: {_clock.Elapsed.TotalMilliseconds:F0} ms, cpu {(cpu - _cpu).TotalMilliseconds:F0} ms ({Memory()})");
        _cpu = cpu;
        _clock.Restart();
    }

    private static TimeSpan CpuTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    public void Note(string text) => Console.Error.WriteLine($"moda: {text}");

    // The managed heap now and the process's peak resident memory so far (Linux; the working set elsewhere).
    private static string Memory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: false) >> 20;
        long peak = -1;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    peak = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) >> 10;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return peak >= 0 ? $"heap {heap} MB, peak RSS {peak} MB" : $"heap {heap} MB, working set {Environment.WorkingSet >> 20} MB";
    }
}
