using System.Buffers;
using System.Text;
using CsvHelper;
using Microsoft.Win32.SafeHandles;

namespace Moda.Data;

/// <summary>
/// Reads delimited text (comma, semicolon or tab, detected; UTF-8 with or without BOM; quoted
/// fields) with CsvHelper, parsing fields straight from UTF-8 spans so no string is made per
/// cell. A quote-aware scan cuts the file into chunks of whole records that threads parse on
/// their own (<see cref="IChunkedTableReader"/>); a chunk of simple text (no quotes, LF or CRLF
/// line ends, every record whole) is split by <see cref="UnquotedCsvChunk"/> instead, 3-4 times
/// faster than CsvHelper's general parser, which keeps every other case.
/// </summary>
public sealed class CsvTableReader : IChunkedTableReader, IStreamChunkedTableReader
{
    private static readonly CsvReaderOptions Options = new()
    {
        HasHeader = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        SkipEmptyLines = true,
    };

    private readonly CsvReaderOptions _chunkOptions;
    private readonly long _dataStart;      // byte offset of the first data record
    private readonly long _dataLine;       // its line number
    private readonly long _fileLength;
    private readonly bool _noRecords;      // a header and nothing else
    private readonly byte _separator;
    private SafeFileHandle? _handle;

    /// <summary>Opens a file and reads its header.</summary>
    public CsvTableReader(string path)
    {
        Path = path;
        using var reader = Open();
        ColumnNames = Guard(() => reader.Headers.Select(h => h.Trim()).ToArray(), reader);
        if (ColumnNames.Count == 0 || ColumnNames.All(string.IsNullOrEmpty))
            throw new ModaDataException(path, "the file is empty or has no header row", 1);
        _fileLength = new FileInfo(path).Length;
        var separator = reader.Separator;
        if (Guard(reader.Read, reader))
        {
            _dataStart = reader.ByteOffset;
            _dataLine = reader.LineNumber;
        }
        else
        {
            _dataStart = _fileLength;
            _dataLine = reader.LineNumber + 1;
            _noRecords = true;
        }
        _chunkOptions = Options with { HasHeader = false, Separator = separator };
        _separator = (byte)separator;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public bool CanReadChunks => !Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames { get; }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var parser = Parser(columns);
        var batch = new ColumnBatch(columns, batchRows);
        using var reader = Open();
        _ = Guard(() => reader.Headers, reader);
        var encoders = parser.Encoders(batch);
        long rows = 0;
        while (Next(reader))
        {
            parser.Parse(reader, batch, encoders, reader.LineNumber);
            if (batch.Count == batchRows)
            {
                yield return batch;
                rows += batch.Count;
                batch.Count = 0;
                batch.FirstRow = rows;
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <inheritdoc />
    public IReadOnlyList<TableChunk> Chunks(int rowsPerChunk)
    {
        var chunks = new List<TableChunk>();
        var handle = Handle();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var scanner = new CsvRecordScanner(rowsPerChunk);
            long start = _dataStart, startLine = _dataLine, rows = 0;
            for (var offset = _dataStart; offset < _fileLength;)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, _fileLength - offset)), offset);
                if (n <= 0) break;
                for (var pos = 0; scanner.Next(buffer.AsSpan(pos, n - pos), out var used);)
                {
                    pos += used;
                    var end = offset + pos;
                    chunks.Add(Chunk(chunks.Count, start, end, startLine, rows));
                    rows += rowsPerChunk;
                    start = end;
                    startLine = _dataLine + scanner.Lines;
                }
                offset += n;
            }
            if (start < _fileLength) chunks.Add(Chunk(chunks.Count, start, _fileLength, startLine, rows));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return chunks;
    }

    /// <summary>
    /// The file's records in chunks cut as it streams by (<see cref="IStreamChunkedTableReader"/>):
    /// the way a gzipped file is read on several cores, one thread decompressing and cutting,
    /// the others parsing. The chunks are those <see cref="Chunks"/> makes of the same text.
    /// </summary>
    public IEnumerable<StreamChunk> StreamChunks(int rowsPerChunk) => StreamChunks(rowsPerChunk, 1 << 20);

    // StreamChunks reading the stream `blockBytes` at a time at first (tests make it small, so
    // that records, quotes and line ends straddle reads and buffers grow).
    internal IEnumerable<StreamChunk> StreamChunks(int rowsPerChunk, int blockBytes)
    {
        if (_noRecords) yield break;
        var scanner = new CsvRecordScanner(rowsPerChunk);
        using var stream = OpenStream();
        Skip(stream, _dataStart); // the header (and BOM): offsets count the decompressed text
        long startLine = _dataLine, rows = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(blockBytes);
        int length = 0, scanned = 0, index = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length) buffer = Grow(buffer, length);
                var n = ReadStream(stream, buffer.AsSpan(length), startLine);
                if (n == 0) break;
                length += n;
                while (scanner.Next(buffer.AsSpan(scanned, length - scanned), out var used))
                {
                    // The chunk keeps this buffer; the text after it moves to a new one.
                    var end = scanned + used;
                    var rest = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length, length - end));
                    buffer.AsSpan(end, length - end).CopyTo(rest);
                    var chunk = new StreamChunk(index++, buffer, end, startLine, rows);
                    buffer = rest;
                    length -= end;
                    scanned = 0;
                    rows += rowsPerChunk;
                    startLine = _dataLine + scanner.Lines;
                    yield return chunk;
                }
                scanned = length;
            }
            if (length > 0)
            {
                var last = new StreamChunk(index, buffer, length, startLine, rows);
                buffer = [];
                yield return last;
            }
        }
        finally
        {
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public void ReadChunk(TableChunk chunk, ColumnBatch batch)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(chunk.Length, 1));
        try
        {
            var read = 0;
            while (read < chunk.Length)
            {
                var n = RandomAccess.Read(Handle(), buffer.AsSpan(read, chunk.Length - read), chunk.Offset + read);
                if (n <= 0) throw new ModaDataException(Path, "the file changed while it was being read", chunk.FirstLine);
                read += n;
            }
            Parse(buffer, chunk.Length, chunk.FirstLine, chunk.FirstRow, batch);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public void ReadChunk(StreamChunk chunk, ColumnBatch batch) => Parse(chunk.Text, chunk.Length, chunk.FirstLine, chunk.FirstRow, batch);

    // A chunk's text into the batch: the unquoted fast path, else CsvHelper from the start.
    private void Parse(byte[] buffer, int length, long firstLine, long firstRow, ColumnBatch batch)
    {
        // The batch emptied (rows and categories), with fresh encoders for its dictionaries.
        static CategoryEncoder?[] Empty(ColumnBatch batch, CsvRowParser parser)
        {
            batch.ResetCategories();
            batch.Count = 0;
            return parser.Encoders(batch);
        }

        var parser = Parser(batch.Requests);
        batch.FirstRow = firstRow;
        var text = buffer.AsSpan(0, length);
        if (UnquotedCsvChunk.TryRead(text, _separator, parser, batch, Empty(batch, parser), firstLine)) return;

        // Quotes, bare CRs, a malformed record: CsvHelper reads the chunk again from the start.
        var encoders = Empty(batch, parser);
        using var reader = CsvReader.Create(buffer.AsMemory(0, length), _chunkOptions);
        while (Next(reader, firstLine - 1))
        {
            if (batch.Count == batch.Capacity)
                throw new ModaDataException(Path, "more rows in a chunk than expected", firstLine);
            parser.Parse(reader, batch, encoders, firstLine - 1 + reader.LineNumber);
        }
    }

    private static byte[] Grow(byte[] buffer, int length)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(2 * buffer.Length);
        buffer.AsSpan(0, length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    private void Skip(Stream stream, long bytes)
    {
        Span<byte> discard = stackalloc byte[4096];
        while (bytes > 0)
        {
            var n = ReadStream(stream, discard[..(int)Math.Min(discard.Length, bytes)], 1);
            if (n == 0) return;
            bytes -= n;
        }
    }

    // A read of the (decompressed) stream; a damaged file is a data error naming it.
    private int ReadStream(Stream stream, Span<byte> into, long line)
    {
        try
        {
            return stream.Read(into);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new ModaDataException(Path, Unreadable(e), line, inner: e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle?.Dispose();

    private TableChunk Chunk(int index, long start, long end, long line, long rows) =>
        end - start > int.MaxValue / 2
            ? throw new ModaDataException(Path, "records are too long to read (over 1 GB in 65,536 rows)", line)
            : new TableChunk(index, start, (int)(end - start), line, rows);

    private SafeFileHandle Handle()
    {
        lock (Options) return _handle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
    }

    private CsvReader Open()
    {
        // A .gz file (csv.gz, tsv.gz) is read through gzip, still streaming.
        if (Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return CsvReader.Create(OpenStream(), Options);
        try
        {
            return CsvReader.FromFile(Path, Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModaDataException(Path, $"cannot open the file: {e.Message}");
        }
    }

    // The file's text as a stream: decompressed when the file is gzipped.
    private Stream OpenStream()
    {
        try
        {
            var file = File.OpenRead(Path);
            return Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress)
                : file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModaDataException(Path, $"cannot open the file: {e.Message}");
        }
    }

    // Reads the next record; no delegate, since it runs once per row.
    private bool Next(CsvReader reader, long lineOffset = 0)
    {
        try
        {
            return reader.Read();
        }
        catch (Exception e) when (e is CsvFormatException or IOException or InvalidDataException or DecoderFallbackException)
        {
            throw ToDataError(e, reader, lineOffset);
        }
    }

    private T Guard<T>(Func<T> read, CsvReader reader)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is CsvFormatException or IOException or InvalidDataException or DecoderFallbackException)
        {
            throw ToDataError(e, reader, 0);
        }
    }

    // CsvHelper's and the file system's errors as the project's data error, with the file's line.
    private ModaDataException ToDataError(Exception e, CsvReader reader, long lineOffset) => e is CsvFormatException f
        ? new ModaDataException(Path, $"malformed CSV: {Reason(f.Message)}", lineOffset + (f.LineNumber > 0 ? f.LineNumber : reader.LineNumber), inner: e)
        : new ModaDataException(Path, Unreadable(e), lineOffset + reader.LineNumber, inner: e);

    // A read that failed: a gzip stream that is not one (or is damaged), or the file system's error.
    private static string Unreadable(Exception e) =>
        e is InvalidDataException ? $"not a readable gzip file ({e.Message})" : $"cannot read the file: {e.Message}";

    // CsvHelper's message without its own position (record, line, byte offset), which counts
    // from the start of the chunk it parsed; the error carries the file's line instead.
    private static string Reason(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Replace(message, @"^Malformed CSV in record \d+ \(line \d+\):\s*", "");
        m = System.Text.RegularExpressions.Regex.Replace(m, @"^Record \d+ \(line \d+\)", "the record");
        m = System.Text.RegularExpressions.Regex.Replace(m, @"\s*\((record \d+, )?byte offset \d+\)", "");
        return m.TrimEnd('.');
    }

    private CsvRowParser Parser(IReadOnlyList<ColumnRequest> columns) =>
        new(Path, ColumnNames.Count, columns, columns.Select(c => FieldIndex(c.Name)).ToArray());

    private int FieldIndex(string name)
    {
        var index = -1;
        for (var i = 0; i < ColumnNames.Count; i++)
        {
            if (!string.Equals(ColumnNames[i], name, StringComparison.Ordinal)) continue;
            if (index >= 0) throw new ModaDataException(Path, $"the header has two columns named '{name}'", 1, name);
            index = i;
        }
        return index >= 0 ? index
            : throw new ModaDataException(Path, $"no column '{name}'; the columns are: {string.Join(", ", ColumnNames)}", 1, name);
    }
}
