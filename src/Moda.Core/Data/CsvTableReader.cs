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
public sealed class CsvTableReader : IChunkedTableReader
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
            long start = _dataStart, line = _dataLine, startLine = _dataLine, rows = 0;
            var records = 0;
            var inQuote = false;
            for (var offset = _dataStart; offset < _fileLength;)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, _fileLength - offset)), offset);
                if (n <= 0) break;
                var block = buffer.AsSpan(0, n);
                var pos = 0;
                while (pos < block.Length)
                {
                    var rest = block[pos..];
                    if (inQuote)
                    {
                        var q = rest.IndexOf((byte)'"');
                        var upto = q < 0 ? rest : rest[..q];
                        line += upto.Count((byte)'\n');
                        if (q < 0) break;
                        inQuote = false;
                        pos += q + 1;
                        continue;
                    }
                    var i = rest.IndexOfAny((byte)'"', (byte)'\n');
                    if (i < 0) break;
                    pos += i + 1;
                    if (rest[i] == (byte)'"')
                    {
                        inQuote = true;
                        continue;
                    }
                    line++;
                    if (++records < rowsPerChunk) continue;
                    var end = offset + pos;
                    chunks.Add(Chunk(chunks.Count, start, end, startLine, rows));
                    rows += records;
                    records = 0;
                    start = end;
                    startLine = line;
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

    /// <inheritdoc />
    public void ReadChunk(TableChunk chunk, ColumnBatch batch)
    {
        // The batch emptied (rows and categories), with fresh encoders for its dictionaries.
        static CategoryEncoder?[] Empty(ColumnBatch batch, CsvRowParser parser)
        {
            batch.ResetCategories();
            batch.Count = 0;
            return parser.Encoders(batch);
        }

        var parser = Parser(batch.Requests);
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
            batch.FirstRow = chunk.FirstRow;
            var text = buffer.AsSpan(0, chunk.Length);
            if (UnquotedCsvChunk.TryRead(text, _separator, parser, batch, Empty(batch, parser), chunk.FirstLine)) return;

            // Quotes, bare CRs, a malformed record: CsvHelper reads the chunk again from the start.
            var encoders = Empty(batch, parser);
            using var reader = CsvReader.Create(buffer.AsMemory(0, chunk.Length), _chunkOptions);
            while (Next(reader, chunk.FirstLine - 1))
            {
                if (batch.Count == batch.Capacity)
                    throw new ModaDataException(Path, "more rows in a chunk than expected", chunk.FirstLine);
                parser.Parse(reader, batch, encoders, chunk.FirstLine - 1 + reader.LineNumber);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
        try
        {
            // A .gz file (csv.gz, tsv.gz) is read through gzip, still streaming.
            if (Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                return CsvReader.Create(new System.IO.Compression.GZipStream(File.OpenRead(Path), System.IO.Compression.CompressionMode.Decompress), Options);
            return CsvReader.FromFile(Path, Options);
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
        catch (Exception e) when (e is CsvFormatException or IOException or DecoderFallbackException)
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
        catch (Exception e) when (e is CsvFormatException or IOException or DecoderFallbackException)
        {
            throw ToDataError(e, reader, 0);
        }
    }

    // CsvHelper's and the file system's errors as the project's data error, with the file's line.
    private ModaDataException ToDataError(Exception e, CsvReader reader, long lineOffset) => e is CsvFormatException f
        ? new ModaDataException(Path, $"malformed CSV: {Reason(f.Message)}", lineOffset + (f.LineNumber > 0 ? f.LineNumber : reader.LineNumber), inner: e)
        : new ModaDataException(Path, $"cannot read the file: {e.Message}", lineOffset + reader.LineNumber, inner: e);

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
