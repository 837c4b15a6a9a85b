namespace Moda.Data;

/// <summary>
/// The distinct values of a categorical column in order of first appearance; a value's code is
/// its index. Shared by every batch of one read, so codes are stable across batches.
/// </summary>
public sealed class CategoryDictionary
{
    private readonly List<string> _values = [];
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates an empty dictionary.</summary>
    public CategoryDictionary() => _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Number of distinct values seen so far.</summary>
    public int Count => _values.Count;

    /// <summary>The value of a code.</summary>
    public string this[int code] => _values[code];

    /// <summary>The values, indexed by code.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>The code of a value, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var code)) return code;
        var s = value.ToString();
        code = _values.Count;
        _values.Add(s);
        _codes.Add(s, code);
        return code;
    }

    /// <summary>A copy with the same values and codes, for another thread to read while this one grows.</summary>
    public CategoryDictionary Snapshot()
    {
        var copy = new CategoryDictionary();
        foreach (var v in _values) copy.GetOrAdd(v);
        if (_numericCodes is not null) copy._numericCodes = [.. _numericCodes];
        return copy;
    }

    /// <summary>The code of a value, or -1 when it has not been seen.</summary>
    public int Find(string value) => _codes.TryGetValue(value, out var code) ? code : -1;

    // The numeric code behind each value (NaN for none), kept when a reader renders a labelled
    // number as its value label; null until the first such value.
    private List<double>? _numericCodes;

    /// <summary>
    /// The index of a value, adding it when new; <paramref name="numericCode"/> is the number the
    /// file stores for it (a labelled value's code), returned later by <see cref="NumericCodeOf"/>.
    /// </summary>
    public int GetOrAdd(ReadOnlySpan<char> value, double numericCode)
    {
        var before = _values.Count;
        var index = GetOrAdd(value);
        if (index == before)
        {
            _numericCodes ??= [];
            while (_numericCodes.Count < index) _numericCodes.Add(double.NaN);
            _numericCodes.Add(numericCode);
        }
        return index;
    }

    /// <summary>The number the file stores for the value at <paramref name="index"/> (a labelled code), or null.</summary>
    public double? NumericCodeOf(int index) =>
        _numericCodes is { } c && index >= 0 && index < c.Count && !double.IsNaN(c[index]) ? c[index] : null;
}
