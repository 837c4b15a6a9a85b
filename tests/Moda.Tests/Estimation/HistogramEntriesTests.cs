using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// Entry columns of partial histograms come from pools, which may hand out arrays longer than
/// asked for, and of different lengths for the columns of one histogram (a pool keeps a bounded
/// number of arrays per length, and falls back to longer ones): every column must still take
/// every entry, however the columns grew.
/// </summary>
public class HistogramEntriesTests
{
    [Fact]
    public void PooledColumnsHoldEveryEntryWhateverTheirLengths()
    {
        // Longer arrays in the pools, then more arrays of one length than a pool keeps (of the
        // int columns, three per histogram, more are dropped than of the others), then histograms
        // of that length filled past it.
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
