using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Estimation;
using Xunit;

namespace Moda.Tests.Estimation;

/// <summary>
/// <see cref="EntryTable.ProjectMany"/> against sums taken straight over the rows: per projection,
/// one row per (unit, new key) that some row maps to, with its Σw, Σw² and children summed in row
/// order (so to the last bit). Random tables in unit order (summed a unit at a time) or shuffled
/// (dense cells or the hash map), with or without Σw², a row subset or all rows, and several maps.
/// </summary>
public class EntryTableProjectionProperties
{
    private sealed record Input(EntryTable Table, int[]? Rows, int[][] Maps, int KeyCount, int Units, bool Sorted)
    {
        public override string ToString() =>
            $"rows={Table.Length} subset={Rows?.Length} keys={Table.KeyCount}->{KeyCount} maps={Maps.Length} units={Units} sorted={Sorted} squares={Table.HasSquares}";
    }

    private static Gen<Input> Inputs() =>
        from seed in Gen.Choose(0, int.MaxValue)
        from sorted in Gen.Elements(true, false)
        from squares in Gen.Elements(true, false)
        from subset in Gen.Elements(true, false)
        from wide in Gen.Elements(false, false, true)
        select Make(new Random(seed), sorted, squares, subset, wide);

    private static Input Make(Random random, bool sorted, bool squares, bool subset, bool wide)
    {
        var keys = random.Next(1, 20);
        var keyCount = random.Next(1, 8);
        // Wide: units × new keys above the dense limit (4M cells), so an unsorted table takes the hash map.
        var units = wide ? 700_000 : random.Next(1, 12);
        var n = random.Next(0, 80);
        var unit = Enumerable.Range(0, n).Select(_ => wide ? random.Next(units - 20, units) : random.Next(units)).ToArray();
        if (sorted) Array.Sort(unit);
        var table = new EntryTable(unit,
            Enumerable.Range(0, n).Select(_ => random.Next(keys)).ToArray(),
            Enumerable.Range(0, n).Select(_ => random.NextDouble() * 10).ToArray(),
            squares ? Enumerable.Range(0, n).Select(_ => random.NextDouble() * 30).ToArray() : [],
            Enumerable.Range(0, n).Select(_ => (long)random.Next(1, 5)).ToArray(),
            keys);
        int[]? rows = subset ? Enumerable.Range(0, n).Where(_ => random.Next(3) > 0).ToArray() : null;
        var maps = Enumerable.Range(0, random.Next(1, 4))
            .Select(_ => Enumerable.Range(0, keys).Select(_ => random.Next(-1, keyCount)).ToArray()).ToArray();
        return new Input(table, rows, maps, keyCount, units, sorted);
    }

    // Per (unit, new key): Σw, Σw², children, summed in row order, and the order cells are first met.
    private static List<((int Unit, int Key) Cell, double W, double W2, long N)> Expected(Input s, int[] map)
    {
        var t = s.Table;
        var cells = new Dictionary<(int, int), int>();
        var result = new List<((int, int), double, double, long)>();
        foreach (var r in s.Rows ?? Enumerable.Range(0, t.Length).ToArray())
        {
            var k = map[t.Key[r]];
            if (k < 0) continue;
            if (!cells.TryGetValue((t.Unit[r], k), out var i))
            {
                cells[(t.Unit[r], k)] = i = result.Count;
                result.Add(((t.Unit[r], k), 0, 0, 0));
            }
            var (cell, w, w2, n) = result[i];
            result[i] = (cell, w + t.Weight[r], t.HasSquares ? w2 + t.Weight2[r] : 0, n + t.Count[r]);
        }
        return result;
    }

    [Property(MaxTest = 300)]
    public Property ProjectionsSumTheirRows() => Prop.ForAll(Arb.From(Inputs()), s =>
    {
        var projections = s.Table.ProjectMany(s.Rows, s.Maps, s.KeyCount, s.Units);
        Assert.Equal(s.Maps.Length, projections.Length);
        for (var p = 0; p < s.Maps.Length; p++)
        {
            var expected = Expected(s, s.Maps[p]);
            var got = projections[p];
            Assert.Equal(s.KeyCount, got.KeyCount);
            Assert.Equal(expected.Count, got.Length);
            if (got.Length > 0) Assert.Equal(s.Table.HasSquares, got.HasSquares);
            var rows = Enumerable.Range(0, got.Length)
                .Select(r => ((got.Unit[r], got.Key[r]), got.Weight[r], got.HasSquares ? got.Weight2[r] : 0, got.Count[r])).ToList();
            if (s.Sorted) Assert.Equal(expected, rows); // a unit at a time, keys in the order first met
            else Assert.Equal(expected.OrderBy(e => e.Cell), rows.OrderBy(e => e.Item1));
        }
    });

    [Property(MaxTest = 100)]
    public Property ProjectionOfATableWithoutSquaresKeepsNone() => Prop.ForAll(Arb.From(Inputs()), s =>
    {
        var withSquares = new EntryTable(s.Table.Unit, s.Table.Key, s.Table.Weight, new double[s.Table.Length], s.Table.Count, s.Table.KeyCount);
        var without = new EntryTable(s.Table.Unit, s.Table.Key, s.Table.Weight, [], s.Table.Count, s.Table.KeyCount);
        var a = withSquares.Project(s.Rows, s.Maps[0], s.KeyCount, s.Units);
        var b = without.Project(s.Rows, s.Maps[0], s.KeyCount, s.Units);
        Assert.Equal(a.Unit, b.Unit);
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.Weight, b.Weight);
        Assert.Equal(a.Count, b.Count);
        Assert.Empty(b.Weight2);
        Assert.Equal(b.Length == 0, b.HasSquares);
    });

    [Fact]
    public void SquaresAreGivenForEveryRowOrNone()
    {
        var e = Assert.Throws<ArgumentException>(() => new EntryTable([0, 1], [0, 0], [1, 2], [1], [1, 1], 1));
        Assert.Contains("every row or for none", e.Message);
    }
}
