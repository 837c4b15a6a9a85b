using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;
using Moda.Reporting;

namespace Moda.Tests.Estimation;

/// <summary>
/// An estimator that frees the histogram's entries and indicator totals as it goes (as the
/// command does) gives, to the last bit, what one that keeps them gives, and the same again when
/// asked twice; the freed totals cannot be read by mistake.
/// </summary>
public class ReleasedHistogramTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Releasing_the_histogram_changes_no_figure(bool clustered)
    {
        var hubei = SpecReader.ReadFile(TestPaths.Sample("hubei", "moda.json"));
        var spec = clustered ? hubei : hubei with { Cluster = null };
        var data = TestPaths.Sample("hubei", "children.csv");
        var reference = ModaAnalyzer.Analyze(data, spec);

        using var reader = TableReaders.Open(data);
        var plan = AnalysisPlan.Create(spec, reader.ColumnNames, null, reader.Path, reader.Variables);
        var histogram = HistogramBuilder.Build(reader, plan, null, default, null);
        var design = new SurveyDesign(histogram, spec.Variance, reader.Path, spec.Strata, spec.Variance.Fpc);
        var engine = new RatioEngine(design, spec.Variance, null);
        var kept = new ProfileEstimator(plan, histogram, engine).EstimateAll();
        Assert.NotNull(histogram.IndicatorTotals(0));
        var releasing = new ProfileEstimator(plan, histogram, engine, releaseHistogramEntries: true);
        var first = releasing.EstimateAll();
        var second = releasing.EstimateAll();

        Assert.Throws<InvalidOperationException>(() => histogram.IndicatorTotals(0));
        Assert.Contains(first[0].Indicators, i => i.Rate.Se > 0);
        var expected = JsonResultWriter.ToJson(reference);
        Assert.Equal(expected, JsonResultWriter.ToJson(reference with { AgeGroups = kept }));
        Assert.Equal(expected, JsonResultWriter.ToJson(reference with { AgeGroups = first }));
        Assert.Equal(expected, JsonResultWriter.ToJson(reference with { AgeGroups = second }));
    }
}
