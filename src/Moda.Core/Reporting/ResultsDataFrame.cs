using Microsoft.Data.Analysis;
using Moda.Results;

namespace Moda.Reporting;

/// <summary>Results as a <see cref="DataFrame"/>: the long table of the CSV output, one row per estimate.</summary>
public static class ResultsDataFrame
{
    /// <summary>
    /// Columns <c>ageGroup, breakdown, group, k, measure</c> (text) and
    /// <c>estimate, se, ciLow, ciHigh</c> (double, null when undefined).
    /// </summary>
    public static DataFrame ToDataFrame(this ModaResults results)
    {
        var rows = ResultRows.Enumerate(results).ToArray();
        static double? N(double x) => double.IsFinite(x) ? x : null;
        return new DataFrame(
            new StringDataFrameColumn("ageGroup", rows.Select(r => r.AgeGroup)),
            new StringDataFrameColumn("breakdown", rows.Select(r => r.Breakdown)),
            new StringDataFrameColumn("group", rows.Select(r => r.Group)),
            new StringDataFrameColumn("k", rows.Select(r => r.K)),
            new StringDataFrameColumn("measure", rows.Select(r => r.Measure)),
            new DoubleDataFrameColumn("estimate", rows.Select(r => N(r.Estimate.Value))),
            new DoubleDataFrameColumn("se", rows.Select(r => N(r.Estimate.Se))),
            new DoubleDataFrameColumn("ciLow", rows.Select(r => N(r.Estimate.CiLow))),
            new DoubleDataFrameColumn("ciHigh", rows.Select(r => N(r.Estimate.CiHigh))));
    }
}
