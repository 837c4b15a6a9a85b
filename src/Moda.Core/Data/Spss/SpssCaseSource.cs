using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    private readonly ulong[] _words = new ulong[256]; // per code, the 8 bytes it stands for, in file order
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
        Span<byte> word = stackalloc byte[8];
        for (var code = 1; code < 256; code++)
        {
            var value = code == 255 ? -double.MaxValue : code - dict.Bias; // 255 is system-missing
            if (dict.BigEndian) BinaryPrimitives.WriteInt64BigEndian(word, BitConverter.DoubleToInt64Bits(value));
            else BinaryPrimitives.WriteInt64LittleEndian(word, BitConverter.DoubleToInt64Bits(value));
            _words[code] = code == 254 ? 0x2020202020202020UL : MemoryMarshal.Read<ulong>(word); // 254 is eight spaces
        }
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
        // Walk the command blocks in a large buffer; raw values (code 253) are stepped over. Most
        // blocks are counted whole (elements and raw values by bit tricks on the 8 codes); only a
        // block with the end code, or in which a chunk starts or the declared cases end, is walked
        // code by code.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long bufferStart = dict.DataOffset;
        var filled = 0;
        var at = 0;             // index in buffer of the next command block
        long elements = 0;      // elements decoded so far, over all cases
        var caseElements = (long)dict.CaseElements;
        var chunkElements = casesPerChunk * caseElements;
        var lastElement = dict.Cases >= 0 ? dict.Cases * caseElements : long.MaxValue;
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
            var word = MemoryMarshal.Read<ulong>(buffer.AsSpan(at, 8));
            at += 8;
            var count = 8 - CountBytes(word, 0);
            var raw = CountBytes(word, 253);
            var nextStart = starts.Count * chunkElements;
            if (CountBytes(word, 252) == 0 && elements + count <= nextStart && elements + count < lastElement)
            {
                elements += count;
                at += 8 * raw;
                continue;
            }
            var pos = bufferStart + at;
            buffer.AsSpan(at - 8, 8).CopyTo(block);
            var ended = false;
            for (var i = 0; i < 8; i++)
            {
                var code = block[i];
                if (code == 0) continue;
                if (code == 252) { ended = true; break; }
                if (elements > 0 && elements == starts.Count * chunkElements)
                    starts.Add(new CaseStart(pos, (byte[])block.Clone(), i));
                if (code == 253)
                {
                    at += 8;
                    pos += 8;
                }
                elements++;
            }
            if (ended || elements >= lastElement) break;
        }
        var found = caseElements == 0 ? 0 : elements / caseElements;
        return (starts, dict.Cases >= 0 ? Math.Min(dict.Cases, found) : found);
    }

    // How many of the 8 bytes of word equal value (exact per byte: no carries between bytes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountBytes(ulong word, byte value)
    {
        const ulong low7 = 0x7F7F7F7F7F7F7F7FUL;
        var x = word ^ (0x0101010101010101UL * value);
        var zero = ~(((x & low7) + low7) | x | low7);
        return BitOperations.PopCount(zero);
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
        // Bytecode: elements are written as 8-byte words in file byte order, straight from the
        // buffer (state in locals while decoding); only a command block or raw value that
        // straddles a refill takes the slow path.
        if (_ended) return false;
        var elements = MemoryMarshal.Cast<byte, ulong>(caseBytes);
        var words = _words;
        var buffer = _buffer;
        var pos = _bufferPos;
        var command = _command;
        var block = BinaryPrimitives.ReadUInt64LittleEndian(_commands); // code i in byte i
        var e = 0;
        try
        {
            while (e < elements.Length)
            {
                if (command == 8)
                {
                    if (_bufferLen - pos >= 8)
                    {
                        block = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(pos, 8));
                        pos += 8;
                    }
                    else
                    {
                        _bufferPos = pos;
                        var got = Fill(_commands);
                        pos = _bufferPos;
                        if (got == 0) break;
                        if (got < 8) throw Error("the compressed data end inside a block of commands");
                        block = BinaryPrimitives.ReadUInt64LittleEndian(_commands);
                    }
                    command = 0;
                }
                var code = (byte)(block >> (8 * command++));
                if (code == 0) continue;
                if (code < 252) elements[e++] = words[code];
                else if (code == 253)
                {
                    if (_bufferLen - pos >= 8)
                    {
                        elements[e++] = MemoryMarshal.Read<ulong>(buffer.AsSpan(pos, 8));
                        pos += 8;
                    }
                    else
                    {
                        _bufferPos = pos;
                        if (Fill(caseBytes.Slice(8 * e, 8)) < 8) throw Error("the compressed data end inside an uncompressed value");
                        pos = _bufferPos;
                        e++;
                    }
                }
                else if (code == 252) break;
                else elements[e++] = words[code];
            }
        }
        finally
        {
            _bufferPos = pos;
            _command = command;
            BinaryPrimitives.WriteUInt64LittleEndian(_commands, block);
        }
        if (e == elements.Length) return true;
        _ended = true; // the end code, or the end of the data
        return e == 0 ? false : throw Error($"the compressed data end inside case {caseNumber}");
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
