using System.Text.Unicode;

namespace Moda.Data;

/// <summary>
/// Encodes UTF-8 cells of one categorical column into a <see cref="CategoryDictionary"/>,
/// remembering the last cell: survey files list the children of a PSU together, so most cells
/// repeat the previous one and cost a byte comparison instead of a lookup.
/// </summary>
public sealed class CategoryEncoder(CategoryDictionary dictionary)
{
    private byte[] _last = [];
    private int _lastLength = -1;
    private int _lastCode = -1;
    private char[] _chars = [];

    /// <summary>The dictionary codes are added to.</summary>
    public CategoryDictionary Dictionary => dictionary;

    /// <summary>The code of a (non-missing) cell.</summary>
    public int Encode(ReadOnlySpan<byte> cell)
    {
        if (cell.Length == _lastLength && cell.SequenceEqual(_last.AsSpan(0, _lastLength))) return _lastCode;
        var code = Utf8.IsValid(cell) ? dictionary.GetOrAdd(cell) : EncodeInvalid(cell);
        if (_last.Length < cell.Length) _last = new byte[Math.Max(cell.Length, 2 * _last.Length)];
        cell.CopyTo(_last);
        _lastLength = cell.Length;
        _lastCode = code;
        return code;
    }

    // Bytes that are not UTF-8 are read as the text they decode to (U+FFFD for each bad
    // sequence), so two cells that read the same are one category.
    private int EncodeInvalid(ReadOnlySpan<byte> cell)
    {
        var max = System.Text.Encoding.UTF8.GetMaxCharCount(cell.Length);
        if (max > _chars.Length) _chars = new char[max];
        var n = System.Text.Encoding.UTF8.GetChars(cell, _chars);
        return dictionary.GetOrAdd(_chars.AsSpan(0, n));
    }
}
