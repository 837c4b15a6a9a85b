using System.Globalization;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>Reads a binary fixture and its CSV twins and compares every value, missing flag and label.</summary>
internal static class TwinComparison
{
    public static List<double> Numbers(ITableReader reader, string column, IReadOnlyList<string>? missing = null)
    {
        var values = new List<double>();
        foreach (var b in reader.Read([new ColumnRequest(column, ColumnKind.Numeric, missing ?? [])], 7))
            values.AddRange(b.Numeric(0).ToArray());
        return values;
    }

    public static List<string?> Texts(ITableReader reader, string column, IReadOnlyList<string>? missing = null)
    {
        var values = new List<string?>();
        foreach (var b in reader.Read([new ColumnRequest(column, ColumnKind.Categorical, missing ?? [])], 7))
            foreach (var c in b.Categorical(0)) values.Add(c < 0 ? null : b.Categories[0]![c]);
        return values;
    }

    /// <summary>
    /// Every variable of <paramref name="valuesCsv"/>: numeric variables must read as the same
    /// doubles (bit for bit, NaN for missing) as the CSV; every variable read as categorical must
    /// give the text of <paramref name="labelsCsv"/> (numbers compared as numbers).
    /// </summary>
    public static int AssertSameAsTwins(ITableReader reader, string valuesCsv, string labelsCsv)
    {
        using var values = new CsvTableReader(TestPaths.Fixture(valuesCsv));
        using var labels = new CsvTableReader(TestPaths.Fixture(labelsCsv));
        var checkedCells = 0;
        foreach (var column in values.ColumnNames)
        {
            var info = reader.Variables.Single(v => v.Name == column);
            if (info.IsNumeric)
            {
                var expected = Numbers(values, column);
                var actual = Numbers(reader, column);
                Assert.Equal(expected.Count, actual.Count);
                for (var i = 0; i < expected.Count; i++)
                {
                    Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]) || expected[i] == actual[i],
                        $"{column}[{i}]: expected {expected[i]:R}, read {actual[i]:R}");
                    checkedCells++;
                }
            }
            var expectedText = Texts(labels, column);
            var actualText = Texts(reader, column);
            Assert.Equal(expectedText.Count, actualText.Count);
            for (var i = 0; i < expectedText.Count; i++)
            {
                if (expectedText[i] is { } e && actualText[i] is { } a && Num(e) is { } x && Num(a) is { } y)
                    Assert.True(x == y, $"{column}[{i}]: expected {e}, read {a}");
                else
                    Assert.True(expectedText[i] == actualText[i], $"{column}[{i}]: expected '{expectedText[i]}', read '{actualText[i]}'");
                checkedCells++;
            }
        }
        return checkedCells;
    }

    private static double? Num(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
