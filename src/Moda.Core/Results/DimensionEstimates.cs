using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Moda.Results;

/// <summary>
/// One estimate per dimension, by dimension name, in the domain's dimension order: a read-only
/// dictionary over a names array that every cut-off of a domain shares and an array of its own.
/// A breakdown by thousands of areas holds tens of thousands of these (two per cut-off), where a
/// <see cref="Dictionary{TKey, TValue}"/> each took about three times the memory.
/// </summary>
public sealed class DimensionEstimates : IReadOnlyDictionary<string, Estimate>
{
    private readonly string[] _names;
    private readonly Estimate[] _values;

    /// <summary>The estimates <paramref name="values"/>[j] of dimensions <paramref name="names"/>[j] (distinct; both kept, not copied).</summary>
    public DimensionEstimates(string[] names, Estimate[] values)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (names.Length != values.Length) throw new ArgumentException($"{names.Length} names but {values.Length} estimates", nameof(values));
        _names = names;
        _values = values;
    }

    /// <inheritdoc />
    public Estimate this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no dimension '{key}'");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _names;

    /// <inheritdoc />
    public IEnumerable<Estimate> Values => _values;

    /// <inheritdoc />
    public int Count => _names.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => Array.IndexOf(_names, key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Estimate value)
    {
        var j = Array.IndexOf(_names, key);
        value = j >= 0 ? _values[j] : default;
        return j >= 0;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Estimate>> GetEnumerator()
    {
        for (var j = 0; j < _names.Length; j++) yield return new KeyValuePair<string, Estimate>(_names[j], _values[j]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
