using System.Globalization;
using System.Text;
using Moda.Data;

namespace Moda.Tests.Properties;

/// <summary>
/// A test double of <see cref="ITableReader"/> over columns held in memory: numeric columns as
/// <c>double[]</c> (NaN = missing), categorical columns as <c>string[]</c> (null or empty = missing).
/// It follows the file readers' contract: one reused batch, missing codes of each request honoured
/// (as text for categorical slots, as numbers for numeric slots), category codes from the batch's
/// own <see cref="CategoryDictionary"/>. A numeric column requested as categorical is served as its
/// invariant text, and a text column requested as numeric is parsed.
/// </summary>
internal sealed class InMemoryTable : ITableReader
{
    private readonly Dictionary<string, double[]> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?[]> _texts = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly int? _batchRows;

    /// <summary>Creates an empty table; <paramref name="batchRows"/> caps the batch size below what the caller asks for.</summary>
    public InMemoryTable(int rows, int? batchRows = null, string path = "in-memory")
    {
        Rows = rows;
        _batchRows = batchRows;
        Path = path;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames => _names;

    /// <summary>Adds a numeric column.</summary>
    public InMemoryTable Add(string name, double[] values)
    {
        Check(name, values.Length);
        _numbers[name] = values;
        return this;
    }

    /// <summary>Adds a text column.</summary>
    public InMemoryTable Add(string name, string?[] values)
    {
        Check(name, values.Length);
        _texts[name] = values;
        return this;
    }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var size = Math.Max(1, Math.Min(batchRows, _batchRows ?? int.MaxValue));
        var missing = columns.Select(c => new MissingCodes(c.MissingCodes)).ToArray();
        foreach (var c in columns)
            if (!_numbers.ContainsKey(c.Name) && !_texts.ContainsKey(c.Name))
                throw new ModaDataException(Path, $"no column '{c.Name}'", 1, c.Name);
        var batch = new ColumnBatch(columns, size);
        for (var start = 0; start < Rows; start += size)
        {
            var count = Math.Min(size, Rows - start);
            batch.FirstRow = start;
            batch.Count = count;
            for (var r = 0; r < count; r++) batch.Lines[r] = start + r + 2; // as a CSV line: header is line 1
            for (var slot = 0; slot < columns.Count; slot++)
            {
                var name = columns[slot].Name;
                for (var r = 0; r < count; r++)
                {
                    var row = start + r;
                    if (columns[slot].Kind == ColumnKind.Numeric)
                        batch.Numbers[slot]![r] = Number(name, row, missing[slot]);
                    else
                    {
                        var text = Text(name, row);
                        batch.Codes[slot]![r] = text is null || missing[slot].IsMissingText(Encoding.UTF8.GetBytes(text)) ? -1
                            : batch.Categories[slot]!.GetOrAdd(text);
                    }
                }
            }
            yield return batch;
        }
    }

    /// <inheritdoc />
    public void Dispose() { }

    private double Number(string name, int row, MissingCodes missing)
    {
        double v;
        if (_numbers.TryGetValue(name, out var numbers)) v = numbers[row];
        else
        {
            var text = _texts[name][row];
            if (text is null || missing.IsMissingText(Encoding.UTF8.GetBytes(text))) return double.NaN;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v))
                throw new ModaDataException(Path, $"'{text}' is not a number", row + 2, name);
        }
        return double.IsNaN(v) || missing.IsMissingNumber(v) ? double.NaN : v;
    }

    private string? Text(string name, int row)
    {
        if (_texts.TryGetValue(name, out var texts)) return string.IsNullOrEmpty(texts[row]) ? null : texts[row];
        var v = _numbers[name][row];
        return double.IsNaN(v) ? null : v.ToString("R", CultureInfo.InvariantCulture);
    }

    private void Check(string name, int length)
    {
        if (length != Rows) throw new ArgumentException($"column '{name}' has {length} values, the table {Rows} rows");
        if (_names.Contains(name)) throw new ArgumentException($"column '{name}' added twice");
        _names.Add(name);
    }
}
