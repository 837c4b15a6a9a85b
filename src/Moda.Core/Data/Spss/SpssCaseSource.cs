using System.Buffers.Binary;
using System.IO.Compression;

namespace Moda.Data.Spss;

/// <summary>
/// Yields the cases of a system file as raw 8-byte elements in the file's byte order: straight
/// from an uncompressed file, through the bytecode decompressor, or through zlib blocks first.
/// </summary>
internal sealed class SpssCaseSource : IDisposable
{
    private readonly BinaryInput _input;
    private readonly SpssDictionary _dict;
    private readonly Stream _data;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _bufferPos, _bufferLen;
    private long _consumedBefore;
    private readonly byte[] _commands = new byte[8];
    private int _command = 8;
    private bool _ended;
    private readonly byte[] _sysmis = new byte[8];
    private readonly ZlibBlocks? _zlib;

    public SpssCaseSource(string path, SpssDictionary dict, CaseStart? start = null)
    {
        _dict = dict;
        _input = new BinaryInput(path) { BigEndian = dict.BigEndian };
        _input.Position = start?.Position ?? dict.DataOffset;
        if (start is { } at)
        {
            // Resume inside the bytecode: the command block being decoded and the next code in it.
            at.Commands.CopyTo(_commands, 0);
            _command = at.Command;
        }
        if (dict.Zlib)
        {
            _zlib = new ZlibBlocks(_input);
            _data = _zlib;
        }
        else _data = _input.Stream;
        if (dict.BigEndian) BinaryPrimitives.WriteInt64BigEndian(_sysmis, BitConverter.DoubleToInt64Bits(-double.MaxValue));
        else BinaryPrimitives.WriteInt64LittleEndian(_sysmis, BitConverter.DoubleToInt64Bits(-double.MaxValue));
    }

    /// <summary>Where a case begins: the file position, and for bytecode the command block and next code.</summary>
    internal sealed record CaseStart(long Position, byte[] Commands, int Command);

    /// <summary>
    /// The starts of cases 0, n, 2n, ... of an uncompressed or bytecode-compressed file (not zlib),
    /// found by walking the command blocks without decoding values; and the number of cases.
    /// </summary>
    public static (List<CaseStart> Starts, long Cases) Scan(string path, SpssDictionary dict, int casesPerChunk)
    {
        var starts = new List<CaseStart> { new(dict.DataOffset, new byte[8], 8) };
        using var input = new BinaryInput(path);
        var length = input.Length;
        var caseBytes = 8L * dict.CaseElements;
        if (dict.Compression == 0)
        {
            var cases = dict.Cases >= 0 ? dict.Cases : (length - dict.DataOffset) / Math.Max(caseBytes, 1);
            for (var c = (long)casesPerChunk; c < cases; c += casesPerChunk)
                starts.Add(new CaseStart(dict.DataOffset + c * caseBytes, new byte[8], 8));
            return (starts, cases);
        }
        // Walk the command blocks in a large buffer; raw values (code 253) are stepped over.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long bufferStart = dict.DataOffset;
        var filled = 0;
        var at = 0;             // index in buffer of the next command block
        long found = 0;
        var elements = 0;
        var block = new byte[8];
        while (true)
        {
            if (at + 8 > filled)
            {
                // Refill from the next block on (raw values may have stepped past the buffer).
                bufferStart += at;
                at = 0;
                filled = RandomAccess.Read(handle, buffer, bufferStart);
                if (filled < 8) break;
            }
            var pos = bufferStart + at + 8;
            buffer.AsSpan(at, 8).CopyTo(block);
            at += 8;
            var ended = false;
            for (var i = 0; i < 8; i++)
            {
                var code = block[i];
                if (code == 0) continue;
                if (code == 252) { ended = true; break; }
                if (elements == 0 && found > 0 && found % casesPerChunk == 0 && starts.Count * (long)casesPerChunk == found)
                    starts.Add(new CaseStart(pos, (byte[])block.Clone(), i));
                if (code == 253)
                {
                    at += 8;
                    pos += 8;
                }
                if (++elements == dict.CaseElements)
                {
                    elements = 0;
                    found++;
                }
            }
            if (ended || (dict.Cases >= 0 && found >= dict.Cases)) break;
        }
        return (starts, dict.Cases >= 0 ? Math.Min(dict.Cases, found) : found);
    }

    private string Where => _zlib is { } z ? $"zlib block {z.Block + 1}" : $"byte offset {_consumedBefore + _bufferPos}";

    /// <summary>Fills <paramref name="caseBytes"/> with the next case; false at the end of the data.</summary>
    public bool Next(Span<byte> caseBytes, long caseNumber)
    {
        if (_dict.Compression == 0)
        {
            var got = Fill(caseBytes);
            if (got == 0) return false;
            if (got < caseBytes.Length) throw Error($"the file ends inside case {caseNumber}");
            return true;
        }
        for (var e = 0; e < caseBytes.Length; e += 8)
        {
            if (!NextElement(caseBytes.Slice(e, 8)))
            {
                if (e == 0) return false;
                throw Error($"the compressed data end inside case {caseNumber}");
            }
        }
        return true;
    }

    private bool NextElement(Span<byte> element)
    {
        while (true)
        {
            if (_ended) return false;
            if (_command == 8)
            {
                var got = Fill(_commands);
                if (got == 0)
                {
                    _ended = true;
                    return false;
                }
                if (got < 8) throw Error("the compressed data end inside a block of commands");
                _command = 0;
            }
            var code = _commands[_command++];
            switch (code)
            {
                case 0:
                    continue;
                case 252:
                    _ended = true;
                    return false;
                case 253:
                    if (Fill(element) < 8) throw Error("the compressed data end inside an uncompressed value");
                    return true;
                case 254:
                    element.Fill((byte)' ');
                    return true;
                case 255:
                    _sysmis.CopyTo(element);
                    return true;
                default:
                    var value = code - _dict.Bias;
                    if (_dict.BigEndian) BinaryPrimitives.WriteInt64BigEndian(element, BitConverter.DoubleToInt64Bits(value));
                    else BinaryPrimitives.WriteInt64LittleEndian(element, BitConverter.DoubleToInt64Bits(value));
                    return true;
            }
        }
    }

    private int Fill(Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            if (_bufferPos == _bufferLen)
            {
                _consumedBefore += _bufferLen;
                _bufferPos = 0;
                try
                {
                    _bufferLen = _data.Read(_buffer);
                }
                catch (InvalidDataException e)
                {
                    throw Error($"the zlib data do not inflate: {e.Message}");
                }
                if (_bufferLen == 0) return done;
            }
            var n = Math.Min(destination.Length - done, _bufferLen - _bufferPos);
            _buffer.AsSpan(_bufferPos, n).CopyTo(destination[done..]);
            _bufferPos += n;
            done += n;
        }
        return done;
    }

    private ModaDataException Error(string message) => new(_input.Path, $"{Where}: {message}");

    public void Dispose()
    {
        _zlib?.Dispose();
        _input.Dispose();
    }

    /// <summary>The zlib blocks of a .zsav file as one stream of bytecode-compressed data.</summary>
    private sealed class ZlibBlocks : Stream
    {
        private readonly BinaryInput _input;
        private readonly (long Offset, int Compressed, int Uncompressed)[] _blocks;
        private ZLibStream? _current;
        private long _producedInBlock;

        public int Block { get; private set; } = -1;

        public ZlibBlocks(BinaryInput input)
        {
            _input = input;
            var at = input.Position;
            var zheader = input.I64("the zlib header");
            var ztrailer = input.I64("the zlib header");
            var ztrailerLength = input.I64("the zlib header");
            if (zheader != at) throw input.Error($"the zlib header says it lies at byte {zheader}", at);
            if (ztrailer < at + 24 || ztrailer > input.Length || ztrailerLength < 24 || ztrailerLength > input.Length - ztrailer)
                throw input.Error($"the zlib trailer ({ztrailerLength} bytes at {ztrailer}) lies outside the file ({input.Length} bytes)", at + 8);
            input.Position = ztrailer;
            input.Skip(16, "the zlib trailer");
            var blockSize = input.I32("the zlib trailer");
            var n = input.I32("the zlib trailer");
            if (n < 0 || 24L + 24L * n != ztrailerLength) throw input.Error($"the zlib trailer declares {n} blocks in {ztrailerLength} bytes", ztrailer + 20);
            _blocks = new (long, int, int)[n];
            var expected = at + 24;
            for (var i = 0; i < n; i++)
            {
                var entryAt = input.Position;
                input.Skip(8, "the zlib trailer");
                var compressedOffset = input.I64("the zlib trailer");
                var uncompressed = input.I32("the zlib trailer");
                var compressed = input.I32("the zlib trailer");
                if (compressedOffset != expected || compressed < 0 || compressed > ztrailer - compressedOffset || uncompressed < 0 || uncompressed > blockSize)
                    throw input.Error($"zlib block {i + 1}: {compressed} bytes at {compressedOffset} inflating to {uncompressed} do not fit the file", entryAt);
                _blocks[i] = (compressedOffset, compressed, uncompressed);
                expected += compressed;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                if (_current is null)
                {
                    if (Block + 1 >= _blocks.Length) return 0;
                    Block++;
                    var (offset, compressed, _) = _blocks[Block];
                    _input.Position = offset;
                    var bytes = _input.Bytes(compressed, $"zlib block {Block + 1}");
                    _current = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
                    _producedInBlock = 0;
                }
                var n = _current.Read(buffer);
                if (n > 0)
                {
                    _producedInBlock += n;
                    if (_producedInBlock > _blocks[Block].Uncompressed)
                        throw new InvalidDataException($"block {Block + 1} inflates to more than the {_blocks[Block].Uncompressed} bytes its trailer declares");
                    return n;
                }
                if (_producedInBlock != _blocks[Block].Uncompressed)
                    throw new InvalidDataException($"block {Block + 1} inflates to {_producedInBlock} bytes, its trailer declares {_blocks[Block].Uncompressed}");
                _current.Dispose();
                _current = null;
            }
        }

        protected override void Dispose(bool disposing)
        {
            _current?.Dispose();
            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
