using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Data;

/// <summary>
/// The narrow fast path for the common survey export: delimited text without quotes, with LF or
/// CRLF line ends. Separators and line ends are found 32 bytes at a time (one vector compare
/// each, then the set bits in turn), and only the requested fields are parsed. Anything it does
/// not handle — a quote, a bare CR, a record with the wrong number of fields, a cell that is
/// not a number — makes <see cref="TryRead"/> return false, and the caller parses the chunk with
/// CsvHelper, which reads every case and words every error.
/// </summary>
internal ref struct UnquotedCsvChunk
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly byte _separator;
    private readonly CsvRowParser _parser;
    private readonly ColumnBatch _batch;
    private readonly CategoryEncoder?[] _encoders;
    private readonly int[] _slotOfField;
    private readonly bool[] _digitSlots;
    private readonly double[]?[] _numbers;
    private long _line;       // line of the current record
    private int _row;         // batch row of the current record
    private int _field;       // index of the current field in its record
    private int _fieldStart;  // offset of the current field

    /// <param name="text">Whole records (the last may lack its line end).</param>
    /// <param name="separator">The field separator (ASCII).</param>
    /// <param name="parser">Stores requested fields.</param>
    /// <param name="batch">Receives the rows after its current ones.</param>
    /// <param name="encoders">The batch's category encoders.</param>
    /// <param name="firstLine">The file line of the first record.</param>
    public UnquotedCsvChunk(ReadOnlySpan<byte> text, byte separator, CsvRowParser parser, ColumnBatch batch,
                            CategoryEncoder?[] encoders, long firstLine)
    {
        _text = text;
        _separator = separator;
        _parser = parser;
        _batch = batch;
        _encoders = encoders;
        _slotOfField = parser.SlotOfField;
        _digitSlots = parser.DigitSlots;
        _numbers = batch.Numbers;
        _line = firstLine;
        _row = batch.Count;
    }

    /// <summary>Parses every record into the batch; false (batch partly filled) when CsvHelper must.</summary>
    public bool TryRead()
    {
        var text = _text;
        if (text.IndexOf((byte)'"') >= 0) return false;
        var crs = text.Count((byte)'\r');
        if (crs != 0 && crs != text.Count("\r\n"u8)) return false;   // a CR that does not end a line

        ref var start = ref MemoryMarshal.GetReference(text);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var separators = Vector256.Create(_separator);
            var newlines = Vector256.Create((byte)'\n');
            for (; i <= text.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref start, (nuint)i);
                var lineEnds = Vector256.Equals(block, newlines).ExtractMostSignificantBits();
                var bits = Vector256.Equals(block, separators).ExtractMostSignificantBits() | lineEnds;
                while (bits != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(bits);
                    var p = i + bit;
                    if (((lineEnds >> bit) & 1) != 0 ? !EndRecord(p) : !EndField(p)) return false;
                    bits &= bits - 1;
                }
            }
        }
        for (; i < text.Length; i++)
            if (text[i] == (byte)'\n' ? !EndRecord(i) : text[i] == _separator && !EndField(i)) return false;

        // A last record without its line end.
        if ((_fieldStart < text.Length || _field > 0) && !EndRecord(text.Length)) return false;
        _batch.Count = _row;
        return true;
    }

    // A separator at offset p closes the current field.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool EndField(int p)
    {
        if (!Field(p)) return false;
        _field++;
        _fieldStart = p + 1;
        return true;
    }

    private bool EndRecord(int p)
    {
        if (_field == 0 && IsBlank(_text[_fieldStart..p]))
        {
            // An empty line: skipped, as CsvHelper does (SkipEmptyLines).
        }
        else
        {
            if (_field != _parser.FieldCount - 1 || !Field(p)) return false;
            _batch.Lines[_row] = _line;
            _row++;
        }
        _line++;
        _field = 0;
        _fieldStart = p + 1;
        return true;
    }

    // Stores the current field (ending at p) if a column asks for it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool Field(int p)
    {
        if ((uint)_field >= (uint)_slotOfField.Length || _row >= _batch.Capacity) return false;
        var slot = _slotOfField[_field];
        if (slot < 0) return true;
        // Most cells of a deprivation file: a lone 0/1 digit in a plain numeric column.
        if (p - _fieldStart == 1 && _digitSlots[slot])
        {
            var d = (uint)(_text[_fieldStart] - '0');
            if (d <= 9)
            {
                _numbers[slot]![_row] = d;
                return true;
            }
        }
        return _parser.TryParseField(slot, _text[_fieldStart..p], _batch, _encoders, _row);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IsEmpty || (line.Length == 1 && line[0] == (byte)'\r');
}
