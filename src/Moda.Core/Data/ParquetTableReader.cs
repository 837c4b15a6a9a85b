using Parquet;
using Parquet.Schema;

namespace Moda.Data;

/// <summary>
/// Reads Parquet files with Parquet.Net: only the requested columns, one row group at a time.
/// Integer, floating-point, decimal and boolean columns read as numbers, strings as text
/// (plain or dictionary-encoded alike); nulls are missing.
/// </summary>
public sealed class ParquetTableReader : ITableReader
{
    private readonly DataField[] _fields;

    /// <summary>Opens a file and reads its schema.</summary>
    public ParquetTableReader(string path)
    {
        Path = path;
        _fields = Guard(() =>
        {
            using var stream = OpenStream();
            var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            try
            {
                return reader.Schema.GetDataFields();
            }
            finally
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
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
        var fields = columns.Select(c => _fields.FirstOrDefault(f => f.Name == c.Name && !f.IsArray)
            ?? throw new ModaDataException(Path, $"no column '{c.Name}'; the columns are: {string.Join(", ", ColumnNames)}", 0, c.Name)).ToArray();
        foreach (var f in fields)
            if (!IsNumeric(f.ClrType) && !IsText(f.ClrType))
                throw new ModaDataException(Path, $"column type {TypeName(f)} is not read; numbers, booleans and strings are", 0, f.Name);
        return ReadRows(columns, fields, batchRows);
    }

    private IEnumerable<ColumnBatch> ReadRows(IReadOnlyList<ColumnRequest> columns, DataField[] fields, int batchRows)
    {
        var writers = columns.Select(c => new SlotWriter(Path, c)).ToArray();
        var batch = new ColumnBatch(columns, batchRows);
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        using var stream = OpenStream();
        var fileLength = stream.Length;
        var reader = Guard(() => ParquetReader.CreateAsync(stream).GetAwaiter().GetResult());
        // Read-ahead: row group g + 1 is decoded on another thread while the rows of g become
        // batches. Decoding stays sequential (one row group at a time), so the reader is never
        // used by two threads at once.
        Task<DecodedGroup>? pending = null;
        try
        {
            long observation = 0;
            pending = reader.RowGroupCount > 0 ? Task.Run(() => Decode(reader, 0, fields, fileLength)) : null;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var current = pending!.GetAwaiter().GetResult();
                var next = g + 1;
                pending = next < reader.RowGroupCount ? Task.Run(() => Decode(reader, next, fields, fileLength)) : null;
                for (var r = 0; r < current.Rows; r++)
                {
                    observation++;
                    var row = batch.Count;
                    batch.Lines[row] = observation;
                    for (var s = 0; s < fields.Length; s++)
                    {
                        if (current.Texts[s] is { } text)
                            writers[s].PutText(batch, s, row, text[r] ?? "", observation);
                        else
                            writers[s].PutNumber(batch, s, row, current.Numbers[s]![r]);
                    }
                    if (++batch.Count == batchRows)
                    {
                        yield return batch;
                        batch.FirstRow += batch.Count;
                        batch.Count = 0;
                    }
                }
            }
            if (batch.Count > 0) yield return batch;
        }
        finally
        {
            try { pending?.Wait(); } catch (AggregateException) { } // a stopped read leaves no decode running
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // The requested columns of one row group.
    private sealed record DecodedGroup(int Rows, double[]?[] Numbers, string?[]?[] Texts);

    private DecodedGroup Decode(ParquetReader reader, int group, DataField[] fields, long fileLength) => Guard(() =>
    {
        using var rg = reader.OpenRowGroupReader(group);
        // Values are at least a bit each even when run-length encoded; a count far beyond
        // what the file could hold is a damaged footer, not a reason to allocate.
        if (rg.RowCount < 0 || rg.RowCount > Math.Min(int.MaxValue / 16, 64 * fileLength + 65536))
            throw new ModaDataException(Path, $"row group {group + 1} declares {rg.RowCount} rows, more than a file of {fileLength} bytes can hold");
        var rows = (int)rg.RowCount;
        var numbers = new double[]?[fields.Length];
        var texts = new string?[]?[fields.Length];
        for (var s = 0; s < fields.Length; s++)
        {
            if (IsText(fields[s].ClrType))
            {
                texts[s] = new string?[rows];
                rg.ReadAsync(fields[s], texts[s].AsMemory()).GetAwaiter().GetResult();
            }
            else
            {
                numbers[s] = new double[rows];
                ReadNumbers(rg, fields[s], numbers[s]!, rows);
            }
        }
        return new DecodedGroup(rows, numbers, texts);
    });

    private static void ReadNumbers(ParquetRowGroupReader rg, DataField field, double[] destination, int rows)
    {
        var t = field.ClrType;
        if (t == typeof(double)) Read<double>(rg, field, destination, rows, v => v);
        else if (t == typeof(float)) Read<float>(rg, field, destination, rows, SlotWriter.FromFloat);
        else if (t == typeof(int)) Read<int>(rg, field, destination, rows, v => v);
        else if (t == typeof(long)) Read<long>(rg, field, destination, rows, v => v);
        else if (t == typeof(short)) Read<short>(rg, field, destination, rows, v => v);
        else if (t == typeof(sbyte)) Read<sbyte>(rg, field, destination, rows, v => v);
        else if (t == typeof(byte)) Read<byte>(rg, field, destination, rows, v => v);
        else if (t == typeof(ushort)) Read<ushort>(rg, field, destination, rows, v => v);
        else if (t == typeof(uint)) Read<uint>(rg, field, destination, rows, v => v);
        else if (t == typeof(ulong)) Read<ulong>(rg, field, destination, rows, v => v);
        else if (t == typeof(decimal)) Read<decimal>(rg, field, destination, rows, v => (double)v);
        else if (t == typeof(bool)) Read<bool>(rg, field, destination, rows, v => v ? 1 : 0);
        else throw new InvalidOperationException(t.Name);
    }

    private static void Read<T>(ParquetRowGroupReader rg, DataField field, double[] destination, int rows, Func<T, double> convert) where T : struct
    {
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
        for (var i = 0; i < rows; i++) if (!double.IsFinite(destination[i])) destination[i] = double.NaN;
    }

    private static bool IsNumeric(Type t) =>
        t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte)
        || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(decimal) || t == typeof(bool);

    private static bool IsText(Type t) =>
        t == typeof(string) || t == typeof(ReadOnlyMemory<char>) || t == typeof(ReadOnlyMemory<byte>) || t == typeof(byte[]);

    private static string TypeName(DataField f) => (IsText(f.ClrType) ? "string" : f.ClrType.Name.ToLowerInvariant()) + (f.IsNullable ? "?" : "");

    private FileStream OpenStream()
    {
        try
        {
            return new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModaDataException(Path, $"cannot open the file: {e.Message}");
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
    public void Dispose() { }
}
