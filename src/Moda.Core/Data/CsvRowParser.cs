using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace Moda.Data;

/// <summary>
/// Turns the requested fields of a delimited record into a row of a <see cref="ColumnBatch"/>:
/// numbers parsed from UTF-8 (missing codes to NaN), categories encoded. Used for records that
/// CsvHelper has split and by <see cref="UnquotedCsvChunk"/>, which splits simple text itself.
/// </summary>
internal sealed class CsvRowParser
{
    private readonly string _path;
    private readonly IReadOnlyList<ColumnRequest> _columns;
    private readonly int[] _fields;
    private readonly MissingCodes[] _missing;
    private readonly bool[] _numeric;   // per slot, read once: the row loop makes no interface calls

    /// <param name="path">The file (for messages).</param>
    /// <param name="fieldCount">Fields per record, from the header.</param>
    /// <param name="columns">The requested columns, one per slot.</param>
    /// <param name="fields">Per slot, the index of its field in a record.</param>
    public CsvRowParser(string path, int fieldCount, IReadOnlyList<ColumnRequest> columns, int[] fields)
    {
        _path = path;
        _columns = columns;
        _fields = fields;
        _missing = columns.Select(c => new MissingCodes(c.MissingCodes)).ToArray();
        _numeric = columns.Select(c => c.Kind == ColumnKind.Numeric).ToArray();
        FieldCount = fieldCount;
        SlotOfField = new int[fieldCount];
        Array.Fill(SlotOfField, -1);
        NextSlotOfField = new int[fields.Length];
        Array.Fill(NextSlotOfField, -1);
        // A column read both as a number and as a category has two slots: chained, first slot first.
        for (var slot = fields.Length - 1; slot >= 0; slot--)
        {
            NextSlotOfField[slot] = SlotOfField[fields[slot]];
            SlotOfField[fields[slot]] = slot;
        }
        DigitSlots = new bool[columns.Count];
        for (var slot = 0; slot < columns.Count; slot++) DigitSlots[slot] = _numeric[slot] && !_missing[slot].HasNumericCodes;
    }

    /// <summary>Per slot: numeric with no numeric missing code, so a lone digit is its value.</summary>
    public bool[] DigitSlots { get; }

    /// <summary>Fields per record.</summary>
    public int FieldCount { get; }

    /// <summary>Per field of a record, the (first) slot it fills, or -1 when no column asks for it.</summary>
    public int[] SlotOfField { get; }

    /// <summary>Per slot, the next slot its field also fills (the same column read as another kind), or -1.</summary>
    public int[] NextSlotOfField { get; }

    /// <summary>One encoder per categorical slot of <paramref name="batch"/> (null for numeric slots).</summary>
    public CategoryEncoder?[] Encoders(ColumnBatch batch) =>
        _columns.Select((c, slot) => c.Kind == ColumnKind.Categorical ? new CategoryEncoder(batch.Categories[slot]!) : null).ToArray();

    /// <summary>Adds CsvHelper's current record as the batch's next row.</summary>
    public void Parse(CsvReader reader, ColumnBatch batch, CategoryEncoder?[] encoders, long line)
    {
        // Worded as CsvHelper words it, which checks every record after a chunk's first.
        if (reader.FieldCount != FieldCount)
            throw new ModaDataException(_path, $"malformed CSV: the record has {reader.FieldCount} fields but {FieldCount} were expected", line);
        var row = batch.Count;
        batch.Lines[row] = line;
        for (var slot = 0; slot < _fields.Length; slot++)
            if (!TryParseField(slot, reader.GetSpan(_fields[slot]), batch, encoders, row))
                throw NotANumber(Trim(reader.GetSpan(_fields[slot])), line, slot);
        batch.Count++;
    }

    /// <summary>
    /// Stores one field (surrounding blanks ignored) in row <paramref name="row"/> of its slot;
    /// false when a numeric slot gets text that is neither a number nor a missing code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryParseField(int slot, ReadOnlySpan<byte> field, ColumnBatch batch, CategoryEncoder?[] encoders, int row)
    {
        var span = Trim(field);
        if (!_numeric[slot])
        {
            batch.Codes[slot]![row] = _missing[slot].IsMissingText(span) ? -1 : encoders[slot]!.Encode(span);
            return true;
        }
        // The common case first: a one-digit flag that is not a missing code.
        if (span.Length == 1 && (uint)(span[0] - '0') <= 9 && DigitSlots[slot])
        {
            batch.Numbers[slot]![row] = span[0] - '0';
            return true;
        }
        var missing = _missing[slot];
        if (missing.IsMissingText(span))
        {
            batch.Numbers[slot]![row] = double.NaN;
            return true;
        }
        if (!NumberParser.TryParse(span, out var value)) return false;
        batch.Numbers[slot]![row] = missing.IsMissingNumber(value) ? double.NaN : value;
        return true;
    }

    private ModaDataException NotANumber(ReadOnlySpan<byte> span, long line, int slot) => new(_path,
        $"'{Encoding.UTF8.GetString(span)}' is not a number (a rule or the design reads this column as numeric; list the code in missingValues if it means missing)",
        line, _columns[slot].Name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && (s[start] == (byte)' ' || s[start] == (byte)'\t')) start++;
        while (end > start && (s[end - 1] == (byte)' ' || s[end - 1] == (byte)'\t' || s[end - 1] == (byte)'\r')) end--;
        return s[start..end];
    }
}
