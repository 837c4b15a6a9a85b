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
    public static ModaResults Analyze(string dataFile, ModaSpec spec, AnalysisOptions? options = null)
    {
        using var reader = TableReaders.Open(dataFile);
        return Analyze(reader, spec, options);
    }

    /// <summary>Analyses the rows of an open reader.</summary>
    public static ModaResults Analyze(ITableReader reader, ModaSpec spec, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        if (options.K is { } k)
        {
            spec = spec with { K = k };
            SpecValidator.Validate(spec);
        }
        var plan = AnalysisPlan.Create(spec, reader.ColumnNames, options.GroupBy, reader.Path);
        var histogram = Accumulate(reader, plan, options);
        var design = new SurveyDesign(histogram, plan.Spec.Variance, reader.Path, plan.Spec.Strata, plan.Spec.Variance.Fpc);
        var engine = new RatioEngine(histogram, design, plan.Spec.Variance, options.BootstrapCounts);
        var groups = new ProfileEstimator(plan, histogram, engine).EstimateAll();
        var v = plan.Spec.Variance;
        return new ModaResults
        {
            Tool = new ToolInfo("moda", ModaInfo.Version),
            Input = new InputInfo(reader.Path, histogram.Rows, options.ConfigName, histogram.Unassigned),
            Design = new DesignInfo(
                v.Method == VarianceMethod.Bootstrap ? "bootstrap" : "linearization",
                design.StratumCount, design.Psus.Sum(), design.DegreesOfFreedom,
                v.Interval == IntervalKind.T ? "t" : "normal", v.Level,
                v.LonelyPsu.ToString().ToLowerInvariant(), design.LonelyStrata,
                v.Method == VarianceMethod.Bootstrap ? (options.BootstrapCounts?.Counts.Length ?? v.Replicates) : 0),
            AgeGroups = groups,
            DroppedDimensions = plan.DroppedDimensions,
        };
    }

    /// <summary>Reads every row once into the histogram.</summary>
    internal static SurveyHistogram Accumulate(ITableReader reader, AnalysisPlan plan, AnalysisOptions options)
    {
        var histogram = new SurveyHistogram(plan, reader.Path, rowUnits: plan.Spec.Variance.Method == VarianceMethod.Bootstrap);
        var classifier = new ChildClassifier(plan);
        foreach (var batch in reader.Read(plan.Requests))
        {
            options.Cancellation.ThrowIfCancellationRequested();
            classifier.Classify(batch);
            histogram.Add(batch, classifier);
            options.Progress?.Report(histogram.Rows);
        }
        return histogram;
    }
}
