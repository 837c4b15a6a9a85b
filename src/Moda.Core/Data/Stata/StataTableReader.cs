using System.Buffers.Binary;

namespace Moda.Data.Stata;

/// <summary>
/// Reads Stata .dta files, formats 113-115 and 117-119, either byte order: only the requested
/// variables, a chunk of whole observations at a time. Missing values (<c>.</c> and
/// <c>.a</c>-<c>.z</c>) read as NaN; a labelled numeric variable read as categorical gives its
/// value labels; str# and strL read as text (Latin-1 before format 118, UTF-8 from 118).
/// </summary>
public sealed class StataTableReader : IChunkedTableReader
{
    private const int ChunkBytes = 1 << 20;
    private readonly StataDictionary _dict;
    private Dictionary<(ulong V, ulong O), (long Offset, int Length)>? _strls;

    /// <summary>Opens a file and reads its header, variable descriptors and value labels.</summary>
    public StataTableReader(string path)
    {
        Path = path;
        using var input = new BinaryInput(path);
        _dict = StataDictionary.Read(input);
        ColumnNames = _dict.Variables.Select(v => v.Name).ToArray();
        Variables = _dict.Variables.Select(v => new VariableInfo(v.Name, v.StorageName,
            v.Type is not (StataType.Str or StataType.StrL), v.Label.Length > 0 ? v.Label : null,
            LabelsOf(v).Select(kv => ValueLabel.Numeric(kv.Key, kv.Value)).ToArray())).ToArray();
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ColumnNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<VariableInfo> Variables { get; }

    /// <inheritdoc />
    public bool CanReadChunks => true; // fixed-width records: chunk i starts at a computable offset

    /// <inheritdoc />
    public IReadOnlyList<TableChunk> Chunks(int rowsPerChunk)
    {
        var chunks = new List<TableChunk>();
        var width = (long)_dict.RecordWidth;
        for (long first = 0; first < _dict.Observations; first += rowsPerChunk)
        {
            var rows = Math.Min(rowsPerChunk, _dict.Observations - first);
            if (rows * width > int.MaxValue) throw new ModaDataException(Path, "records are too wide to read in chunks", first + 1);
            chunks.Add(new TableChunk(chunks.Count, _dict.DataOffset + first * width, (int)(rows * width), first + 1, first));
        }
        return chunks;
    }

    /// <inheritdoc />
    public void ReadChunk(TableChunk chunk, ColumnBatch batch)
    {
        var columns = batch.Requests;
        var vars = columns.Select(c => Find(c.Name)).ToArray();
        if (vars.Any(v => v.Type == StataType.StrL))
            lock (_dict) _strls ??= IndexStrls();
        batch.ResetCategories();
        batch.Count = 0;
        batch.FirstRow = chunk.FirstRow;
        var writers = columns.Select((c, i) => new SlotWriter(Path, c, LabelsOf(vars[i]))).ToArray();
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(chunk.Length, 1));
        try
        {
            using var input = new BinaryInput(Path);
            using var strlInput = _strls is null ? null : new BinaryInput(Path);
            var strlCache = new Dictionary<(ulong, ulong), string>();
            input.Position = chunk.Offset;
            input.Read(buffer.AsSpan(0, chunk.Length), $"observation {chunk.FirstRow + 1}");
            var width = _dict.RecordWidth;
            var rows = chunk.Length / Math.Max(width, 1);
            for (var r = 0; r < rows; r++)
                FillRow(buffer.AsSpan(r * width, width), batch, vars, writers, chunk.FirstRow + r + 1, strlInput, strlCache);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The .dta format number (113-119).</summary>
    public int FormatVersion => _dict.Version;

    /// <summary>Observations the header declares.</summary>
    public long Observations => _dict.Observations;

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536)
    {
        var vars = columns.Select(c => Find(c.Name)).ToArray();
        var writers = columns.Select((c, i) => new SlotWriter(Path, c, LabelsOf(vars[i]))).ToArray();
        if (vars.Any(v => v.Type == StataType.StrL)) _strls ??= IndexStrls();
        return ReadRows(columns, vars, writers, batchRows);
    }

    private IEnumerable<ColumnBatch> ReadRows(IReadOnlyList<ColumnRequest> columns, StataVariable[] vars, SlotWriter[] writers, int batchRows)
    {
        var batch = new ColumnBatch(columns, batchRows);
        for (var s = 0; s < writers.Length; s++) writers[s].Bind(batch, s);
        var width = _dict.RecordWidth;
        var chunkRows = (int)Math.Clamp(ChunkBytes / Math.Max(width, 1), 1, int.MaxValue);
        var buffer = new byte[(long)chunkRows * width];
        using var input = new BinaryInput(Path);
        using var strlInput = _strls is null ? null : new BinaryInput(Path);
        var strlCache = new Dictionary<(ulong, ulong), string>();
        input.Position = _dict.DataOffset;
        long observation = 0;
        while (observation < _dict.Observations)
        {
            var rows = (int)Math.Min(chunkRows, _dict.Observations - observation);
            input.Read(buffer.AsSpan(0, rows * width), $"observation {observation + 1}");
            for (var r = 0; r < rows; r++)
            {
                observation++;
                FillRow(buffer.AsSpan(r * width, width), batch, vars, writers, observation, strlInput, strlCache);
                if (batch.Count == batchRows)
                {
                    yield return batch;
                    batch.FirstRow += batch.Count;
                    batch.Count = 0;
                }
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    // One observation's requested cells into the batch's next row.
    private void FillRow(ReadOnlySpan<byte> record, ColumnBatch batch, StataVariable[] vars, SlotWriter[] writers, long observation,
                         BinaryInput? strlInput, Dictionary<(ulong, ulong), string> strlCache)
    {
        var row = batch.Count;
        batch.Lines[row] = observation;
        for (var s = 0; s < vars.Length; s++)
        {
            var v = vars[s];
            var cell = record.Slice(v.Offset, v.Width);
            switch (v.Type)
            {
                case StataType.Str:
                    writers[s].PutBytes(batch, s, row, cell, _dict.Encoding, observation);
                    break;
                case StataType.StrL:
                    writers[s].PutText(batch, s, row, Strl(cell, strlInput!, strlCache, v, observation), observation);
                    break;
                default:
                    writers[s].PutNumber(batch, s, row, Number(v.Type, cell, _dict.BigEndian));
                    break;
            }
        }
        batch.Count++;
    }

    /// <summary>A numeric cell; NaN for any of Stata's 27 missing values.</summary>
    internal static double Number(StataType type, ReadOnlySpan<byte> cell, bool big)
    {
        switch (type)
        {
            case StataType.Byte:
                var b = (sbyte)cell[0];
                return b > 100 ? double.NaN : b;
            case StataType.Int:
                var i = big ? BinaryPrimitives.ReadInt16BigEndian(cell) : BinaryPrimitives.ReadInt16LittleEndian(cell);
                return i > 32740 ? double.NaN : i;
            case StataType.Long:
                var l = big ? BinaryPrimitives.ReadInt32BigEndian(cell) : BinaryPrimitives.ReadInt32LittleEndian(cell);
                return l > 2147483620 ? double.NaN : l;
            case StataType.Float:
                var fb = big ? BinaryPrimitives.ReadInt32BigEndian(cell) : BinaryPrimitives.ReadInt32LittleEndian(cell);
                var f = BitConverter.Int32BitsToSingle(fb);
                return fb >= 0x7f000000 || float.IsNaN(f) ? double.NaN : SlotWriter.FromFloat(f);
            default:
                var db = big ? BinaryPrimitives.ReadInt64BigEndian(cell) : BinaryPrimitives.ReadInt64LittleEndian(cell);
                var d = BitConverter.Int64BitsToDouble(db);
                return db >= 0x7fe0000000000000 || !double.IsFinite(d) ? double.NaN : d;
        }
    }

    // A strL cell holds (v, o): the variable and observation whose GSO holds the text.
    private string Strl(ReadOnlySpan<byte> cell, BinaryInput input, Dictionary<(ulong, ulong), string> cache, StataVariable v, long observation)
    {
        ulong vv, oo;
        if (_dict.Version == 117)
        {
            vv = _dict.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(cell) : BinaryPrimitives.ReadUInt32LittleEndian(cell);
            oo = _dict.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(cell[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(cell[4..]);
        }
        else
        {
            var z = _dict.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(cell) : BinaryPrimitives.ReadUInt64LittleEndian(cell);
            var vBits = _dict.Version == 118 ? 16 : 24;
            vv = z & ((1UL << vBits) - 1);
            oo = z >> vBits;
        }
        if (vv == 0 && oo == 0) return "";
        if (cache.TryGetValue((vv, oo), out var text)) return text;
        if (!_strls!.TryGetValue((vv, oo), out var at))
            throw new ModaDataException(Path, $"observation {observation}: the strL points to ({vv}, {oo}), which the strls section does not hold", 0, v.Name);
        input.Position = at.Offset;
        var bytes = input.Bytes(at.Length, "a strL");
        text = input.Decode(bytes, _dict.Encoding, $"the strL of observation {observation}, variable '{v.Name}'", at.Offset);
        if (cache.Count < 65536) cache[(vv, oo)] = text;
        return text;
    }

    // Where each GSO's contents lie: (v, o) -> offset and length. Contents are read on demand.
    private Dictionary<(ulong, ulong), (long, int)> IndexStrls()
    {
        var index = new Dictionary<(ulong, ulong), (long, int)>();
        using var input = new BinaryInput(Path) { BigEndian = _dict.BigEndian };
        input.Position = _dict.StrlsOffset;
        while (input.Position < _dict.StrlsEnd)
        {
            var at = input.Position;
            var tag = input.Text(3, System.Text.Encoding.ASCII, "the strls");
            if (tag == "</s") break;
            if (tag != "GSO") throw input.Error($"expected GSO or </strls>, found '{tag}'", at);
            ulong v = input.U32("a GSO");
            var o = _dict.Version == 117 ? input.U32("a GSO") : input.U64("a GSO");
            var type = input.U8("a GSO");
            var length = input.U32("a GSO");
            if (type is not (129 or 130)) throw input.Error($"a GSO has type {type}; 129 (binary) or 130 (text) expected", at);
            if (length > input.Remaining || length > int.MaxValue)
                throw input.Error($"a GSO declares {length} bytes, but only {input.Remaining} are left in the file", at);
            index[(v, o)] = (input.Position, (int)length);
            input.Skip(length, "a GSO");
        }
        return index;
    }

    private StataVariable Find(string name)
    {
        foreach (var v in _dict.Variables)
            if (string.Equals(v.Name, name, StringComparison.Ordinal)) return v;
        throw new ModaDataException(Path, $"no variable '{name}'; the variables are: {string.Join(", ", ColumnNames)}", 0, name);
    }

    private IReadOnlyDictionary<double, string> LabelsOf(StataVariable v) =>
        v.LabelName.Length > 0 && v.Type is not (StataType.Str or StataType.StrL) && _dict.ValueLabels.TryGetValue(v.LabelName, out var t)
            ? t : EmptyLabels;

    private static readonly Dictionary<double, string> EmptyLabels = [];

    /// <inheritdoc />
    public void Dispose() { }
}
