using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Moda.Data;

/// <summary>
/// The cell values that mean missing for one column: matched as text (UTF-8 bytes) and, for codes
/// that are numbers, as numbers too, so "99" also catches "99.0".
/// </summary>
internal sealed class MissingCodes
{
    private readonly byte[][] _texts;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _textLookup;
    private readonly double[] _numbers;
    private readonly bool[] _firstBytes = new bool[256]; // first bytes of the codes: most cells are rejected at once

    public MissingCodes(IEnumerable<string> codes)
    {
        var list = codes.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _texts = list.Select(Encoding.UTF8.GetBytes).ToArray();
        _textLookup = new HashSet<string>(list, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var t in _texts) _firstBytes[t[0]] = true;
        _numbers = list
            .Select(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
            .Where(double.IsFinite).ToArray();
    }

    /// <summary>
    /// True when some code reads as a number, so a numeric cell must be compared with the codes
    /// (<see cref="IsMissingNumber"/> can be true). A text code that starts with a digit but is not
    /// a number can never equal a number's text of one digit, nor a number.
    /// </summary>
    public bool HasNumericCodes => _numbers.Length > 0;

    /// <summary>True for an empty cell or a cell equal to one of the codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMissingText(ReadOnlySpan<byte> cell) => cell.IsEmpty || (_firstBytes[cell[0]] && IsTextCode(cell));

    private bool IsTextCode(ReadOnlySpan<byte> cell)
    {
        foreach (var t in _texts)
            if (cell.SequenceEqual(t)) return true;
        return false;
    }

    /// <summary>True for empty text or text equal to one of the codes (for readers that decode text first).</summary>
    public bool IsMissingText(ReadOnlySpan<char> cell) => cell.IsEmpty || _textLookup.Contains(cell);

    /// <summary>True for a number equal to one of the numeric codes.</summary>
    public bool IsMissingNumber(double value) => _numbers.Length != 0 && IsCode(value);

    private bool IsCode(double value)
    {
        foreach (var n in _numbers)
            if (value == n) return true;
        return false;
    }
}
