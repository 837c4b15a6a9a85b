using System.Globalization;
using System.Text;

namespace Moda.Data.Spss;

/// <summary>One variable of a system file (a very long string already joined from its segments).</summary>
internal sealed class SpssVariable
{
    public required string ShortName { get; init; }
    public string Name { get; set; } = "";
    /// <summary>0 for numeric, else the string width in bytes.</summary>
    public int Width { get; set; }
    public required int Element { get; init; }
    public List<(int Element, int Width)> Segments { get; } = [];
    public byte[]? LabelBytes { get; init; }
    public string? Label { get; set; }
    public double[] MissingValues { get; set; } = [];
    public (double Low, double High)? MissingRange { get; set; }
    public List<byte[]> MissingStringBytes { get; } = [];
    public HashSet<string> MissingStrings { get; } = new(StringComparer.Ordinal);
    public Dictionary<double, string> NumberLabels { get; } = [];
    public Dictionary<string, string> TextLabels { get; } = new(StringComparer.Ordinal);
    public List<ValueLabel> LabelList { get; } = [];
    public bool IsNumeric => Width == 0;

    public bool HasUserMissing => MissingValues.Length > 0 || MissingRange.HasValue;

    public bool IsUserMissing(double v)
    {
        foreach (var m in MissingValues) if (v == m) return true;
        return MissingRange is { } r && v >= r.Low && v <= r.High;
    }

    public string? MissingDescription()
    {
        var parts = MissingValues.Select(Render).ToList();
        if (MissingRange is { } r) parts.Add($"{(r.Low <= -double.MaxValue * 0.999 ? "LO" : Render(r.Low))} thru {(r.High >= double.MaxValue * 0.999 ? "HI" : Render(r.High))}");
        parts.AddRange(MissingStrings.Select(s => $"\"{s}\""));
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static string Render(double v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The dictionary of an SPSS system file (.sav, .zsav): header, variable records, value labels
/// (records 3/4 and 7.21), long names (7.13), very long strings (7.14), encoding (7.20, or the
/// code page of 7.3), case count (7.16), user-missing values of long strings (7.22). Every count
/// and length is checked against what is left of the file.
/// </summary>
internal sealed class SpssDictionary
{
    static SpssDictionary() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public bool BigEndian { get; private set; }
    public int Compression { get; private set; }
    public bool Zlib { get; private set; }
    public int CaseElements { get; private set; }
    public long Cases { get; private set; } = -1;
    public double Bias { get; private set; } = 100;
    public long DataOffset { get; private set; }
    public Encoding Encoding { get; private set; } = null!;
    public string EncodingName { get; private set; } = "";
    public List<SpssVariable> Variables { get; } = [];

    public static SpssDictionary Read(BinaryInput input)
    {
        var d = new SpssDictionary();
        d.ReadAll(input);
        return d;
    }

    private void ReadAll(BinaryInput input)
    {
        if (input.Length < 176) throw input.Error($"the file is too short for an SPSS header ({input.Length} bytes)", 0);
        var magic = input.Text(4, Encoding.ASCII, "the file signature");
        if (magic is not ("$FL2" or "$FL3")) throw input.Error($"not an SPSS system file (signature '{magic}', expected $FL2 or $FL3)", 0);
        input.Skip(60, "the product name");
        input.Position = 64;
        var layout = input.I32("the layout code");
        if (layout is not (2 or 3))
        {
            input.BigEndian = true;
            input.Position = 64;
            layout = input.I32("the layout code");
            if (layout is not (2 or 3)) throw input.Error("the layout code is neither 2 nor 3 in either byte order", 64);
        }
        BigEndian = input.BigEndian;
        var nominal = input.I32("the case size");
        Compression = input.I32("the compression code");
        if (Compression is not (0 or 1 or 2)) throw input.Error($"unknown compression code {Compression}", 72);
        Zlib = Compression == 2;
        if (Zlib != (magic == "$FL3")) throw input.Error($"compression code {Compression} does not fit signature {magic}", 72);
        input.Skip(4, "the weight index");
        Cases = input.I32("the number of cases");
        Bias = input.F64("the compression bias");
        input.Skip(9 + 8 + 64 + 3, "the header");

        var elements = new List<SpssVariable?>(); // one entry per 8-byte element; null for continuations
        var characterCode = 0;
        string? encodingName = null;
        byte[]? longNames = null, veryLong = null;
        var longLabels = new List<(byte[] Data, long At)>();
        var longMissing = new List<(byte[] Data, long At)>();
        var labelSets = new List<(List<(byte[] Value, byte[] Label)> Labels, int[] Indexes, long At)>();

        while (true)
        {
            var at = input.Position;
            var type = input.I32("a dictionary record");
            switch (type)
            {
                case 2:
                    ReadVariable(input, elements, at);
                    break;
                case 3:
                    labelSets.Add(ReadValueLabels(input, elements.Count, at));
                    break;
                case 4:
                    throw input.Error("a variable index record (type 4) without value labels before it", at);
                case 6:
                    var lines = input.I32("a document record");
                    if (lines < 0 || 80L * lines > input.Remaining) throw input.Error($"a document record declares {lines} lines, more than the file holds", at);
                    input.Skip(80L * lines, "a document record");
                    break;
                case 7:
                    var subtype = input.I32("an extension record");
                    var size = input.I32("an extension record");
                    var count = input.I32("an extension record");
                    var bytes = (long)size * count;
                    if (size < 0 || count < 0 || bytes > input.Remaining)
                        throw input.Error($"extension record 7.{subtype} declares {count} items of {size} bytes, more than the {input.Remaining} bytes left", at);
                    var dataAt = input.Position;
                    switch (subtype)
                    {
                        case 3 when size == 4 && count >= 8:
                            var info = input.Bytes(bytes, "record 7.3");
                            characterCode = BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(info.AsSpan(28)) : BitConverter.ToInt32(info, 28);
                            break;
                        case 13:
                            longNames = input.Bytes(bytes, "the long variable names (7.13)");
                            break;
                        case 14:
                            veryLong = input.Bytes(bytes, "the very long strings (7.14)");
                            break;
                        case 16 when size == 8 && count == 2:
                            input.Skip(8, "record 7.16");
                            var n = input.I64("the case count (7.16)");
                            if (n >= 0) Cases = n;
                            break;
                        case 20:
                            encodingName = Encoding.ASCII.GetString(input.Bytes(bytes, "the character encoding (7.20)")).TrimEnd('\0', ' ');
                            break;
                        case 21:
                            longLabels.Add((input.Bytes(bytes, "the long string value labels (7.21)"), dataAt));
                            break;
                        case 22:
                            longMissing.Add((input.Bytes(bytes, "the long string missing values (7.22)"), dataAt));
                            break;
                        default:
                            input.Skip(bytes, $"extension record 7.{subtype}");
                            break;
                    }
                    break;
                case 999:
                    input.Skip(4, "the dictionary end");
                    DataOffset = input.Position;
                    goto done;
                default:
                    throw input.Error($"unknown record type {type}", at);
            }
        }
    done:
        CaseElements = elements.Count;
        if (nominal != -1 && nominal != elements.Count && !Zlib && Compression == 0)
            throw input.Error($"the header declares {nominal} elements per case, the variable records {elements.Count}", 68);
        if (Variables.Count == 0) throw input.Error("the file has no variables", 64);
        foreach (var v in Variables)
        {
            // A string of width w spans (w + 7) / 8 elements: its record and w / 8 continuations.
            var span = Math.Max(1, (v.Width + 7) / 8);
            for (var e = v.Element + 1; e < v.Element + span; e++)
                if (e >= elements.Count || elements[e] is not null)
                    throw input.Error($"string variable {v.ShortName} of width {v.Width} needs {span - 1} continuation records after it", 176);
        }

        (Encoding, EncodingName) = ChooseEncoding(input, encodingName, characterCode);
        foreach (var v in Variables)
        {
            v.Name = v.ShortName;
            if (v.LabelBytes is { } lb) v.Label = input.Decode(lb, Encoding, $"the label of variable {v.ShortName}", 0);
            foreach (var m in v.MissingStringBytes) v.MissingStrings.Add(input.Decode(m, Encoding, "a missing value", 0).TrimEnd(' '));
        }
        if (longNames is not null) ApplyLongNames(input, longNames);
        if (veryLong is not null) JoinVeryLongStrings(input, veryLong);
        foreach (var (labels, indexes, at) in labelSets) AttachLabels(input, labels, indexes, elements, at);
        foreach (var (data, at) in longLabels) ReadLongStringLabels(input, data, at);
        foreach (var (data, at) in longMissing) ReadLongStringMissing(input, data, at);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in Variables)
            if (!seen.Add(v.Name)) throw input.Error($"two variables are named '{v.Name}'", 176);
    }

    private void ReadVariable(BinaryInput input, List<SpssVariable?> elements, long at)
    {
        var width = input.I32("a variable record");
        var hasLabel = input.I32("a variable record");
        var missingCount = input.I32("a variable record");
        input.Skip(8, "a variable record");
        var nameBytes = input.Bytes(8, "a variable name");
        byte[]? label = null;
        if (hasLabel == 1)
        {
            var len = input.I32("a variable label length");
            if (len < 0 || len > input.Remaining) throw input.Error($"a variable label declares {len} bytes", at);
            label = input.Bytes(len, "a variable label");
            input.Skip((4 - len % 4) % 4, "a variable label");
        }
        else if (hasLabel != 0) throw input.Error($"a variable record has label flag {hasLabel} (0 or 1 expected)", at);
        if (missingCount is < -3 or > 3 or -1) throw input.Error($"a variable record declares {missingCount} missing values", at);
        var missing = new double[Math.Abs(missingCount)];
        var missingRaw = new List<byte[]>();
        for (var i = 0; i < missing.Length; i++)
        {
            var raw = input.Bytes(8, "a missing value");
            missingRaw.Add(raw);
            missing[i] = BitConverter.Int64BitsToDouble(BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(raw) : BitConverter.ToInt64(raw));
        }
        if (width == -1)
        {
            if (elements.Count == 0 || Variables.Count == 0) throw input.Error("a continuation record with no string before it", at);
            elements.Add(null);
            return;
        }
        if (width is < 0 or > 255) throw input.Error($"a variable has width {width} (0-255 expected)", at);
        var name = Encoding.Latin1.GetString(nameBytes).TrimEnd(' ', '\0');
        var v = new SpssVariable { ShortName = name, Width = width, Element = elements.Count, LabelBytes = label };
        v.Segments.Add((elements.Count, width));
        if (width == 0)
        {
            if (missingCount > 0) v.MissingValues = missing;
            else if (missingCount < 0)
            {
                v.MissingRange = (missing[0], missing[1]);
                v.MissingValues = missingCount == -3 ? [missing[2]] : [];
            }
        }
        else
        {
            if (missingCount < 0) throw input.Error($"string variable {name} declares a missing-value range", at);
            v.MissingStringBytes.AddRange(missingRaw);
        }
        Variables.Add(v);
        elements.Add(v);
    }

    private (List<(byte[], byte[])>, int[], long) ReadValueLabels(BinaryInput input, int elementCount, long at)
    {
        var count = input.I32("a value label record");
        if (count < 0 || count * 9L > input.Remaining) throw input.Error($"a value label record declares {count} labels, more than the file holds", at);
        var labels = new List<(byte[], byte[])>(count);
        for (var i = 0; i < count; i++)
        {
            var value = input.Bytes(8, "a labelled value");
            int len = input.U8("a value label length");
            var text = input.Bytes(len, "a value label");
            input.Skip((8 - (len + 1) % 8) % 8, "a value label");
            labels.Add((value, text));
        }
        var at4 = input.Position;
        if (input.I32("the variable index record after value labels") != 4)
            throw input.Error("a value label record (type 3) must be followed by a variable index record (type 4)", at4);
        var n = input.I32("a variable index record");
        if (n < 1 || n > elementCount) throw input.Error($"a variable index record lists {n} variables; the file has {elementCount} elements", at4);
        var indexes = new int[n];
        for (var i = 0; i < n; i++) indexes[i] = input.I32("a variable index");
        return (labels, indexes, at4);
    }

    private void AttachLabels(BinaryInput input, List<(byte[] Value, byte[] Label)> labels, int[] indexes, List<SpssVariable?> elements, long at)
    {
        foreach (var index in indexes)
        {
            if (index < 1 || index > elements.Count || elements[index - 1] is not { } v)
                throw input.Error($"value labels name dictionary index {index}, which is not a variable", at);
            foreach (var (value, labelBytes) in labels)
            {
                var label = input.Decode(labelBytes, Encoding, $"a value label of {v.Name}", at).TrimEnd(' ');
                if (v.IsNumeric)
                {
                    var code = BitConverter.Int64BitsToDouble(BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(value) : BitConverter.ToInt64(value));
                    if (v.NumberLabels.TryAdd(code, label)) v.LabelList.Add(ValueLabel.Numeric(code, label));
                }
                else
                {
                    var text = input.Decode(value, Encoding, $"a labelled value of {v.Name}", at).TrimEnd(' ');
                    if (v.TextLabels.TryAdd(text, label)) v.LabelList.Add(new ValueLabel(text, label, null));
                }
            }
        }
    }

    private static (Encoding, string) ChooseEncoding(BinaryInput input, string? name, int codePage)
    {
        try
        {
            if (name is { Length: > 0 })
            {
                var e = Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
                return (e.CodePage == 65001 ? BinaryInput.StrictUtf8 : e, name);
            }
            return codePage switch
            {
                65001 => (BinaryInput.StrictUtf8, "UTF-8"),
                > 3 => (Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), $"code page {codePage}"),
                _ => (Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), "windows-1252 (assumed)"),
            };
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw input.Error($"unknown character encoding '{name ?? codePage.ToString(CultureInfo.InvariantCulture)}'", 0);
        }
    }

    private void ApplyLongNames(BinaryInput input, byte[] data)
    {
        var text = input.Decode(data, Encoding, "the long variable names (7.13)", 0);
        foreach (var pair in text.Split('\t', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) continue;
            var shortName = pair[..eq];
            var v = Variables.FirstOrDefault(x => x.ShortName.Equals(shortName, StringComparison.OrdinalIgnoreCase));
            if (v is not null) v.Name = pair[(eq + 1)..].TrimEnd('\0');
        }
    }

    // 7.14: SHORT=WIDTH pairs (width in 5 digits), each ended by NUL and tab. The variable named is
    // the first segment; the next (width + 251) / 252 - 1 variables are its other segments.
    private void JoinVeryLongStrings(BinaryInput input, byte[] data)
    {
        var text = input.Decode(data, Encoding, "the very long strings (7.14)", 0);
        foreach (var pair in text.Split(['\t', '\0'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) continue;
            var shortName = pair[..eq];
            if (!int.TryParse(pair.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width < 256 || width > 32767)
                throw input.Error($"the very long string record gives '{shortName}' an invalid width '{pair[(eq + 1)..]}'", 0);
            var first = Variables.FindIndex(x => x.ShortName.Equals(shortName, StringComparison.OrdinalIgnoreCase));
            if (first < 0) continue;
            var segments = (width + 251) / 252;
            if (first + segments > Variables.Count)
                throw input.Error($"very long string '{shortName}' of width {width} needs {segments} segments, but only {Variables.Count - first} variables follow", 0);
            var v = Variables[first];
            for (var s = 1; s < segments; s++) v.Segments.Add((Variables[first + s].Element, Variables[first + s].Width));
            if (v.Segments.Any(s => s.Width == 0)) throw input.Error($"very long string '{shortName}' has a numeric segment", 0);
            v.Width = width;
            Variables.RemoveRange(first + 1, segments - 1);
        }
    }

    // 7.21: per variable: name length, name, width, label count, then (value length, value, label length, label).
    private void ReadLongStringLabels(BinaryInput input, byte[] data, long at)
    {
        var r = new RecordReader(data, BigEndian, input, at, "long string value labels (7.21)");
        while (!r.AtEnd)
        {
            var name = r.Text(r.Int(), Encoding);
            r.Int(); // width
            var count = r.Int();
            var v = Variables.FirstOrDefault(x => x.Name == name || x.ShortName == name);
            for (var i = 0; i < count; i++)
            {
                var value = r.Text(r.Int(), Encoding).TrimEnd(' ');
                var label = r.Text(r.Int(), Encoding).TrimEnd(' ');
                if (v is { IsNumeric: false } && v.TextLabels.TryAdd(value, label)) v.LabelList.Add(new ValueLabel(value, label, null));
            }
        }
    }

    // 7.22: per variable: name length, name, count (1 byte), value length (8), values.
    private void ReadLongStringMissing(BinaryInput input, byte[] data, long at)
    {
        var r = new RecordReader(data, BigEndian, input, at, "long string missing values (7.22)");
        while (!r.AtEnd)
        {
            var name = r.Text(r.Int(), Encoding);
            var count = r.Byte();
            var length = r.Int();
            var v = Variables.FirstOrDefault(x => x.Name == name || x.ShortName == name);
            for (var i = 0; i < count; i++)
            {
                var value = r.Text(length, Encoding).TrimEnd(' ');
                v?.MissingStrings.Add(value);
            }
        }
    }

    private sealed class RecordReader(byte[] data, bool big, BinaryInput input, long at, string what)
    {
        private int _pos;
        public bool AtEnd => _pos >= data.Length;

        public int Int()
        {
            Need(4);
            var v = big ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(_pos)) : BitConverter.ToInt32(data, _pos);
            _pos += 4;
            return v;
        }

        public byte Byte()
        {
            Need(1);
            return data[_pos++];
        }

        public string Text(int length, Encoding encoding)
        {
            Need(length);
            var s = input.Decode(data.AsSpan(_pos, length), encoding, what, at + _pos);
            _pos += length;
            return s;
        }

        private void Need(long n)
        {
            if (n < 0 || _pos + n > data.Length) throw input.Error($"{what}: an item at byte {_pos} of the record declares {n} bytes, past the record's end ({data.Length} bytes)", at + _pos);
        }
    }
}
