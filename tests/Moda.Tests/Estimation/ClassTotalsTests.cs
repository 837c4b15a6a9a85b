using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// <see cref="ClassTotals"/> (what every cut-off reads) against sums taken straight over the
/// histogram rows it is built from: per-unit totals of a class vector, per-dimension deprived
/// totals and the Σw² terms of the variance when each child is its own PSU. Random tables, rows in
/// unit order or shuffled, some patterns incomplete (left out), a row subset or all rows.
/// </summary>
public class ClassTotalsTests
{
    private const double Rel = 1e-12;

    private sealed record Input(EntryTable Table, int[]? Rows, int[] ClassOf, int Classes, uint[] Bits, int Dims, int Units,
        int[] StratumOf, double[] F, double[] FDeprived, double[] X, double Ratio, bool Sorted)
    {
        public override string ToString() => $"rows={Table.Length} subset={Rows?.Length} patterns={ClassOf.Length} classes={Classes} dims={Dims} units={Units} sorted={Sorted}";
    }

    private static Gen<Input> Inputs() =>
        from seed in Gen.Choose(0, int.MaxValue)
        from sorted in Gen.Elements(true, false)
        from subset in Gen.Elements(true, false)
        select Make(new Random(seed), sorted, subset);

    private static Input Make(Random random, bool sorted, bool subset)
    {
        var dims = random.Next(1, 7);
        var patterns = random.Next(1, 20);
        var classes = random.Next(1, 6);
        var units = random.Next(1, 12);
        var n = random.Next(0, 80);
        var classOf = Enumerable.Range(0, patterns).Select(_ => random.Next(-1, classes)).ToArray();
        var bits = Enumerable.Range(0, patterns).Select(_ => (uint)random.Next(0, 1 << dims)).ToArray();
        var unit = Enumerable.Range(0, n).Select(_ => random.Next(units)).ToArray();
        if (sorted) Array.Sort(unit);
        var table = new EntryTable(unit,
            Enumerable.Range(0, n).Select(_ => random.Next(patterns)).ToArray(),
            Enumerable.Range(0, n).Select(_ => random.NextDouble() * 10).ToArray(),
            Enumerable.Range(0, n).Select(_ => random.NextDouble() * 30).ToArray(),
            Enumerable.Range(0, n).Select(_ => (long)random.Next(1, 5)).ToArray(),
            patterns);
        int[]? rows = subset ? Enumerable.Range(0, n).Where(_ => random.Next(3) > 0).ToArray() : null;
        double Value() => random.Next(4) == 0 ? 0 : random.NextDouble();
        return new Input(table, rows, classOf, classes, bits, dims, units,
            Enumerable.Range(0, units).Select(_ => random.Next(3)).ToArray(),
            Enumerable.Range(0, classes).Select(_ => Value()).ToArray(),
            Enumerable.Range(0, classes * dims).Select(_ => Value()).ToArray(),
            Enumerable.Range(0, classes).Select(_ => Value()).ToArray(),
            random.NextDouble(), sorted);
    }

    private static ClassTotals Build(Input s, bool squares = true) =>
        ClassTotals.Build(s.Table, s.Rows, s.ClassOf, s.Classes, s.Bits, s.Dims, squares);

    // The histogram rows of complete children: (row, class).
    private static IEnumerable<(int Row, int Class)> Complete(Input s) =>
        (s.Rows ?? Enumerable.Range(0, s.Table.Length).ToArray())
            .Select(r => (r, s.ClassOf[s.Table.Key[r]])).Where(x => x.Item2 >= 0);

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Rel * scale, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Property(MaxTest = 200)]
    public Property UnitTotalsEqualSumsOverRows() => Prop.ForAll(Arb.From(Inputs()), s =>
    {
        var t = Build(s);
        var expected = new double[s.Units];
        var children = new long[s.Units];
        foreach (var (r, c) in Complete(s))
        {
            expected[s.Table.Unit[r]] += s.Table.Weight[r] * s.F[c];
            children[s.Table.Unit[r]] += s.Table.Count[r];
        }
        var actual = new double[s.Units];
        t.Totals(s.F, actual);
        AssertClose(expected, actual, "Σ w f(class)");
        var counted = new long[s.Units];
        for (var r = 0; r < t.Length; r++) counted[t.Unit[r]] += t.Count[r];
        Assert.Equal(children, counted);
    });

    [Property(MaxTest = 200)]
    public Property DeprivedTotalsEqualSumsOverRows() => Prop.ForAll(Arb.From(Inputs()), s =>
    {
        var t = Build(s, squares: false);
        var expected = new double[s.Dims * s.Units];
        foreach (var (r, c) in Complete(s))
            for (var j = 0; j < s.Dims; j++)
                if ((s.Bits[s.Table.Key[r]] >> j & 1) != 0)
                    expected[j * s.Units + s.Table.Unit[r]] += s.Table.Weight[r] * s.FDeprived[c * s.Dims + j];
        var actual = new double[s.Dims * s.Units];
        t.DeprivedTotals(s.FDeprived, actual, s.Units);
        AssertClose(expected, actual, "Σ w f(class, j) over children deprived in j");
    });

    [Property(MaxTest = 200)]
    public Property SquaresEqualSumsOverRows() => Prop.ForAll(Arb.From(Inputs()), s =>
    {
        var t = Build(s);
        const double scale = 0.5;
        var expected = new double[3];
        foreach (var (r, c) in Complete(s))
        {
            var e = s.F[c] - s.Ratio * s.X[c];
            expected[s.StratumOf[s.Table.Unit[r]]] += scale * s.Table.Weight2[r] * e * e;
        }
        var actual = new double[3];
        t.Squares(s.F, s.X, s.Ratio, scale, s.StratumOf, actual);
        AssertClose(expected, actual, "Σ w²(y − R x)²");

        for (var j = 0; j < s.Dims; j++)
        {
            Array.Clear(expected);
            foreach (var (r, c) in Complete(s))
            {
                var deprived = (s.Bits[s.Table.Key[r]] >> j & 1) != 0;
                var e = (deprived ? s.FDeprived[c * s.Dims + j] : 0) - s.Ratio * s.X[c];
                expected[s.StratumOf[s.Table.Unit[r]]] += scale * s.Table.Weight2[r] * e * e;
            }
            Array.Clear(actual);
            t.DeprivedSquares(j, s.FDeprived, s.X, s.Ratio, scale, s.StratumOf, actual);
            AssertClose(expected, actual, $"Σ w²(y − R x)² of dimension {j}");
        }
    });

    /// <summary>Rows in unit order give one row per (unit, class); shuffled rows may repeat a pair, never lose one.</summary>
    [Property(MaxTest = 200)]
    public Property OneRowPerUnitAndClassWhenSorted() => Prop.ForAll(Arb.From(Inputs()), s =>
    {
        var t = Build(s);
        var pairs = Enumerable.Range(0, t.Length).Select(r => (t.Unit[r], t.Class[r])).ToArray();
        var expected = Complete(s).Select(x => (s.Table.Unit[x.Row], x.Class)).Distinct().OrderBy(p => p).ToArray();
        Assert.Equal(expected, pairs.Distinct().OrderBy(p => p).ToArray());
        if (s.Sorted) Assert.Equal(pairs.Length, expected.Length);
    });
}
