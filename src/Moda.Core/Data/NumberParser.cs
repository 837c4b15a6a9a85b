using System.Globalization;

namespace Moda.Data;

/// <summary>
/// Parses decimal numbers from UTF-8 bytes. Plain decimals with at most 15 significant digits
/// (the common case in survey files) take Clinger's fast path: an exact integer mantissa
/// divided by an exact power of ten is correctly rounded, so the result equals
/// <see cref="double.Parse(string)"/>. Anything else (exponents, long mantissas) goes to the BCL.
/// </summary>
public static class NumberParser
{
    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses <paramref name="s"/> (no surrounding spaces); false when it is not a finite number.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        if (s.Length == 1 && (uint)(s[0] - '0') <= 9)
        {
            value = s[0] - '0'; // a 0/1 flag: most cells of a deprivation file
            return true;
        }
        var i = 0;
        var negative = false;
        if (s.Length > 0 && (s[0] == (byte)'-' || s[0] == (byte)'+'))
        {
            negative = s[0] == (byte)'-';
            i = 1;
        }
        ulong mantissa = 0;
        int digits = 0, fraction = 0;
        var sawDot = false;
        var start = i;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            var d = (uint)(c - '0');
            if (d <= 9)
            {
                if (digits < 19) mantissa = mantissa * 10 + d;
                if (mantissa != 0 || digits > 0) digits++;
                if (sawDot) fraction++;
                continue;
            }
            if (c == (byte)'.' && !sawDot)
            {
                sawDot = true;
                continue;
            }
            return Slow(s, out value);
        }
        var length = i - start - (sawDot ? 1 : 0);
        if (length == 0) return Slow(s, out value);
        if (digits > 15 || fraction > 22) return Slow(s, out value);
        var v = fraction == 0 ? mantissa : mantissa / Powers[fraction];
        value = negative ? -v : v;
        return true;
    }

    private static bool Slow(ReadOnlySpan<byte> s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
