using System.Text;

namespace Moda.Data.Stata;

/// <summary>Storage types of Stata variables.</summary>
internal enum StataType : byte { Byte, Int, Long, Float, Double, Str, StrL }

/// <summary>One variable of a .dta file.</summary>
internal sealed record StataVariable(string Name, StataType Type, int Width, int Offset, string Format, string LabelName, string Label)
{
    public string StorageName => Type switch
    {
        StataType.Str => $"str{Width}",
        StataType.StrL => "strL",
        _ => Type.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// The header, variable descriptors and value labels of a Stata .dta file (formats 113-115 with a
/// binary header, 117-119 with tags and a map), read and checked against the file size. The data
/// are not read here.
/// </summary>
internal sealed class StataDictionary
{
    public int Version { get; private set; }
    public bool BigEndian { get; private set; }
    public long Observations { get; private set; }
    public long DataOffset { get; private set; }
    public int RecordWidth { get; private set; }
    public long StrlsOffset { get; private set; } = -1;
    public long StrlsEnd { get; private set; } = -1;
    public string DataLabel { get; private set; } = "";
    public List<StataVariable> Variables { get; } = [];
    public Dictionary<string, Dictionary<double, string>> ValueLabels { get; } = new(StringComparer.Ordinal);
    public Encoding Encoding => Version >= 118 ? BinaryInput.StrictUtf8 : BinaryInput.Latin1;

    public static StataDictionary Read(BinaryInput input)
    {
        var d = new StataDictionary();
        if (input.Length < 1) throw input.Error("the file is empty", 0);
        var first = input.U8("the format byte");
        input.Position = 0;
        if (first == (byte)'<') d.ReadTagged(input);
        else if (first is 113 or 114 or 115) d.ReadBinary(input, first);
        else throw input.Error(first is >= 102 and <= 112
            ? $"Stata format {first} is too old; formats 113-115 and 117-119 are read (save it again with Stata 8 or later)"
            : "not a Stata .dta file (unknown format byte)", 0);
        return d;
    }

    // ---------------------------------------------------------------- formats 113, 114, 115
    private void ReadBinary(BinaryInput input, byte version)
    {
        Version = version;
        input.Skip(1, "the header");
        var order = input.U8("the byte order");
        if (order is not (1 or 2)) throw input.Error($"byte order must be 1 (HILO) or 2 (LOHI), not {order}", 1);
        BigEndian = order == 1;
        input.BigEndian = BigEndian;
        input.Skip(2, "the header");
        int k = input.U16("the number of variables");
        Observations = input.U32("the number of observations");
        DataLabel = input.Text(81, Encoding, "the data label");
        input.Skip(18, "the time stamp");
        // typlist, varlist, srtlist, fmtlist, lbllist, variable labels
        var fmtWidth = version == 113 ? 12 : 49;
        var perVariable = 1 + 33 + 2 + fmtWidth + 33 + 81;
        if ((long)k * perVariable > input.Remaining)
            throw input.Error($"the header declares {k} variables, more than the file can hold");
        var types = input.Bytes(k, "the variable types");
        var names = ReadTexts(input, k, 33, "variable names");
        input.Skip(2L * (k + 1), "the sort list");
        var formats = ReadTexts(input, k, fmtWidth, "display formats");
        var labelNames = ReadTexts(input, k, 33, "value-label names");
        var labels = ReadTexts(input, k, 81, "variable labels");
        // Expansion fields: type byte, int32 length, contents; ended by type 0, length 0.
        while (true)
        {
            var at = input.Position;
            var type = input.U8("an expansion field");
            var len = input.I32("an expansion field");
            if (type == 0 && len == 0) break;
            if (len < 0) throw input.Error($"an expansion field declares a negative length {len}", at);
            input.Skip(len, "an expansion field");
        }
        var offset = 0;
        for (var i = 0; i < k; i++)
        {
            var t = types[i];
            var (type, width) = t switch
            {
                251 => (StataType.Byte, 1),
                252 => (StataType.Int, 2),
                253 => (StataType.Long, 4),
                254 => (StataType.Float, 4),
                255 => (StataType.Double, 8),
                >= 1 and <= 244 => (StataType.Str, (int)t),
                _ => throw input.Error($"variable '{names[i]}' has an unknown type code {t}", 109 + i),
            };
            Variables.Add(new StataVariable(names[i], type, width, offset, formats[i], labelNames[i], labels[i]));
            offset += width;
        }
        RecordWidth = offset;
        DataOffset = input.Position;
        CheckData(input, input.Length);
        input.Position = DataOffset + Observations * RecordWidth;
        while (input.Remaining > 0) ReadLabelTable(input, 33, null);
    }

    // ---------------------------------------------------------------- formats 117, 118, 119
    private void ReadTagged(BinaryInput input)
    {
        input.Expect("<stata_dta><header><release>");
        var release = input.Text(3, Encoding.ASCII, "the release");
        Version = release switch
        {
            "117" => 117,
            "118" => 118,
            "119" => 119,
            _ => throw input.Error($"Stata release '{release}' is not read; formats 113-115 and 117-119 are", 28),
        };
        input.Expect("</release><byteorder>");
        var order = input.Text(3, Encoding.ASCII, "the byte order");
        BigEndian = order switch
        {
            "MSF" => true,
            "LSF" => false,
            _ => throw input.Error($"byte order must be MSF or LSF, not '{order}'"),
        };
        input.BigEndian = BigEndian;
        input.Expect("</byteorder><K>");
        long k = Version == 119 ? input.U32("the number of variables") : input.U16("the number of variables");
        input.Expect("</K><N>");
        Observations = Version == 117 ? input.U32("the number of observations") : (long)Math.Min(input.U64("the number of observations"), long.MaxValue);
        input.Expect("</N><label>");
        int labelLength = Version == 117 ? input.U8("the data label length") : input.U16("the data label length");
        DataLabel = input.Decode(input.Bytes(labelLength, "the data label"), Encoding, "the data label", input.Position - labelLength);
        input.Expect("</label><timestamp>");
        int stampLength = input.U8("the time stamp length");
        input.Skip(stampLength, "the time stamp");
        input.Expect("</timestamp></header>");
        input.Expect("<map>");
        var map = new long[14];
        for (var i = 0; i < 14; i++)
        {
            var at = input.Position;
            var v = input.U64("the map");
            if (v > (ulong)input.Length) throw input.Error($"map entry {i} points to byte {v}, past the end of the file ({input.Length} bytes)", at);
            map[i] = (long)v;
        }
        input.Expect("</map>");

        var nameWidth = Version == 117 ? 33 : 129;
        var fmtWidth = Version == 117 ? 49 : 57;
        var labelWidth = Version == 117 ? 81 : 321;
        if (k * (2 + nameWidth + fmtWidth + nameWidth + labelWidth) > input.Length)
            throw input.Error($"the header declares {k} variables, more than the file can hold");

        input.Position = map[2];
        input.Expect("<variable_types>");
        var types = new ushort[k];
        for (var i = 0; i < k; i++) types[i] = input.U16("the variable types");
        input.Expect("</variable_types>");
        input.Position = map[3];
        input.Expect("<varnames>");
        var names = ReadTexts(input, (int)k, nameWidth, "variable names");
        input.Expect("</varnames>");
        input.Position = map[5];
        input.Expect("<formats>");
        var formats = ReadTexts(input, (int)k, fmtWidth, "display formats");
        input.Expect("</formats>");
        input.Position = map[6];
        input.Expect("<value_label_names>");
        var labelNames = ReadTexts(input, (int)k, nameWidth, "value-label names");
        input.Expect("</value_label_names>");
        input.Position = map[7];
        input.Expect("<variable_labels>");
        var labels = ReadTexts(input, (int)k, labelWidth, "variable labels");
        input.Expect("</variable_labels>");

        var offset = 0;
        for (var i = 0; i < k; i++)
        {
            var t = types[i];
            var (type, width) = t switch
            {
                65530 => (StataType.Byte, 1),
                65529 => (StataType.Int, 2),
                65528 => (StataType.Long, 4),
                65527 => (StataType.Float, 4),
                65526 => (StataType.Double, 8),
                32768 => (StataType.StrL, 8),
                >= 1 and <= 2045 => (StataType.Str, (int)t),
                _ => throw input.Error($"variable '{names[i]}' has an unknown type code {t}", map[2] + 16 + 2 * i),
            };
            Variables.Add(new StataVariable(names[i], type, width, offset, formats[i], labelNames[i], labels[i]));
            offset += width;
        }
        RecordWidth = offset;

        input.Position = map[9];
        input.Expect("<data>");
        DataOffset = input.Position;
        CheckData(input, map[10]);
        input.Position = DataOffset + Observations * RecordWidth;
        input.Expect("</data>");

        input.Position = map[10];
        input.Expect("<strls>");
        StrlsOffset = input.Position;
        StrlsEnd = map[11];

        input.Position = map[11];
        input.Expect("<value_labels>");
        while (true)
        {
            var at = input.Position;
            var tag = input.Text(5, Encoding.ASCII, "the value labels");
            if (tag == "</val") break;
            if (tag != "<lbl>") throw input.Error($"expected <lbl> or </value_labels>, found '{tag}'", at);
            ReadLabelTable(input, nameWidth, "</lbl>");
        }
    }

    private void CheckData(BinaryInput input, long end)
    {
        var room = end - DataOffset;
        if (RecordWidth == 0 ? Observations > 0 && room < 0 : Observations > room / RecordWidth)
            throw input.Error($"the header declares {Observations} observations of {RecordWidth} bytes, but the data section has room for {(RecordWidth == 0 ? 0 : room / RecordWidth)}", DataOffset);
    }

    // One value-label table: int32 length, name, 3 bytes padding, then n, txtlen, off[n], val[n], txt.
    private void ReadLabelTable(BinaryInput input, int nameWidth, string? closing)
    {
        var start = input.Position;
        var length = input.I32("a value-label table");
        var name = input.Text(nameWidth, Encoding, "a value-label name");
        input.Skip(3, "a value-label table");
        if (length < 8 || length > input.Remaining)
            throw input.Error($"value-label table '{name}' declares {length} bytes, but {input.Remaining} are left", start);
        var tableAt = input.Position;
        var n = input.I32("a value-label table");
        var textLength = input.I32("a value-label table");
        if (n < 0 || textLength < 0 || 8L + 8L * n + textLength != length)
            throw input.Error($"value-label table '{name}' has inconsistent counts ({n} labels, {textLength} bytes of text, {length} bytes in all)", tableAt);
        var offsets = new int[n];
        var values = new int[n];
        for (var i = 0; i < n; i++) offsets[i] = input.I32("value-label offsets");
        for (var i = 0; i < n; i++) values[i] = input.I32("value-label values");
        var textAt = input.Position;
        var text = input.Bytes(textLength, "value-label text");
        var table = ValueLabels.TryGetValue(name, out var existing) ? existing : ValueLabels[name] = [];
        for (var i = 0; i < n; i++)
        {
            if (offsets[i] < 0 || offsets[i] >= textLength)
                throw input.Error($"value-label table '{name}': label {i} starts at {offsets[i]}, outside its {textLength} bytes of text", tableAt + 8 + 4L * i);
            table[values[i]] = input.Decode(text.AsSpan(offsets[i]), Encoding, $"value label {values[i]} of '{name}'", textAt + offsets[i]);
        }
        if (closing is not null) input.Expect(closing);
    }

    private string[] ReadTexts(BinaryInput input, int count, int width, string what)
    {
        var result = new string[count];
        var buffer = new byte[width];
        for (var i = 0; i < count; i++)
        {
            var at = input.Position;
            input.Read(buffer, what);
            result[i] = input.Decode(buffer, Encoding, what, at);
        }
        return result;
    }
}
