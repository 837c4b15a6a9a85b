using System.Globalization;
using Microsoft.Data.Analysis;
using Moda.Data;
using Moda.Reporting;
using Moda.Tests.Survey;

namespace Moda.Tests.Reporting;

/// <summary>A DataFrame in gives what the same data as CSV give; results come back as a DataFrame.</summary>
public class DataFrameBridgeTests
{
    private static DataFrame Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var columns = header.Select((name, i) =>
        {
            var values = cells.Select(c => c[i]).ToArray();
            return values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                ? (DataFrameColumn)new DoubleDataFrameColumn(name, values.Select(v => (double?)double.Parse(v, CultureInfo.InvariantCulture)))
                : new StringDataFrameColumn(name, values);
        });
        return new DataFrame(columns);
    }

    [Fact]
    public void ADataFrameGivesTheSameResultsAsTheCsv()
    {
        var path = TestPaths.Oracle("design.csv");
        var spec = RSurveyOracle.Spec();
        var fromCsv = ModaAnalyzer.Analyze(path, spec);
        var fromFrame = ModaAnalyzer.Analyze(Load(path), spec);
        var csv = ResultRows.Enumerate(fromCsv).ToArray();
        var frame = ResultRows.Enumerate(fromFrame).ToArray();
        Assert.Equal(csv.Length, frame.Length);
        Assert.Equal(csv, frame);
    }

    // Text cannot spell an infinite weight, a DataFrame (or a .dta, .sav or Parquet file) can:
    // it is refused with the row, as a missing or negative one is, not summed into figures.
    [Theory]
    [InlineData(double.PositiveInfinity, "infinite")]
    [InlineData(double.NaN, "missing")]
    [InlineData(-2.0, "negative")]
    public void ABadWeightIsRefusedWithItsRow(double weight, string why)
    {
        var frame = Load(TestPaths.Oracle("design.csv"));
        frame["weight"][3] = weight;
        var error = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(frame, RSurveyOracle.Spec()));
        Assert.Contains(why, error.Message);
        Assert.Contains("DataFrame:4, column 'weight'", error.Message); // the frame's fourth row
    }

    [Fact]
    public void ResultsComeBackAsALongTable()
    {
        var results = ModaAnalyzer.Analyze(TestPaths.Oracle("design.csv"), RSurveyOracle.Spec());
        var df = results.ToDataFrame();
        var rows = ResultRows.Enumerate(results).ToArray();
        Assert.Equal(rows.Length, df.Rows.Count);
        Assert.Equal(["ageGroup", "breakdown", "group", "k", "measure", "estimate", "se", "ciLow", "ciHigh"], df.Columns.Select(c => c.Name));
        var h2 = df.Rows.Single(r => (string)r[0] == "all" && (string)r[1] == "" && (string)r[3] == "2" && (string)r[4] == "H");
        var expected = results.AgeGroups.Single(g => g.Name == "all").Cutoffs.Single(c => c.K == 2).H;
        Assert.Equal(expected.Value, (double)h2[5]);
        Assert.Equal(expected.Se, (double)h2[6]);
    }

    [Fact]
    public void NullsAreMissing()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("water", [1, 0, null, 1]),
            new StringDataFrameColumn("county", ["a", "b", "a", null]));
        var spec = Moda.Configuration.Profiles.Default with { GroupBy = ["county"] };
        var results = ModaAnalyzer.Analyze(frame, spec);
        var g = results.AgeGroups.Single();
        Assert.Equal(1, g.Excluded);
        Assert.Equal(2.0 / 3, g.Dimensions.Single().Rate.Value, 12);
        Assert.Contains(g.Breakdowns["county"], v => v.Value == "(missing)");
    }
}
