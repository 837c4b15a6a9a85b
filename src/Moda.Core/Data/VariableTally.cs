namespace Moda.Data;

// What one chunk says of a variable: its dictionary and, where the variable has value labels,
// the rows of each code; missing cells; the range of its numbers, or of its values read as numbers.
internal sealed record ChunkTally(long Rows, CategoryDictionary Values, int[]? Counts, long Missing, double Min, double Max,
                                 bool TextIsNumbers, double TextMin, double TextMax);

/// <summary>
/// A variable's summary as <c>moda describe</c> reads it: rows missing, distinct values (every one
/// kept, as UTF-8, in <see cref="Values"/>), rows per value where value labels ask for them, and
/// the range of its numbers or of its text read as numbers. Filled from chunks read on other
/// threads, in file order (<see cref="OfChunk"/>, <see cref="Add"/>), or from a read in order
/// (<see cref="AddShared"/>).
/// </summary>
internal sealed class VariableTally
{
    public int TextSlot = -1;               // -1: a number without value labels, read as a number only
    public int NumberSlot = -1;
    public bool CountsValues;               // value labels ask for the rows of each value
    public CategoryDictionary Values { get; private set; } = new();
    private readonly List<long> _counts = [];
    public long Missing;
    public double Min = double.PositiveInfinity, Max = double.NegativeInfinity;
    private bool _textIsNumbers = true;
    private double _textMin = double.PositiveInfinity, _textMax = double.NegativeInfinity;
    private bool _shared;                   // Values is the reader's own dictionary (one pass in order)

    // On a worker: the chunk's part, its dictionary's values read as numbers there too.
    public ChunkTally OfChunk(ColumnBatch batch)
    {
        if (TextSlot < 0)
        {
            var values = new CategoryDictionary();
            var (missingNumbers, low, high) = AddNumbers(values, batch.Numeric(NumberSlot));
            return new ChunkTally(batch.Count, values, null, missingNumbers, low, high, false, 0, 0);
        }
        var dict = batch.Categories[TextSlot]!;
        var counts = CountsValues ? new int[dict.Count] : null;
        long missing = 0;
        foreach (var code in batch.Categorical(TextSlot))
        {
            if (code < 0) missing++;
            else if (counts is not null) counts[code]++;
        }
        var (min, max) = NumberSlot >= 0 ? Range(batch.Numeric(NumberSlot)) : (double.PositiveInfinity, double.NegativeInfinity);
        var (isNumbers, textMin, textMax) = NumberSlot >= 0 ? (false, 0.0, 0.0) : TextRange(dict);
        return new ChunkTally(batch.Count, dict, counts, missing, min, max, isNumbers, textMin, textMax);
    }

    // In file order: a chunk's part joins the total.
    public void Add(ChunkTally chunk)
    {
        var dict = chunk.Values;
        var mine = new int[dict.Count];
        Values.GetOrAddAll(dict, mine);
        if (chunk.Counts is { } counts)
            for (var code = 0; code < dict.Count; code++) Count(mine[code], counts[code]);
        Missing += chunk.Missing;
        Min = Math.Min(Min, chunk.Min);
        Max = Math.Max(Max, chunk.Max);
        if (dict.Count == 0) return;
        _textIsNumbers &= chunk.TextIsNumbers;
        _textMin = Math.Min(_textMin, chunk.TextMin);
        _textMax = Math.Max(_textMax, chunk.TextMax);
    }

    // A batch of a read in order, whose dictionary is the read's (codes already file-wide).
    public void AddShared(ColumnBatch batch)
    {
        if (TextSlot < 0)
        {
            var (missingNumbers, low, high) = AddNumbers(Values, batch.Numeric(NumberSlot));
            Missing += missingNumbers;
            Min = Math.Min(Min, low);
            Max = Math.Max(Max, high);
            return;
        }
        Values = batch.Categories[TextSlot]!;
        _shared = true;
        foreach (var code in batch.Categorical(TextSlot))
        {
            if (code < 0) Missing++;
            else if (CountsValues) Count(code, 1);
        }
        if (NumberSlot < 0) return;
        var (min, max) = Range(batch.Numeric(NumberSlot));
        Min = Math.Min(Min, min);
        Max = Math.Max(Max, max);
    }

    private void Count(int code, long n)
    {
        while (_counts.Count <= code) _counts.Add(0);
        _counts[code] += n;
    }

    public long CountOf(string value) => Values.Find(value) is var code and >= 0 && code < _counts.Count ? _counts[code] : 0;

    // The range of the values when every one is a number.
    public (double, double)? TextRange()
    {
        if (Values.Count == 0) return null;
        var (isNumbers, min, max) = _shared ? TextRange(Values) : (_textIsNumbers, _textMin, _textMax);
        return isNumbers ? (min, max) : null;
    }

    private static (bool, double, double) TextRange(CategoryDictionary dict)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var code = 0; code < dict.Count; code++)
        {
            // NumberParser gives double.TryParse's answer (Float, invariant, finite), plain decimals
            // by a fast path: a chunk of identifiers is 65,536 values to read (10M CSV: 7% of the time).
            if (!NumberParser.TryParse(dict.Utf8(code), out var x)) return (false, 0, 0);
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        return (true, min, max);
    }

    // Numbers into a dictionary keyed by their bits (0 and −0 one value, as a categorical read of
    // them is); NaN is missing. Returns the missing count and the range. A run of one value (a
    // PSU's weight) is looked up once.
    private static (long Missing, double Min, double Max) AddNumbers(CategoryDictionary values, ReadOnlySpan<double> numbers)
    {
        long missing = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var last = double.NaN;
        Span<byte> bits = stackalloc byte[8];
        foreach (var v in numbers)
        {
            if (double.IsNaN(v))
            {
                missing++;
                continue;
            }
            if (v < min) min = v;
            if (v > max) max = v;
            if (v.Equals(last)) continue;
            last = v;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bits, BitConverter.DoubleToInt64Bits(v + 0.0));
            values.GetOrAdd(bits);
        }
        return (missing, min, max);
    }

    private static (double, double) Range(ReadOnlySpan<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }
}
