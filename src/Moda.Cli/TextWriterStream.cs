using System.Text;

namespace Moda.Cli;

/// <summary>
/// A write-only stream of UTF-8 bytes decoded onto a <see cref="TextWriter"/> as they come (a
/// sequence split between two writes is joined by the decoder), so results go to standard
/// output without being held whole in memory first.
/// </summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[4096];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // A bound, not a count (no second pass over the bytes): the bytes and the up to three of a
        // sequence begun in the last write.
        var max = Encoding.UTF8.GetMaxCharCount(buffer.Length + 3);
        if (max > _chars.Length) _chars = new char[Math.Max(max, 2 * _chars.Length)];
        var n = _decoder.GetChars(buffer, _chars, flush: false);
        writer.Write(_chars, 0, n);
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
