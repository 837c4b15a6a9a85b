using System.Globalization;
using System.Text;
using CsvHelper;

namespace Moda.Data;

/// <summary>
/// Reads delimited text (comma, semicolon or tab, detected; UTF-8 with or without BOM) with
/// CsvHelper, parsing fields straight from UTF-8 spans so no string is made per numeric cell.
/// </summary>
public sealed class CsvTableReader : ITableReader
{
    private static readonly CsvReaderOptions Options = new()
    {
        HasHeader = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        SkipEmptyLines = true,
    };

    /// <summary>Opens a file and reads its header.</summary>
    public CsvTableReader(string path)
    {
        Path = path;
        using var reader = Open();
        ColumnNames = Guard(() => reader.Headers.Select(h => h.Trim()).ToArray(), reader);
        if (ColumnNames.Count == 0 || ColumnNames.All(string.IsNullOrEmpty))
            throw new ModaDataException(path, "the file is empty or has no header row", 1);
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames { get; }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var fields = columns.Select(c => FieldIndex(c.Name)).ToArray();
        var missing = columns.Select(c => new MissingCodes(c.MissingCodes)).ToArray();
        var batch = new ColumnBatch(columns, batchRows);
        using var reader = Open();
        _ = Guard(() => reader.Headers, reader);
        var chars = new char[256];
        long rows = 0;
        while (Guard(reader.Read, reader))
        {
            var row = batch.Count;
            batch.Lines[row] = reader.LineNumber;
            for (var slot = 0; slot < fields.Length; slot++)
            {
                var span = Trim(reader.GetSpan(fields[slot]));
                if (columns[slot].Kind == ColumnKind.Numeric)
                    batch.Numbers[slot]![row] = ParseNumber(span, missing[slot], reader.LineNumber, columns[slot].Name);
                else
                    batch.Codes[slot]![row] = missing[slot].IsMissingText(span) ? -1
                        : batch.Categories[slot]!.GetOrAdd(Decode(span, ref chars));
            }
            if (++batch.Count == batchRows)
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
    public void Dispose() { }

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

    private double ParseNumber(ReadOnlySpan<byte> span, MissingCodes missing, long line, string column)
    {
        if (missing.IsMissingText(span)) return double.NaN;
        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            if (double.IsNaN(value) || missing.IsMissingNumber(value)) return double.NaN;
            if (double.IsFinite(value)) return value;
        }
        throw new ModaDataException(Path,
            $"'{Encoding.UTF8.GetString(span)}' is not a number (a rule or the design reads this column as numeric; list the code in missingValues if it means missing)",
            line, column);
    }

    private static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8, ref char[] buffer)
    {
        if (Encoding.UTF8.GetMaxCharCount(utf8.Length) > buffer.Length)
            buffer = new char[Encoding.UTF8.GetMaxCharCount(utf8.Length)];
        var n = Encoding.UTF8.GetChars(utf8, buffer);
        return buffer.AsSpan(0, n);
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && (s[start] == (byte)' ' || s[start] == (byte)'\t')) start++;
        while (end > start && (s[end - 1] == (byte)' ' || s[end - 1] == (byte)'\t' || s[end - 1] == (byte)'\r')) end--;
        return s[start..end];
    }

    private T Guard<T>(Func<T> read, CsvReader reader)
    {
        try
        {
            return read();
        }
        catch (CsvFormatException e)
        {
            var line = e.LineNumber > 0 ? e.LineNumber : reader.LineNumber;
            throw new ModaDataException(Path, $"malformed CSV: {e.Message}", line, inner: e);
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException)
        {
            throw new ModaDataException(Path, $"cannot read the file: {e.Message}", reader.LineNumber, inner: e);
        }
    }
}
