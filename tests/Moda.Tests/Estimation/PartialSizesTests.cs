using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// The size a chunk's partial is given: one entry a row until a partial is seen, then the entries
/// a row seen so far with a quarter's margin, never more than the rows; and the most patterns a
/// partial has met, with a quarter's margin, between 16 and 4096.
/// </summary>
public class PartialSizesTests
{
    [Fact]
    public void SizesFollowThePartialsSeen()
    {
        var sizes = new PartialSizes();
        Assert.Equal(65536, sizes.Entries(65536));
        Assert.Equal(16, sizes.Patterns);
        sizes.Observe(rows: 1000, entries: 390, patterns: 800);
        Assert.Equal(504, sizes.Entries(1000));         // ⌈1000 × 0.39 × 1.25⌉ + 16
        Assert.Equal(1000, sizes.Patterns);             // 800 × 1.25
        sizes.Observe(rows: 1000, entries: 1000, patterns: 600);
        Assert.Equal(885, sizes.Entries(1000));         // 1390 entries in 2000 rows: ⌈1000 × 0.695 × 1.25⌉ + 16
        Assert.Equal(1000, sizes.Patterns);             // the most seen, not the last
        sizes.Observe(rows: 2000, entries: 2000, patterns: 5000);
        Assert.Equal(1000, sizes.Entries(1000));        // 0.8475 × 1.25 > 1: capped at the rows
        Assert.Equal(4096, sizes.Patterns);
        Assert.Equal(0, sizes.Entries(0));
    }
}
