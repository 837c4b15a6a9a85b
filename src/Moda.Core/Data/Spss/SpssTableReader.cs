using System.Buffers.Binary;

namespace Moda.Data.Spss;

/// <summary>
/// Reads SPSS system files: uncompressed and bytecode-compressed <c>.sav</c>, and <c>.zsav</c>.
/// System-missing and user-missing values (discrete and ranges) read as missing; labelled values
/// read as categorical give their labels; text is decoded with the file's encoding (record 7.20,
/// else the code page of 7.3).
/// </summary>
public sealed class SpssTableReader : IChunkedTableReader
{
    private readonly SpssDictionary _dict;
    private List<SpssCaseSource.CaseStart> _starts = [];
    private long _scannedCases;

    /// <summary>Opens a file and reads its dictionary.</summary>
    public SpssTableReader(string path)
    {
        Path = path;
        using var input = new BinaryInput(path);
        _dict = SpssDictionary.Read(input);
        if (!_dict.Zlib && _dict.Compression == 0 && _dict.Cases > 0 && _dict.Cases > (input.Length - _dict.DataOffset) / Math.Max(8L * _dict.CaseElements, 1))
            throw input.Error($"the header declares {_dict.Cases} cases of {8 * _dict.CaseElements} bytes, more than the file holds", 80);
        ColumnNames = _dict.Variables.Select(v => v.Name).ToArray();
        Variables = _dict.Variables.Select(v => new VariableInfo(v.Name, v.IsNumeric ? "numeric" : $"A{v.Width}", v.IsNumeric,
            string.IsNullOrEmpty(v.Label) ? null : v.Label, v.LabelList) { MissingValues = v.MissingDescription() }).ToArray();
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<VariableInfo> Variables { get; }

    /// <summary>The text encoding the file declares.</summary>
    public string EncodingName => _dict.EncodingName;

    /// <summary>0 uncompressed, 1 bytecode, 2 zlib (.zsav).</summary>
    public int Compression => _dict.Compression;

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var vars = Resolve(columns);
        var writers = columns.Select((c, i) => new SlotWriter(Path, c, vars[i].NumberLabels, vars[i].TextLabels)).ToArray();
        return ReadRows(columns, vars, writers, batchRows);
    }

    private IEnumerable<ColumnBatch> ReadRows(IReadOnlyList<ColumnRequest> columns, SpssVariable[] vars, SlotWriter[] writers, int batchRows)
    {
        var batch = new ColumnBatch(columns, batchRows);
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        var caseBytes = new byte[8 * _dict.CaseElements];
        var text = TextBuffer(vars);
        using var source = new SpssCaseSource(Path, _dict);
        long observation = 0;
        while (_dict.Cases < 0 || observation < _dict.Cases)
        {
            if (!source.Next(caseBytes, observation + 1))
            {
                if (_dict.Cases >= 0)
                    throw new ModaDataException(Path, $"the data end after {observation} cases; the header declares {_dict.Cases}");
                break;
            }
            observation++;
            FillRow(caseBytes, text, batch, vars, writers, observation);
            if (batch.Count == batchRows)
            {
                yield return batch;
                batch.FirstRow += batch.Count;
                batch.Count = 0;
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    // One case's requested variables into the batch's next row.
    private void FillRow(byte[] caseBytes, byte[] text, ColumnBatch batch, SpssVariable[] vars, SlotWriter[] writers, long observation)
    {
        var big = _dict.BigEndian;
        var row = batch.Count;
        batch.Lines[row] = observation;
        for (var s = 0; s < vars.Length; s++)
        {
            var v = vars[s];
            if (v.IsNumeric)
            {
                var cell = caseBytes.AsSpan(8 * v.Element, 8);
                var value = BitConverter.Int64BitsToDouble(big ? BinaryPrimitives.ReadInt64BigEndian(cell) : BinaryPrimitives.ReadInt64LittleEndian(cell));
                if (value == -double.MaxValue || !double.IsFinite(value) || (v.HasUserMissing && v.IsUserMissing(value))) value = double.NaN;
                writers[s].PutNumber(batch, s, row, value);
            }
            else
            {
                var n = 0;
                foreach (var (element, width) in v.Segments)
                {
                    var take = Math.Min(width, 255);
                    caseBytes.AsSpan(8 * element, take).CopyTo(text.AsSpan(n));
                    n += take;
                }
                n = Math.Min(n, v.Width);
                try
                {
                    if (v.MissingStrings.Count > 0 && v.MissingStrings.Contains(_dict.Encoding.GetString(text, 0, n).TrimEnd(' ')))
                        writers[s].PutText(batch, s, row, "", observation);
                    else
                        writers[s].PutBytes(batch, s, row, text.AsSpan(0, n), _dict.Encoding, observation);
                }
                catch (System.Text.DecoderFallbackException)
                {
                    throw new ModaDataException(Path, $"case {observation}: the text is not valid {_dict.EncodingName}", 0, v.Name);
                }
            }
        }
        batch.Count++;
    }

    /// <inheritdoc />
    public bool CanReadChunks => !_dict.Zlib; // zlib blocks are read in order

    /// <inheritdoc />
    public IReadOnlyList<TableChunk> Chunks(int rowsPerChunk)
    {
        (_starts, _scannedCases) = SpssCaseSource.Scan(Path, _dict, rowsPerChunk);
        var chunks = new List<TableChunk>();
        for (var i = 0; i < _starts.Count && (long)i * rowsPerChunk < _scannedCases; i++)
        {
            var first = (long)i * rowsPerChunk;
            var rows = (int)Math.Min(rowsPerChunk, _scannedCases - first);
            chunks.Add(new TableChunk(i, _starts[i].Position, rows, first + 1, first));
        }
        return chunks;
    }

    /// <inheritdoc />
    /// <remarks>For this reader a chunk's <see cref="TableChunk.Length"/> is its number of cases.</remarks>
    public void ReadChunk(TableChunk chunk, ColumnBatch batch)
    {
        var columns = batch.Requests;
        var vars = Resolve(columns);
        batch.ResetCategories();
        batch.Count = 0;
        batch.FirstRow = chunk.FirstRow;
        var writers = columns.Select((c, i) => new SlotWriter(Path, c, vars[i].NumberLabels, vars[i].TextLabels)).ToArray();
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        var caseBytes = new byte[8 * _dict.CaseElements];
        var text = TextBuffer(vars);
        using var source = new SpssCaseSource(Path, _dict, _starts[chunk.Index]);
        for (var r = 0; r < chunk.Length; r++)
        {
            var observation = chunk.FirstRow + r + 1;
            if (!source.Next(caseBytes, observation))
                throw new ModaDataException(Path, $"the data end after {observation - 1} cases; the header declares {_dict.Cases}");
            FillRow(caseBytes, text, batch, vars, writers, observation);
        }
    }

    private SpssVariable[] Resolve(IReadOnlyList<ColumnRequest> columns) =>
        columns.Select(c => _dict.Variables.FirstOrDefault(v => v.Name == c.Name)
            ?? throw new ModaDataException(Path, $"no variable '{c.Name}'; the variables are: {string.Join(", ", ColumnNames)}", 0, c.Name)).ToArray();

    private static byte[] TextBuffer(SpssVariable[] vars) =>
        new byte[Math.Max(8, vars.Select(v => v.Segments.Sum(s => Math.Min(s.Width, 255))).DefaultIfEmpty(8).Max())];

    /// <inheritdoc />
    public void Dispose() { }
}
