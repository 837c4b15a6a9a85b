namespace Moda.Data;

/// <summary>
/// Checks a Parquet file's footer (its Thrift compact-encoded FileMetaData) before Parquet.Net
/// reads it: Parquet.Net's Thrift reader loops forever when a damaged footer makes it read past
/// the footer's end (a varint or a field skip at end of stream). Here every field is walked with
/// bounds checks, so a damaged footer is a data error naming the byte offset instead of a hang.
/// </summary>
internal static class ParquetFooter
{
    private const int MaxDepth = 64;

    /// <summary>Throws <see cref="ModaDataException"/> unless the footer is a whole Thrift struct within the file.</summary>
    public static void Check(string path)
    {
        using var input = new BinaryInput(path);
        if (input.Length < 12) throw input.Error("the file is too short to be Parquet (under 12 bytes)", 0);
        input.Position = input.Length - 8;
        var footerLength = input.U32("the footer length");
        if (!input.Bytes(4, "the closing magic").AsSpan().SequenceEqual("PAR1"u8))
            throw input.Error("not a readable Parquet file (no PAR1 at the end)", input.Length - 4);
        if (footerLength == 0 || footerLength > input.Length - 12)
            throw input.Error($"the footer length {footerLength} does not fit the file of {input.Length} bytes", input.Length - 8);
        var start = input.Length - 8 - footerLength;
        input.Position = start;
        var footer = input.Bytes(footerLength, "the footer");
        var pos = 0;
        if (!SkipStruct(footer, ref pos, 0))
            throw input.Error("the Parquet footer (file metadata) is damaged", start + Math.Min(pos, footer.Length));
    }

    // A struct: fields until a stop byte. False when anything runs past the end.
    private static bool SkipStruct(ReadOnlySpan<byte> b, ref int pos, int depth)
    {
        if (depth > MaxDepth) return false;
        while (true)
        {
            if (pos >= b.Length) return false;
            var header = b[pos++];
            var type = header & 0x0F;
            if (type == 0) return true;                      // stop
            if (header >> 4 == 0 && !SkipVarint(b, ref pos)) return false; // long-form field id
            if (!SkipValue(b, ref pos, type, depth)) return false;
        }
    }

    private static bool SkipValue(ReadOnlySpan<byte> b, ref int pos, int type, int depth)
    {
        switch (type)
        {
            case 1 or 2: return true;                                           // bool in the header
            case 3: return ++pos <= b.Length;                                   // byte
            case 4 or 5 or 6: return SkipVarint(b, ref pos);                    // i16, i32, i64
            case 7: return (pos += 8) <= b.Length;                              // double
            case 8:                                                             // binary
                if (!ReadVarint(b, ref pos, out var size) || size > (ulong)(b.Length - pos)) return false;
                pos += (int)size;
                return true;
            case 9 or 10:                                                       // list, set
            {
                if (pos >= b.Length) return false;
                var head = b[pos++];
                ulong count = (ulong)(head >> 4);
                if (count == 15 && !ReadVarint(b, ref pos, out count)) return false;
                var element = head & 0x0F;
                if (count > (ulong)(b.Length - pos)) return false;             // every element takes a byte at least
                for (ulong i = 0; i < count; i++)
                    if (!SkipElement(b, ref pos, element, depth)) return false;
                return true;
            }
            case 11:                                                            // map
            {
                if (!ReadVarint(b, ref pos, out var count)) return false;
                if (count == 0) return true;
                if (pos >= b.Length || count > (ulong)(b.Length - pos)) return false;
                var kinds = b[pos++];
                for (ulong i = 0; i < count; i++)
                    if (!SkipElement(b, ref pos, kinds >> 4, depth) || !SkipElement(b, ref pos, kinds & 0x0F, depth)) return false;
                return true;
            }
            case 12: return SkipStruct(b, ref pos, depth + 1);
            default: return false;
        }
    }

    // An element of a list, set or map: a bool there is a whole byte, not part of a header.
    private static bool SkipElement(ReadOnlySpan<byte> b, ref int pos, int type, int depth) =>
        type is 1 or 2 ? ++pos <= b.Length : SkipValue(b, ref pos, type, depth + 1);

    private static bool SkipVarint(ReadOnlySpan<byte> b, ref int pos) => ReadVarint(b, ref pos, out _);

    private static bool ReadVarint(ReadOnlySpan<byte> b, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (pos >= b.Length) return false;
            var x = b[pos++];
            value |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return true;
        }
        return false;
    }
}
