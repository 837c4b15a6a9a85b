using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace Moda.Data;

/// <summary>
/// Reads Parquet files with Parquet.Net: only the requested columns, one row group at a time.
/// Integer, floating-point, decimal and boolean columns read as numbers, strings as text
/// (plain or dictionary-encoded alike); nulls are missing. Chunks of rows are read on several
/// threads, each decoding row groups with its own open file; a chunk takes its rows from every
/// row group it overlaps, so chunks hold the same rows whatever the row-group sizes.
/// </summary>
public sealed class ParquetTableReader : IChunkedTableReader
{
    private readonly DataField[] _fields;
    private readonly long[] _groupRows;     // rows of each row group, as the footer declares them
    private readonly long _fileLength;
    private readonly ConcurrentBag<OpenFile> _open = [];
    private long[] _groupStarts = [];       // rows before each row group (set by Chunks)
    private SharedGroup?[] _shared = [];    // row groups that several chunks read from

    /// <summary>Opens a file and reads its schema.</summary>
    public ParquetTableReader(string path)
    {
        Path = path;
        ParquetFooter.Check(path); // once, before Parquet.Net reads the footer: it hangs on some damaged ones
        var file = Open();
        try
        {
            _fileLength = file.Stream.Length;
            (_fields, _groupRows) = Guard(() => (file.Reader.Schema.GetDataFields(), file.Reader.RowGroups.Select(g => g.RowCount).ToArray()));
        }
        catch
        {
            file.Dispose();
            throw;
        }
        _open.Add(file); // the first chunk to decode uses it: its footer is read already
        ColumnNames = _fields.Select(f => f.Name).ToArray();
        Variables = _fields.Select(f => new VariableInfo(f.Name, TypeName(f), IsNumeric(f.ClrType), null, [])).ToArray();
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<VariableInfo> Variables { get; }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var fields = Resolve(columns);
        return ReadRows(columns, fields, batchRows);
    }

    private DataField[] Resolve(IReadOnlyList<ColumnRequest> columns)
    {
        var fields = new DataField[columns.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var c = columns[i];
            var f = Array.Find(_fields, f => f.Name == c.Name && !f.IsArray)
                ?? throw new ModaDataException(Path, $"no column '{c.Name}'; the columns are: {string.Join(", ", ColumnNames)}", 0, c.Name);
            if (!IsNumeric(f.ClrType) && !IsText(f.ClrType))
                throw new ModaDataException(Path, $"column type {TypeName(f)} is not read; numbers, booleans and strings are", 0, f.Name);
            fields[i] = f;
        }
        return fields;
    }

    private IEnumerable<ColumnBatch> ReadRows(IReadOnlyList<ColumnRequest> columns, DataField[] fields, int batchRows)
    {
        var writers = Writers(columns);
        var batch = new ColumnBatch(columns, batchRows);
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        var file = Open();
        // Read-ahead: row group g + 1 is decoded on another thread while the rows of g become
        // batches. Decoding stays sequential (one row group at a time), so the reader is never
        // used by two threads at once.
        Task<DecodedGroup>? pending = null;
        try
        {
            long observation = 0;
            pending = _groupRows.Length > 0 ? Task.Run(() => Decode(file, 0, fields)) : null;
            for (var g = 0; g < _groupRows.Length; g++)
            {
                var current = pending!.GetAwaiter().GetResult();
                var next = g + 1;
                pending = next < _groupRows.Length ? Task.Run(() => Decode(file, next, fields)) : null;
                for (var r = 0; r < current.Rows;)
                {
                    var n = Math.Min(batchRows - batch.Count, current.Rows - r);
                    Copy(current, r, n, batch, writers, observation + 1);
                    r += n;
                    observation += n;
                    if (batch.Count == batchRows)
                    {
                        yield return batch;
                        batch.FirstRow += batch.Count;
                        batch.Count = 0;
                    }
                }
                current.Return();
            }
            if (batch.Count > 0) yield return batch;
        }
        finally
        {
            try { pending?.Wait(); } catch (AggregateException) { } // a stopped read leaves no decode running
            file.Dispose();
        }
    }

    /// <inheritdoc />
    public bool CanReadChunks => true;

    /// <inheritdoc />
    /// <remarks>For this reader a chunk's <see cref="TableChunk.Offset"/> is its first row and its <see cref="TableChunk.Length"/> its rows.</remarks>
    public IReadOnlyList<TableChunk> Chunks(int rowsPerChunk)
    {
        var starts = new long[_groupRows.Length + 1];
        for (var g = 0; g < _groupRows.Length; g++) starts[g + 1] = starts[g] + CheckedRows(g);
        var total = starts[^1];
        var chunks = new List<TableChunk>();
        for (long first = 0, i = 0; first < total; first += rowsPerChunk, i++)
            chunks.Add(new TableChunk((int)i, first, (int)Math.Min(rowsPerChunk, total - first), first + 1, first));
        // A row group that several chunks read from is decoded once and kept until the last of them is read.
        var shared = new SharedGroup?[_groupRows.Length];
        for (var g = 0; g < _groupRows.Length; g++)
        {
            var users = starts[g + 1] == starts[g] ? 0 : (starts[g + 1] - 1) / rowsPerChunk - starts[g] / rowsPerChunk + 1;
            if (users > 1) shared[g] = new SharedGroup((int)users);
        }
        _groupStarts = starts;
        _shared = shared;
        return chunks;
    }

    /// <inheritdoc />
    public void ReadChunk(TableChunk chunk, ColumnBatch batch)
    {
        var fields = Resolve(batch.Requests);
        var writers = Writers(batch.Requests);
        batch.ResetCategories();
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        batch.Count = 0;
        batch.FirstRow = chunk.FirstRow;
        var g = Array.BinarySearch(_groupStarts, chunk.FirstRow);
        g = g >= 0 ? g : ~g - 1;
        for (var row = chunk.FirstRow; row < chunk.FirstRow + chunk.Length; g++)
        {
            while (_groupRows[g] == 0) g++; // empty row groups hold none of the chunk's rows
            var from = (int)(row - _groupStarts[g]);
            var n = (int)Math.Min(chunk.FirstRow + chunk.Length - row, _groupRows[g] - from);
            DecodedGroup group;
            if (_shared[g] is null)
            {
                // A row group of this chunk alone: columns stored as read are decoded straight into the batch.
                var direct = from == 0 && n == _groupRows[g] ? Direct(batch, writers) : null;
                group = DecodeOnce(g, fields, direct, batch.Count);
                Copy(group, from, n, batch, writers, row + 1);
                group.Return();
            }
            else
            {
                // Decoded by the first chunk to come; the last one done gives its arrays back.
                var shared = _shared[g]!;
                group = shared.Get(fields, () => DecodeOnce(g, fields, null, 0));
                Copy(group, from, n, batch, writers, row + 1);
                if (shared.Release())
                {
                    _shared[g] = null;
                    group.Return();
                }
            }
            row += n;
        }
    }

    // Per slot, the batch's numbers when the writer stores numbers as read, else null.
    private static double[]?[] Direct(ColumnBatch batch, SlotWriter[] writers)
    {
        var direct = new double[]?[writers.Length];
        for (var s = 0; s < writers.Length; s++)
            if (writers[s].StoresNumbersAsRead) direct[s] = batch.Numbers[s];
        return direct;
    }

    private DecodedGroup DecodeOnce(int g, DataField[] fields, double[]?[]? direct, int directRow)
    {
        var file = _open.TryTake(out var f) ? f : Open();
        try
        {
            return Decode(file, g, fields, direct, directRow);
        }
        finally
        {
            _open.Add(file);
        }
    }

    private SlotWriter[] Writers(IReadOnlyList<ColumnRequest> columns)
    {
        var writers = new SlotWriter[columns.Count];
        for (var s = 0; s < writers.Length; s++) writers[s] = new SlotWriter(Path, columns[s]);
        return writers;
    }

    // Rows [from, from + count) of a decoded group into the batch's next rows. Numbers go column by
    // column (they cannot fail); text goes row by row, so the first bad cell reported is the first in the file.
    private static void Copy(DecodedGroup group, int from, int count, ColumnBatch batch, SlotWriter[] writers, long firstObservation)
    {
        var row0 = batch.Count;
        for (var i = 0; i < count; i++) batch.Lines[row0 + i] = firstObservation + i;
        var texts = false;
        for (var s = 0; s < writers.Length; s++)
        {
            if (group.Numbers[s] is { } numbers) writers[s].PutNumbers(batch, s, row0, numbers.AsSpan(from, count));
            else if (group.Texts[s] is not null) texts = true; // else decoded straight into the batch
        }
        if (texts)
            for (var i = 0; i < count; i++)
                for (var s = 0; s < writers.Length; s++)
                    if (group.Texts[s] is { } text)
                        writers[s].PutText(batch, s, row0 + i, text[from + i] ?? "", firstObservation + i);
        batch.Count += count;
    }

    // The requested columns of one row group; the number arrays are rented (longer than Rows).
    private sealed record DecodedGroup(int Rows, double[]?[] Numbers, string?[]?[] Texts)
    {
        /// <summary>Gives the number arrays back to the pool (the group is not read again).</summary>
        public void Return()
        {
            for (var s = 0; s < Numbers.Length; s++)
                if (Numbers[s] is { } numbers)
                {
                    ArrayPool<double>.Shared.Return(numbers);
                    Numbers[s] = null;
                }
        }
    }

    // A row group read by several chunks: decoded by the first to come, dropped after the last.
    private sealed class SharedGroup(int users)
    {
        private readonly Lock _lock = new();
        private (DataField[] Fields, Lazy<DecodedGroup> Value)? _decoded;
        private int _users = users;

        public DecodedGroup Get(DataField[] fields, Func<DecodedGroup> decode)
        {
            Lazy<DecodedGroup> value;
            lock (_lock)
            {
                if (_decoded is not { } d || !d.Fields.AsSpan().SequenceEqual(fields)) _decoded = d = (fields, new Lazy<DecodedGroup>(decode));
                value = d.Value;
            }
            return value.Value;
        }

        /// <summary>True when the last chunk reading from the group is done with it.</summary>
        public bool Release() => Interlocked.Decrement(ref _users) <= 0;
    }

    private long CheckedRows(int group)
    {
        // Values are at least a bit each even when run-length encoded; a count far beyond
        // what the file could hold is a damaged footer, not a reason to allocate.
        var rows = _groupRows[group];
        if (rows < 0 || rows > Math.Min(int.MaxValue / 16, 64 * _fileLength + 65536))
            throw new ModaDataException(Path, $"row group {group + 1} declares {rows} rows, more than a file of {_fileLength} bytes can hold");
        return rows;
    }

    // The requested columns of a row group; a numeric column with a slot in direct is decoded into it
    // from directRow on (and has no array of its own).
    private DecodedGroup Decode(OpenFile file, int group, DataField[] fields, double[]?[]? direct = null, int directRow = 0) => Guard(() =>
    {
        var rows = (int)CheckedRows(group);
        using var rg = file.Reader.OpenRowGroupReader(group);
        var numbers = new double[]?[fields.Length];
        var texts = new string?[]?[fields.Length];
        for (var s = 0; s < fields.Length; s++)
        {
            if (IsText(fields[s].ClrType))
            {
                texts[s] = new string?[rows];
                rg.ReadAsync(fields[s], texts[s].AsMemory()).GetAwaiter().GetResult();
            }
            else if (direct?[s] is { } target) ReadNumbers(rg, fields[s], target.AsSpan(directRow, rows));
            else
            {
                numbers[s] = ArrayPool<double>.Shared.Rent(rows);
                ReadNumbers(rg, fields[s], numbers[s].AsSpan(0, rows));
            }
        }
        return new DecodedGroup(rows, numbers, texts);
    });

    private static void ReadNumbers(ParquetRowGroupReader rg, DataField field, Span<double> destination)
    {
        var t = field.ClrType;
        if (t == typeof(double)) Read<double>(rg, field, destination);
        else if (t == typeof(float)) Read<float>(rg, field, destination, SlotWriter.FromFloat);
        else if (t == typeof(int)) Read<int>(rg, field, destination);
        else if (t == typeof(long)) Read<long>(rg, field, destination);
        else if (t == typeof(short)) Read<short>(rg, field, destination);
        else if (t == typeof(sbyte)) Read<sbyte>(rg, field, destination);
        else if (t == typeof(byte)) Read<byte>(rg, field, destination);
        else if (t == typeof(ushort)) Read<ushort>(rg, field, destination);
        else if (t == typeof(uint)) Read<uint>(rg, field, destination);
        else if (t == typeof(ulong)) Read<ulong>(rg, field, destination);
        else if (t == typeof(decimal)) Read<decimal>(rg, field, destination, v => (double)v);
        else if (t == typeof(bool)) Read<bool>(rg, field, destination, v => v ? 1 : 0);
        else throw new InvalidOperationException(t.Name);
    }

    // Numbers that convert to double exactly as a cast does, without a call per value.
    private static void Read<T>(ParquetRowGroupReader rg, DataField field, Span<double> destination) where T : struct, INumberBase<T>
    {
        var rows = destination.Length;
        if (field.IsNullable)
        {
            // The raw read gives the present values packed, and per row a definition level that
            // is the field's maximum when the row has a value (no T? per row to unpack).
            var values = ArrayPool<T>.Shared.Rent(rows);
            var levels = ArrayPool<int>.Shared.Rent(rows);
            try
            {
                rg.ReadRawAsync<T>(field, values.AsMemory(0, rows), levels.AsMemory(0, rows), null).GetAwaiter().GetResult();
                var defined = field.MaxDefinitionLevel;
                for (int i = 0, j = 0; i < rows; i++)
                {
                    var present = levels[i] == defined;
                    destination[i] = present ? double.CreateTruncating(values[j]) : double.NaN;
                    j += present ? 1 : 0;
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(values);
                ArrayPool<int>.Shared.Return(levels);
            }
        }
        else
        {
            var values = ArrayPool<T>.Shared.Rent(rows);
            try
            {
                rg.ReadAsync<T>(field, values.AsMemory(0, rows)).GetAwaiter().GetResult();
                for (var i = 0; i < rows; i++) destination[i] = double.CreateTruncating(values[i]);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(values);
            }
        }
        if (typeof(T) == typeof(double)) ToMissing(destination);
    }

    // The rarer types (float, decimal, boolean) through a conversion delegate.
    private static void Read<T>(ParquetRowGroupReader rg, DataField field, Span<double> destination, Func<T, double> convert) where T : struct
    {
        var rows = destination.Length;
        if (field.IsNullable)
        {
            var values = new T?[rows];
            rg.ReadAsync<T>(field, values.AsMemory()).GetAwaiter().GetResult();
            for (var i = 0; i < rows; i++) destination[i] = values[i] is { } v ? convert(v) : double.NaN;
        }
        else
        {
            var values = new T[rows];
            rg.ReadAsync<T>(field, values.AsMemory()).GetAwaiter().GetResult();
            for (var i = 0; i < rows; i++) destination[i] = convert(values[i]);
        }
        ToMissing(destination);
    }

    // Infinities read as missing, like a non-finite number in any other format.
    private static void ToMissing(Span<double> values)
    {
        for (var i = 0; i < values.Length; i++) if (!double.IsFinite(values[i])) values[i] = double.NaN;
    }

    private static bool IsNumeric(Type t) =>
        t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte)
        || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(decimal) || t == typeof(bool);

    private static bool IsText(Type t) =>
        t == typeof(string) || t == typeof(ReadOnlyMemory<char>) || t == typeof(ReadOnlyMemory<byte>) || t == typeof(byte[]);

    private static string TypeName(DataField f) => (IsText(f.ClrType) ? "string" : f.ClrType.Name.ToLowerInvariant()) + (f.IsNullable ? "?" : "");

    // An open file with its footer read; one per thread reading at a time.
    private sealed class OpenFile(FileStream stream, ParquetReader reader) : IDisposable
    {
        public FileStream Stream { get; } = stream;
        public ParquetReader Reader { get; } = reader;

        public void Dispose()
        {
            Reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Stream.Dispose();
        }
    }

    private OpenFile Open()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModaDataException(Path, $"cannot open the file: {e.Message}");
        }
        try
        {
            return new OpenFile(stream, Guard(() => ParquetReader.CreateAsync(stream).GetAwaiter().GetResult()));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // Parquet.Net reports damaged files with exceptions of many types; all are bad data here.
    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ModaDataException)
        {
            throw;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException))
        {
            throw new ModaDataException(Path, $"not a readable Parquet file: {e.Message}", inner: e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        while (_open.TryTake(out var file)) file.Dispose();
    }
}
