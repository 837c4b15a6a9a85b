using System.Buffers.Binary;
using System.Text;

namespace Moda.Data;

/// <summary>
/// Sequential reads of a binary file's header records with bounds checks: every read that would
/// pass the end of the file, and every declared length larger than what is left of the file,
/// throws a <see cref="ModaDataException"/> naming the byte offset.
/// </summary>
internal sealed class BinaryInput : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _scratch = new byte[16];

    public BinaryInput(string path)
    {
        Path = path;
        try
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModaDataException(path, $"cannot open the file: {e.Message}");
        }
        Length = _stream.Length;
    }

    public string Path { get; }

    public long Length { get; }

    public bool BigEndian { get; set; }

    public Stream Stream => _stream;

    public long Position
    {
        get => _stream.Position;
        set
        {
            if (value < 0 || value > Length) throw Error($"a section offset {value} lies outside the file ({Length} bytes)", _stream.Position);
            _stream.Position = value;
        }
    }

    public long Remaining => Length - _stream.Position;

    public ModaDataException Error(string message, long offset) =>
        new(Path, $"byte offset {offset}: {message}");

    public ModaDataException Error(string message) => Error(message, _stream.Position);

    public void Read(Span<byte> destination, string what)
    {
        var at = _stream.Position;
        if (destination.Length > Length - at)
            throw Error($"the file ends inside {what} (needs {destination.Length} bytes, {Length - at} left)", at);
        try
        {
            _stream.ReadExactly(destination);
        }
        catch (Exception e) when (e is IOException)
        {
            throw new ModaDataException(Path, $"byte offset {at}: cannot read {what}: {e.Message}", inner: e);
        }
    }

    /// <summary>A block of <paramref name="count"/> bytes, checked against what is left of the file.</summary>
    public byte[] Bytes(long count, string what)
    {
        if (count < 0 || count > Remaining)
            throw Error($"{what} declares {count} bytes, but only {Remaining} are left in the file");
        var b = new byte[count];
        Read(b, what);
        return b;
    }

    public void Skip(long count, string what)
    {
        if (count < 0 || count > Remaining)
            throw Error($"{what} declares {count} bytes, but only {Remaining} are left in the file");
        _stream.Position += count;
    }

    public byte U8(string what)
    {
        Read(_scratch.AsSpan(0, 1), what);
        return _scratch[0];
    }

    public ushort U16(string what)
    {
        Read(_scratch.AsSpan(0, 2), what);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_scratch) : BinaryPrimitives.ReadUInt16LittleEndian(_scratch);
    }

    public uint U32(string what)
    {
        Read(_scratch.AsSpan(0, 4), what);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(_scratch) : BinaryPrimitives.ReadUInt32LittleEndian(_scratch);
    }

    public int I32(string what) => unchecked((int)U32(what));

    public ulong U64(string what)
    {
        Read(_scratch.AsSpan(0, 8), what);
        return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(_scratch) : BinaryPrimitives.ReadUInt64LittleEndian(_scratch);
    }

    public long I64(string what) => unchecked((long)U64(what));

    public double F64(string what) => BitConverter.Int64BitsToDouble(I64(what));

    /// <summary>Expects the ASCII text <paramref name="tag"/> here.</summary>
    public void Expect(string tag)
    {
        var at = _stream.Position;
        Span<byte> b = stackalloc byte[tag.Length];
        Read(b, $"the tag {tag}");
        for (var i = 0; i < tag.Length; i++)
            if (b[i] != tag[i]) throw Error($"expected {tag}, found '{Printable(b)}'", at);
    }

    /// <summary>A fixed-width text field, cut at its first NUL, decoded strictly.</summary>
    public string Text(int width, Encoding encoding, string what)
    {
        var at = _stream.Position;
        Span<byte> b = width <= 512 ? stackalloc byte[width] : new byte[width];
        Read(b, what);
        return Decode(b, encoding, what, at);
    }

    public string Decode(ReadOnlySpan<byte> bytes, Encoding encoding, string what, long at)
    {
        var end = bytes.IndexOf((byte)0);
        if (end >= 0) bytes = bytes[..end];
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error($"{what} is not valid {encoding.WebName} text", at);
        }
    }

    private static string Printable(ReadOnlySpan<byte> b)
    {
        var sb = new StringBuilder();
        foreach (var c in b) sb.Append(c is >= 32 and < 127 ? (char)c : '?');
        return sb.ToString();
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>UTF-8 that throws on invalid bytes.</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    /// <summary>Latin-1 (never invalid).</summary>
    public static readonly Encoding Latin1 = Encoding.Latin1;
}
