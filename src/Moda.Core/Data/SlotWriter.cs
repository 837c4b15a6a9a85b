using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Moda.Data;

/// <summary>
/// Writes the cells of one requested column into a batch slot for the binary readers: numbers to
/// a numeric slot (NaN for missing), or to a categorical slot as their value label (unlabelled
/// numbers as invariant text, the code kept in the dictionary); text to either kind. Applies the
/// request's missing codes to numbers, to labels and to text. Allocation happens only for a value
/// not seen before.
/// </summary>
internal sealed class SlotWriter
{
    private readonly string _path;
    private readonly ColumnRequest _request;
    private readonly MissingCodes _missing;
    private readonly IReadOnlyDictionary<double, string>? _numberLabels;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>? _textLabels;
    private readonly Dictionary<double, int> _numberCodes = [];
    private double _lastValue = double.NaN;
    private int _lastCode;
    private CategoryDictionary? _dict;
    private char[] _chars = new char[256];

    public SlotWriter(string path, ColumnRequest request, IReadOnlyDictionary<double, string>? numberLabels = null,
        IReadOnlyDictionary<string, string>? textLabels = null)
    {
        _path = path;
        _request = request;
        _missing = new MissingCodes(request.MissingCodes);
        _numberLabels = numberLabels is { Count: > 0 } ? numberLabels : null;
        if (textLabels is { Count: > 0 })
            _textLabels = new Dictionary<string, string>(textLabels, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ColumnKind Kind => _request.Kind;

    public string Name => _request.Name;

    /// <summary>Ties the writer to the dictionary of its slot (one per read).</summary>
    public void Bind(ColumnBatch batch, int slot) => _dict = batch.Categories[slot];

    /// <summary>A number read from the file (NaN when the file says missing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PutNumber(ColumnBatch batch, int slot, int row, double value)
    {
        if (_request.Kind == ColumnKind.Numeric)
            batch.Numbers[slot]![row] = double.IsNaN(value) || _missing.IsMissingNumber(value) ? double.NaN : value;
        else
            batch.Codes[slot]![row] = double.IsNaN(value) ? -1 : CodeOf(value);
    }

    // The category code of a number; runs of one value (a stratum, a cluster) skip the lookup.
    private int CodeOf(double value)
    {
        if (value != _lastValue)
        {
            if (!_numberCodes.TryGetValue(value, out _lastCode))
            {
                _lastCode = NewNumberCode(value);
                _numberCodes[value] = _lastCode;
            }
            _lastValue = value;
        }
        return _lastCode;
    }

    /// <summary>
    /// True when numbers go into the slot as read (a numeric slot, no missing code is a number):
    /// a reader may then store them itself, NaN for missing.
    /// </summary>
    public bool StoresNumbersAsRead => _request.Kind == ColumnKind.Numeric && !_missing.HasNumericCodes;

    /// <summary>A run of numbers read from the file (NaN when missing) into rows from <paramref name="row"/> on.</summary>
    public void PutNumbers(ColumnBatch batch, int slot, int row, ReadOnlySpan<double> values)
    {
        if (StoresNumbersAsRead)
        {
            values.CopyTo(batch.Numbers[slot].AsSpan(row)); // NaN stays NaN; no code to compare with
            return;
        }
        for (var i = 0; i < values.Length; i++) PutNumber(batch, slot, row + i, values[i]);
    }

    private int NewNumberCode(double value)
    {
        if (_missing.IsMissingNumber(value)) return -1;
        if (_numberLabels is not null && _numberLabels.TryGetValue(value, out var label))
            return IsMissingLabel(label) ? -1 : _dict!.GetOrAdd(label, value);
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (_missing.IsMissingText(text)) return -1;
        return _numberLabels is not null ? _dict!.GetOrAdd(text, value) : _dict!.GetOrAdd(text);
    }

    /// <summary>Text read from the file, already decoded; surrounding spaces are ignored.</summary>
    public void PutText(ColumnBatch batch, int slot, int row, ReadOnlySpan<char> text, long observation)
    {
        text = text.Trim(" \t\0");
        var missing = _missing.IsMissingText(text);
        if (_request.Kind == ColumnKind.Numeric)
        {
            if (missing)
            {
                batch.Numbers[slot]![row] = double.NaN;
                return;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
            {
                batch.Numbers[slot]![row] = _missing.IsMissingNumber(v) ? double.NaN : v;
                return;
            }
            throw new ModaDataException(_path,
                $"observation {observation}: '{text}' is not a number (a rule or the design reads this variable as numeric; list the code in missingValues if it means missing)",
                0, _request.Name);
        }
        if (missing)
        {
            batch.Codes[slot]![row] = -1;
            return;
        }
        if (_textLabels is { } labels && labels.TryGetValue(text, out var label))
        {
            batch.Codes[slot]![row] = IsMissingLabel(label) ? -1 : _dict!.GetOrAdd(label);
            return;
        }
        batch.Codes[slot]![row] = _dict!.GetOrAdd(text);
    }

    /// <summary>Encoded text: decodes it (strictly: bytes that are not valid text are a data error) and puts it.</summary>
    public void PutBytes(ColumnBatch batch, int slot, int row, ReadOnlySpan<byte> bytes, Encoding encoding, long observation)
    {
        var end = bytes.IndexOf((byte)0);
        if (end >= 0) bytes = bytes[..end];
        var max = encoding.GetMaxCharCount(bytes.Length);
        if (max > _chars.Length) _chars = new char[Math.Max(max, _chars.Length * 2)];
        int n;
        try
        {
            n = encoding.GetChars(bytes, _chars);
        }
        catch (DecoderFallbackException)
        {
            throw new ModaDataException(_path, $"observation {observation}: the text is not valid {encoding.WebName}", 0, _request.Name);
        }
        PutText(batch, slot, row, _chars.AsSpan(0, n), observation);
    }

    // A label listed as a missing code (an empty label is just an empty label).
    private bool IsMissingLabel(string label) => label.Length > 0 && _missing.IsMissingText(label);

    /// <summary>A float as the decimal it displays as (so 0.1f reads as 0.1, like the same value written to CSV).</summary>
    public static double FromFloat(float f)
    {
        double d = f;
        if (!float.IsFinite(f) || (Math.Abs(d) < 16777216 && d == Math.Floor(d))) return d;
        Span<char> buffer = stackalloc char[32];
        f.TryFormat(buffer, out var n, default, CultureInfo.InvariantCulture);
        return double.Parse(buffer[..n], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
