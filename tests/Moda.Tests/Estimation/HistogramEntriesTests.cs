using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// Entry columns of partial histograms come from pools, which hand out arrays longer than asked
/// for (a power of two), and keep only up to a budget of what is given back: every column must
/// still take every entry, however the columns grew and whichever arrays the pool gave.
/// </summary>
public class HistogramEntriesTests
{
    [Fact]
    public void PooledColumnsHoldEveryEntryWhateverTheirLengths()
    {
        // Longer arrays in the pools, then many histograms of a shorter length, then as many
        // again (taking the arrays the first ones gave back), each filled past its length.
        var rounds = new[] { (Count: 8, Size: 2048), (Count: 40, Size: 1024), (Count: 40, Size: 1024) };
        foreach (var (count, size) in rounds)
        {
            var made = Enumerable.Range(0, count).Select(_ => HistogramEntries.Pooled(size)).ToList();
            foreach (var entries in made)
            {
                var n = size + 100;
                for (var e = 0; e < n; e++) Assert.Equal(e, entries.Append(e, e + 1, e + 2, e * 0.5, e * 0.25, e + 3L));
                for (var e = 0; e < n; e += 97)
                {
                    Assert.Equal((e, e + 1, e + 2), (entries.Unit[e], entries.Cell[e], entries.Pattern[e]));
                    Assert.Equal((e * 0.5, e * 0.25, e + 3L), (entries.Weight[e], entries.Weight2[e], entries.Children[e]));
                }
            }
            foreach (var entries in made) entries.Return();
            Assert.All(made, e => Assert.Equal(0, e.Count));
        }
    }
}

/// <summary>
/// Plans too wide for the key table (more than 10 dimensions) find their patterns through the
/// hash map: the histogram of such a plan sums every child into the right pattern.
/// </summary>
public class WidePlanHistogramTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(32)]
    public void EveryChildIsInItsPattern(int dimensions)
    {
        var names = Enumerable.Range(0, dimensions).Select(j => $"d{j}").ToArray();
        var spec = new Moda.Configuration.ModaSpec
        {
            Dimensions = names.Select(n => new Moda.Configuration.DimensionSpec
            {
                Name = n,
                Indicators = [new Moda.Configuration.IndicatorSpec { Name = n, Column = n, DeprivedIf = "== 1" }],
            }).ToArray(),
        };
        var plan = Moda.Deprivation.AnalysisPlan.Create(spec, names);
        var rows = 40;
        var batch = new Moda.Data.ColumnBatch(plan.Requests, rows) { Count = rows };
        for (var j = 0; j < dimensions; j++)
        {
            var column = batch.Numbers[plan.SlotOf(names[j], Moda.Data.ColumnKind.Numeric)]!;
            for (var r = 0; r < rows; r++) column[r] = (r >> (j % 5)) & 1;
        }
        var classifier = new Moda.Deprivation.ChildClassifier(plan);
        classifier.Classify(batch);
        var histogram = new SurveyHistogram(plan, "wide.csv");
        histogram.Add(batch, classifier);
        var entries = histogram.ToEntries();
        var byPattern = new Dictionary<uint, long>();
        for (var e = 0; e < entries.Count; e++)
        {
            var p = histogram.Patterns[entries.Pattern[e]];
            byPattern[p.Deprived] = byPattern.GetValueOrDefault(p.Deprived) + entries.Children[e];
        }
        var expected = Enumerable.Range(0, rows).GroupBy(r => classifier.Deprived[r]).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(kv => kv.Key), byPattern.OrderBy(kv => kv.Key));
        Assert.Equal(rows, histogram.Rows);
    }
}
