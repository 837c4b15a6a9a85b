using System.Numerics;

namespace Moda.Estimation;

/// <summary>
/// An open-addressing hash map from non-negative <see cref="long"/> keys to <see cref="int"/>
/// values, with linear probing: the per-row lookup of the histogram without the overhead of
/// <see cref="Dictionary{TKey, TValue}"/>.
/// </summary>
internal sealed class LongIntMap
{
    private long[] _keys;
    private int[] _values;
    private int _count;
    private int _mask;

    public LongIntMap(int capacity = 1024)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _keys = new long[size];
        _values = new int[size];
        Array.Fill(_keys, -1);
        _mask = size - 1;
    }

    public int Count => _count;

    /// <summary>The value of <paramref name="key"/>, adding <paramref name="valueIfNew"/> when absent; <paramref name="added"/> tells which.</summary>
    public int GetOrAdd(long key, int valueIfNew, out bool added)
    {
        var i = Hash(key) & _mask;
        while (true)
        {
            var k = _keys[i];
            if (k == key)
            {
                added = false;
                return _values[i];
            }
            if (k < 0) break;
            i = (i + 1) & _mask;
        }
        _keys[i] = key;
        _values[i] = valueIfNew;
        added = true;
        if (++_count * 2 > _keys.Length) Grow();
        return valueIfNew;
    }

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        _keys = new long[keys.Length * 2];
        _values = new int[keys.Length * 2];
        Array.Fill(_keys, -1);
        _mask = _keys.Length - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            if (keys[j] < 0) continue;
            var i = Hash(keys[j]) & _mask;
            while (_keys[i] >= 0) i = (i + 1) & _mask;
            _keys[i] = keys[j];
            _values[i] = values[j];
        }
    }

    private static int Hash(long key)
    {
        var h = (ulong)key * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32);
    }
}
