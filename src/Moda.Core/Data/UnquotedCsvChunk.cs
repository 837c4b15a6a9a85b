using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Data;

/// <summary>
/// The narrow fast path for the common survey export: delimited text without quotes, with LF or
/// CRLF line ends. Separators and line ends are found 32 bytes at a time (16 where 256-bit
/// vectors are not accelerated, e.g. ARM64; one vector compare each, then the set bits in turn),
/// and only the requested fields are parsed. Anything it does
/// not handle — a quote, a bare CR, a record with the wrong number of fields, a cell that is
/// not a number — makes <see cref="TryRead"/> return false, and the caller parses the chunk with
/// CsvHelper, which reads every case and words every error.
/// </summary>
internal static class UnquotedCsvChunk
{
    /// <summary>
    /// Parses every record of <paramref name="text"/> (whole records; the last may lack its line
    /// end) into <paramref name="batch"/> after its current rows; false (batch partly filled)
    /// when CsvHelper must read the chunk instead.
    /// </summary>
    /// <param name="text">The chunk's bytes.</param>
    /// <param name="separator">The field separator (ASCII).</param>
    /// <param name="parser">Stores requested fields that are not lone digits.</param>
    /// <param name="batch">Receives the rows.</param>
    /// <param name="encoders">The batch's category encoders.</param>
    /// <param name="firstLine">The file line of the first record.</param>
    public static bool TryRead(ReadOnlySpan<byte> text, byte separator, CsvRowParser parser, ColumnBatch batch,
                               CategoryEncoder?[] encoders, long firstLine)
    {
        if (text.IndexOf((byte)'"') >= 0) return false;
        var crs = text.Count((byte)'\r');
        if (crs != 0 && crs != text.Count("\r\n"u8)) return false;   // a CR that does not end a line

        // The scan's state lives in locals (registers), not in an object: it changes at every field.
        var slotOfField = parser.SlotOfField;
        var nextSlot = parser.NextSlotOfField;
        var digitSlots = parser.DigitSlots;
        var numbers = batch.Numbers;
        var lines = batch.Lines;
        var capacity = batch.Capacity;
        var lastField = parser.FieldCount - 1;
        int field = 0, fieldStart = 0, row = batch.Count;
        var line = firstLine;

        ref var start = ref MemoryMarshal.GetReference(text);
        var i = 0;
        var vectors = Vector256.IsHardwareAccelerated;
        var narrow = !vectors && Vector128.IsHardwareAccelerated; // ARM64 (AdvSimd), x64 without AVX2
        var separators = Vector256.Create(separator);
        var newlines = Vector256.Create((byte)'\n');
        while (i < text.Length)
        {
            uint bits, lineEnds;
            int width;
            if (vectors && i <= text.Length - Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref start, (nuint)i);
                lineEnds = Vector256.Equals(block, newlines).ExtractMostSignificantBits();
                bits = Vector256.Equals(block, separators).ExtractMostSignificantBits() | lineEnds;
                width = Vector256<byte>.Count;
            }
            else if (narrow && i <= text.Length - Vector128<byte>.Count)
            {
                var block = Vector128.LoadUnsafe(ref start, (nuint)i);
                lineEnds = Vector128.Equals(block, newlines.GetLower()).ExtractMostSignificantBits();
                bits = Vector128.Equals(block, separators.GetLower()).ExtractMostSignificantBits() | lineEnds;
                width = Vector128<byte>.Count;
            }
            else
            {
                var c = text[i];
                lineEnds = c == (byte)'\n' ? 1u : 0u;
                bits = lineEnds | (c == separator ? 1u : 0u);
                width = 1;
            }
            while (bits != 0)
            {
                var bit = BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                var p = i + bit;
                if (((lineEnds >> bit) & 1) == 0)
                {
                    if (field >= lastField || !Field(text, fieldStart, p, slotOfField[field], row, capacity, digitSlots, nextSlot, numbers, parser, batch, encoders))
                        return false;
                    field++;
                }
                else
                {
                    if (field != 0 || !IsBlank(text[fieldStart..p]))   // an empty line is skipped, as CsvHelper does
                    {
                        if (field != lastField || !Field(text, fieldStart, p, slotOfField[field], row, capacity, digitSlots, nextSlot, numbers, parser, batch, encoders))
                            return false;
                        lines[row++] = line;
                    }
                    line++;
                    field = 0;
                }
                fieldStart = p + 1;
            }
            i += width;
        }

        // A last record without its line end.
        if (fieldStart < text.Length || field > 0)
        {
            if (field != lastField || !Field(text, fieldStart, text.Length, slotOfField[field], row, capacity, digitSlots, nextSlot, numbers, parser, batch, encoders))
                return false;
            lines[row++] = line;
        }
        batch.Count = row;
        return true;
    }

    // Stores the field text[from..to] in row `row` of each of its slots (none: -1; more than one
    // when its column is read as two kinds); false when it cannot.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Field(ReadOnlySpan<byte> text, int from, int to, int slot, int row, int capacity, bool[] digitSlots,
                              int[] nextSlot, double[]?[] numbers, CsvRowParser parser, ColumnBatch batch, CategoryEncoder?[] encoders)
    {
        if (row >= capacity) return false;
        for (; slot >= 0; slot = nextSlot[slot])
        {
            // Most cells of a deprivation file: a lone 0/1 digit in a plain numeric column.
            if (to - from == 1 && digitSlots[slot] && (uint)(text[from] - '0') <= 9)
                numbers[slot]![row] = text[from] - '0';
            else if (!parser.TryParseField(slot, text[from..to], batch, encoders, row))
                return false;
        }
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IsEmpty || (line.Length == 1 && line[0] == (byte)'\r');
}
