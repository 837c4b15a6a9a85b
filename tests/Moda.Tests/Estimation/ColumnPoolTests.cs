using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// The entry columns' pool: arrays a power of two long, at least as long as asked; what is given
/// back is handed out again, up to the byte budget; and <see cref="ColumnPool{T}.Clear"/> lets it go.
/// </summary>
public class ColumnPoolTests
{
    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(17, 32)]
    [InlineData(65536, 65536)]
    [InlineData(65537, 131072)]
    public void ArraysAreThePowerOfTwoAtLeastAsked(int asked, int length)
    {
        var pool = new ColumnPool<int>(budgetBytes: 1 << 20, trimAtFullCollections: false);
        Assert.Equal(length, pool.Rent(asked).Length);
    }

    [Fact]
    public void WhatIsGivenBackIsHandedOutAgainWithinTheBudget()
    {
        var pool = new ColumnPool<double>(budgetBytes: 3 * 1024 * sizeof(double), trimAtFullCollections: false);
        var arrays = Enumerable.Range(0, 5).Select(_ => pool.Rent(1000)).ToArray();
        foreach (var a in arrays) pool.Return(a);
        Assert.Equal(3 * 1024 * sizeof(double), pool.KeptBytes); // two went over the budget
        var again = Enumerable.Range(0, 3).Select(_ => pool.Rent(1024)).ToArray();
        // By reference: xunit compares arrays element by element, and a fresh array may be all zeros.
        Assert.All(again, a => Assert.Contains(arrays, kept => ReferenceEquals(kept, a)));
        Assert.Equal(0, pool.KeptBytes);
        var fresh = pool.Rent(1024);
        Assert.DoesNotContain(arrays, kept => ReferenceEquals(kept, fresh));  // none left: a new one
    }

    [Fact]
    public void ArraysOfOtherLengthsAreNotKept()
    {
        var pool = new ColumnPool<long>(budgetBytes: 1 << 20, trimAtFullCollections: false);
        pool.Return(new long[1000]);
        pool.Return(new long[8]);
        Assert.Equal(0, pool.KeptBytes);
        var mine = pool.Rent(100);
        pool.Return(mine);
        Assert.Same(mine, pool.Rent(128));
        Assert.NotSame(mine, pool.Rent(64)); // another size's bucket
    }

    [Fact]
    public void ALengthPastTheLargestPowerOfTwoIsMadeExactAndNotKept()
    {
        var pool = new ColumnPool<byte>(budgetBytes: long.MaxValue, trimAtFullCollections: false);
        var big = pool.Rent((1 << 30) + 1);
        Assert.Equal((1 << 30) + 1, big.Length);
        pool.Return(big);
        Assert.Equal(0, pool.KeptBytes);
    }

    [Fact]
    public void AFullCollectionKeepsArraysInUseUnlessMemoryIsShort()
    {
        var pool = new ColumnPool<int>(budgetBytes: 1 << 20, trimAtFullCollections: false);
        pool.Return(pool.Rent(100));
        pool.Trim(memoryShort: false);              // used a moment ago: kept
        Assert.Equal(128 * sizeof(int), pool.KeptBytes);
        pool.Trim(memoryShort: true);
        Assert.Equal(0, pool.KeptBytes);
    }

    [Fact]
    public void ClearLetsEveryArrayGo()
    {
        var pool = new ColumnPool<int>(budgetBytes: 1 << 20, trimAtFullCollections: false);
        var a = pool.Rent(100);
        pool.Return(a);
        pool.Clear();
        Assert.Equal(0, pool.KeptBytes);
        Assert.NotSame(a, pool.Rent(100));
    }
}
