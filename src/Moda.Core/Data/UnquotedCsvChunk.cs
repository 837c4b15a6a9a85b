using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Data;

/// <summary>
/// The narrow fast path for the common survey export: delimited text without quotes, with LF or
/// CRLF line ends. Separators and line ends are found 32 bytes at a time (16 where 256-bit
/// vectors are not accelerated, e.g. ARM64; one vector compare each, then the set bits in turn),
/// and only the requested fields are parsed: lone digits as they are met, the other cells of a
/// block of rows after it is scanned. Anything it does
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
    /// <param name="blockRows">Rows scanned before their other cells are parsed (tests take a few).</param>
    public static bool TryRead(ReadOnlySpan<byte> text, byte separator, CsvRowParser parser, ColumnBatch batch,
                               CategoryEncoder?[] encoders, long firstLine, int blockRows = BlockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        if (text.IndexOf((byte)'"') >= 0) return false;
        var crs = text.Count((byte)'\r');
        if (crs != 0 && crs != text.Count("\r\n"u8)) return false;   // a CR that does not end a line

        // Two phases a block of rows at a time: the scan stores the lone digits (most cells of a
        // deprivation file) and notes where every other requested cell lies (a slot at most once
        // a row); then those cells are parsed in the order noted, so each column's categories are
        // coded in order of first appearance, as a row-by-row parse codes them. The scan makes no
        // calls, so fewer of its locals are kept on the stack, and a block's notes stay in cache
        // (1M rows on one thread: 102 → 92 ms; with digits stored by field, below, 82 ms).
        var slotOfField = parser.SlotOfField;
        var nextSlot = parser.NextSlotOfField;
        // Per field: the column a lone digit goes to when the field fills one slot that takes them.
        var digits = new double[]?[slotOfField.Length];
        for (var f = 0; f < digits.Length; f++)
            if (slotOfField[f] is var s and >= 0 && nextSlot[s] < 0 && parser.DigitSlots[s]) digits[f] = batch.Numbers[s];
        var notes = ArrayPool<int>.Shared.Rent(blockRows * Math.Max(1, batch.Requests.Count) * 4);
        try
        {
            var scan = new ScanState { Line = firstLine, Row = batch.Count };
            while (!scan.Done)
            {
                var noted = Scan(text, separator, parser, batch, digits, blockRows, ref scan, notes);
                if (noted < 0 || !ParseNoted(text, parser, batch, encoders, notes, noted)) return false;
            }
            batch.Count = scan.Row;
            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(notes);
        }
    }

    // Rows a scan takes before its noted cells are parsed: their notes (64 KB a requested column)
    // stay in cache.
    private const int BlockRows = 4096;

    // Where a scan stopped: the start of the next record, its line and row; Done once the text
    // is read to its end.
    private struct ScanState
    {
        public int Position;
        public long Line;
        public int Row;
        public bool Done;
    }

    // Scans whole records from state.Position until `blockRows` more rows are read or the text
    // ends: lone digits are stored, other requested cells noted as (slot, row, start, length).
    // Returns the ints noted, or -1 when the fast path cannot read the text.
    private static int Scan(ReadOnlySpan<byte> text, byte separator, CsvRowParser parser, ColumnBatch batch, double[]?[] digits, int blockRows,
                            ref ScanState state, int[] notes)
    {
        var slotOfField = parser.SlotOfField;
        var nextSlot = parser.NextSlotOfField;
        var lines = batch.Lines;
        var capacity = batch.Capacity;
        var lastField = parser.FieldCount - 1;
        int field = 0, fieldStart = state.Position, row = state.Row, noted = 0;
        var stop = Math.Min(capacity, row + blockRows);
        var line = state.Line;

        ref var start = ref MemoryMarshal.GetReference(text);
        var i = state.Position;
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
                    if (field >= lastField || !Take(text, fieldStart, p, field, row, capacity, digits, slotOfField, nextSlot, notes, ref noted))
                        return -1;
                    field++;
                }
                else
                {
                    if (field != 0 || !IsBlank(text[fieldStart..p]))   // an empty line is skipped, as CsvHelper does
                    {
                        if (field != lastField || !Take(text, fieldStart, p, field, row, capacity, digits, slotOfField, nextSlot, notes, ref noted))
                            return -1;
                        lines[row++] = line;
                    }
                    line++;
                    field = 0;
                    if (row == stop)
                    {
                        state = new ScanState { Position = p + 1, Line = line, Row = row, Done = p + 1 >= text.Length };
                        return noted;
                    }
                }
                fieldStart = p + 1;
            }
            i += width;
        }

        // A last record without its line end.
        if (fieldStart < text.Length || field > 0)
        {
            if (field != lastField || !Take(text, fieldStart, text.Length, field, row, capacity, digits, slotOfField, nextSlot, notes, ref noted))
                return -1;
            lines[row++] = line;
        }
        state = new ScanState { Position = text.Length, Line = line, Row = row, Done = true };
        return noted;
    }

    // The cell text[from..to] of field `field` in row `row`: a lone digit stored where the field
    // has a digit column, else noted for each of its slots (none: -1; more than one when its
    // column is read as two kinds); false when the batch is full.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Take(ReadOnlySpan<byte> text, int from, int to, int field, int row, int capacity, double[]?[] digits,
                             int[] slotOfField, int[] nextSlot, int[] notes, ref int noted)
    {
        if (row >= capacity) return false;
        // Most cells of a deprivation file: a lone 0/1 digit in a plain numeric column.
        if (digits[field] is { } column && to - from == 1 && (uint)(text[from] - '0') <= 9)
        {
            column[row] = text[from] - '0';
            return true;
        }
        for (var slot = slotOfField[field]; slot >= 0; slot = nextSlot[slot])
        {
            notes[noted] = slot;
            notes[noted + 1] = row;
            notes[noted + 2] = from;
            notes[noted + 3] = to - from;
            noted += 4;
        }
        return true;
    }

    // The noted cells; false when one is not what its slot reads.
    private static bool ParseNoted(ReadOnlySpan<byte> text, CsvRowParser parser, ColumnBatch batch, CategoryEncoder?[] encoders, int[] notes, int noted)
    {
        for (var n = 0; n < noted; n += 4)
            if (!parser.TryParseField(notes[n], text.Slice(notes[n + 2], notes[n + 3]), batch, encoders, notes[n + 1])) return false;
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IsEmpty || (line.Length == 1 && line[0] == (byte)'\r');
}
