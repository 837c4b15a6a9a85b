using System.Globalization;
using Microsoft.Data.Analysis;

namespace Moda.Data;

/// <summary>
/// Serves the columns of a <see cref="DataFrame"/> (e.g. from a notebook) to the analysis: numeric
/// columns of any primitive type, string columns, nulls as missing. The DataFrame is only the
/// way in: its values are copied into batches like any file's.
/// </summary>
public sealed class DataFrameTableReader(DataFrame frame, string name = "DataFrame") : ITableReader
{
    /// <inheritdoc />
    public string Path { get; } = name;

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames { get; } = frame.Columns.Select(c => c.Name).ToArray();

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var source = columns.Select(c => frame.Columns[c.Name]).ToArray();
        var missing = columns.Select(c => new MissingCodes(c.MissingCodes)).ToArray();
        var batch = new ColumnBatch(columns, batchRows);
        var encoders = columns.Select((c, slot) => c.Kind == ColumnKind.Categorical ? new CategoryEncoder(batch.Categories[slot]!) : null).ToArray();
        var rows = frame.Rows.Count;
        for (long start = 0; start < rows; start += batchRows)
        {
            var n = (int)Math.Min(batchRows, rows - start);
            batch.Count = n;
            batch.FirstRow = start;
            for (var r = 0; r < n; r++) batch.Lines[r] = start + r + 1;
            for (var slot = 0; slot < columns.Count; slot++)
            {
                var column = source[slot];
                for (var r = 0; r < n; r++)
                {
                    var value = column[start + r];
                    if (columns[slot].Kind == ColumnKind.Numeric)
                        batch.Numbers[slot]![r] = Number(value, missing[slot], start + r, columns[slot].Name);
                    else
                        batch.Codes[slot]![r] = Text(value) is { } text && !missing[slot].IsMissingText(text.AsSpan())
                            ? encoders[slot]!.Dictionary.GetOrAdd(text) : -1;
                }
            }
            yield return batch;
        }
    }

    /// <inheritdoc />
    public void Dispose() { }

    private double Number(object? value, MissingCodes missing, long row, string column)
    {
        switch (value)
        {
            case null:
                return double.NaN;
            case string s:
                if (missing.IsMissingText(s.AsSpan().Trim())) return double.NaN;
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
                    return missing.IsMissingNumber(parsed) ? double.NaN : parsed;
                throw new ModaDataException(Path, $"'{s}' is not a number", row + 1, column);
            case bool b:
                return b ? 1 : 0;
            default:
                var x = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return double.IsNaN(x) || missing.IsMissingNumber(x) ? double.NaN : x;
        }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Trim(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
