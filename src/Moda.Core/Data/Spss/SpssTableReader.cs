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
        var cases = new CaseRun(_dict, vars);
        using var source = new SpssCaseSource(Path, _dict);
        long observation = 0;
        while (_dict.Cases < 0 || observation < _dict.Cases)
        {
            var want = (int)Math.Min(Math.Min(cases.Capacity, batchRows - batch.Count), _dict.Cases < 0 ? long.MaxValue : _dict.Cases - observation);
            var got = cases.Read(source, want, observation + 1);
            FillRows(cases, got, batch, vars, writers, observation + 1);
            cases.ThrowPending();
            if (got < want && _dict.Cases >= 0)
                throw new ModaDataException(Path, $"the data end after {observation + got} cases; the header declares {_dict.Cases}");
            observation += got;
            if (got < want) break;
            if (batch.Count == batchRows)
            {
                yield return batch;
                batch.FirstRow += batch.Count;
                batch.Count = 0;
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    // Consecutive cases into the batch's next rows: numbers column by column (they cannot fail),
    // then text row by row, so the first bad cell reported is the first in the file.
    private void FillRows(CaseRun cases, int count, ColumnBatch batch, SpssVariable[] vars, SlotWriter[] writers, long firstObservation)
    {
        var row0 = batch.Count;
        for (var i = 0; i < count; i++) batch.Lines[row0 + i] = firstObservation + i;
        var big = _dict.BigEndian;
        var bytes = cases.Bytes;
        var stride = cases.CaseBytes;
        var texts = false;
        for (var s = 0; s < vars.Length; s++)
        {
            var v = vars[s];
            if (!v.IsNumeric)
            {
                texts = true;
                continue;
            }
            var writer = writers[s];
            var userMissing = v.HasUserMissing;
            if (writer.StoresNumbersAsRead && !userMissing)
            {
                // Without branches on the values (missing cells come in no order the CPU can guess).
                var numbers = batch.Numbers[s].AsSpan(row0, count);
                for (int i = 0, at = 8 * v.Element; i < numbers.Length; i++, at += stride)
                {
                    var cell = bytes.AsSpan(at, 8);
                    var bits = big ? BinaryPrimitives.ReadInt64BigEndian(cell) : BinaryPrimitives.ReadInt64LittleEndian(cell);
                    var missing = bits == SystemMissingBits || (bits & InfinityBits) == InfinityBits;
                    numbers[i] = BitConverter.Int64BitsToDouble(missing ? NaNBits : bits);
                }
                continue;
            }
            for (int i = 0, at = 8 * v.Element; i < count; i++, at += stride)
            {
                var cell = bytes.AsSpan(at, 8);
                var value = BitConverter.Int64BitsToDouble(big ? BinaryPrimitives.ReadInt64BigEndian(cell) : BinaryPrimitives.ReadInt64LittleEndian(cell));
                if (value == -double.MaxValue || !double.IsFinite(value) || (userMissing && v.IsUserMissing(value))) value = double.NaN;
                writer.PutNumber(batch, s, row0 + i, value);
            }
        }
        if (texts)
            for (var i = 0; i < count; i++)
                for (var s = 0; s < vars.Length; s++)
                    if (!vars[s].IsNumeric)
                        PutText(bytes.AsSpan(i * stride, stride), cases.Text, batch, row0 + i, s, vars[s], writers[s], firstObservation + i);
        batch.Count += count;
    }

    private static readonly long SystemMissingBits = BitConverter.DoubleToInt64Bits(-double.MaxValue);
    private static readonly long NaNBits = BitConverter.DoubleToInt64Bits(double.NaN);
    private const long InfinityBits = 0x7FF0000000000000; // exponent all ones: infinity or NaN

    // One case's string variable into its slot.
    private void PutText(ReadOnlySpan<byte> caseBytes, byte[] text, ColumnBatch batch, int row, int s, SpssVariable v, SlotWriter writer, long observation)
    {
        var n = 0;
        foreach (var (element, width) in v.Segments)
        {
            var take = Math.Min(width, 255);
            caseBytes.Slice(8 * element, take).CopyTo(text.AsSpan(n));
            n += take;
        }
        n = Math.Min(n, v.Width);
        try
        {
            if (v.MissingStrings.Count > 0 && v.MissingStrings.Contains(_dict.Encoding.GetString(text, 0, n).TrimEnd(' ')))
                writer.PutText(batch, s, row, "", observation);
            else
                writer.PutBytes(batch, s, row, text.AsSpan(0, n), _dict.Encoding, observation);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new ModaDataException(Path, $"case {observation}: the text is not valid {_dict.EncodingName}", 0, v.Name);
        }
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
        var cases = new CaseRun(_dict, vars);
        using var source = new SpssCaseSource(Path, _dict, _starts[chunk.Index]);
        for (var r = 0; r < chunk.Length;)
        {
            var want = Math.Min(cases.Capacity, chunk.Length - r);
            var got = cases.Read(source, want, chunk.FirstRow + r + 1);
            FillRows(cases, got, batch, vars, writers, chunk.FirstRow + r + 1);
            cases.ThrowPending();
            if (got < want)
                throw new ModaDataException(Path, $"the data end after {chunk.FirstRow + r + got} cases; the header declares {_dict.Cases}");
            r += got;
        }
    }

    private SpssVariable[] Resolve(IReadOnlyList<ColumnRequest> columns) =>
        columns.Select(c => _dict.Variables.FirstOrDefault(v => v.Name == c.Name)
            ?? throw new ModaDataException(Path, $"no variable '{c.Name}'; the variables are: {string.Join(", ", ColumnNames)}", 0, c.Name)).ToArray();

    // A run of raw cases (up to 256, at most 1 MB unless one case is larger), decoded one after
    // another and then put column by column.
    private sealed class CaseRun
    {
        public CaseRun(SpssDictionary dict, SpssVariable[] vars)
        {
            CaseBytes = 8 * dict.CaseElements;
            Capacity = (int)Math.Clamp((1 << 20) / Math.Max(CaseBytes, 1), 1, 256);
            Bytes = new byte[(long)Capacity * CaseBytes];
            var longest = 8;
            foreach (var v in vars)
            {
                var width = 0;
                foreach (var (_, w) in v.Segments) width += Math.Min(w, 255);
                longest = Math.Max(longest, width);
            }
            Text = new byte[longest];
        }

        public int CaseBytes { get; }

        public int Capacity { get; }

        public byte[] Bytes { get; }

        /// <summary>Room for the longest requested string.</summary>
        public byte[] Text { get; }

        /// <summary>
        /// Reads up to <paramref name="count"/> cases; fewer at the end of the data, or before a
        /// damaged case, whose error waits in <see cref="ThrowPending"/> until the cases before it
        /// are put (so the first error reported is the first in the file).
        /// </summary>
        public int Read(SpssCaseSource source, int count, long firstObservation)
        {
            for (var i = 0; i < count; i++)
            {
                try
                {
                    if (!source.Next(Bytes.AsSpan(i * CaseBytes, CaseBytes), firstObservation + i)) return i;
                }
                catch (ModaDataException e)
                {
                    _pending = e;
                    return i;
                }
            }
            return count;
        }

        public void ThrowPending()
        {
            if (_pending is { } e) throw e;
        }

        private ModaDataException? _pending;
    }

    /// <inheritdoc />
    public void Dispose() { }
}
