using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>The fast decimal parser gives exactly what double.Parse gives, and rejects what it rejects.</summary>
public class NumberParserProperties
{
    private static bool SameAsBcl(string text)
    {
        var ok = NumberParser.TryParse(Encoding.UTF8.GetBytes(text), out var fast);
        var bclOk = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bcl) && double.IsFinite(bcl);
        return ok == bclOk && (!ok || BitConverter.DoubleToInt64Bits(fast) == BitConverter.DoubleToInt64Bits(bcl));
    }

    [Property(MaxTest = 2000)]
    public Property DecimalsRoundTripLikeTheBcl() =>
        Prop.ForAll(
            Gen.Choose(0, 1).Select(s => s == 1 ? "-" : "")
                .SelectMany(_ => Gen.Choose(0, 999_999_999), (sign, whole) => (sign, whole))
                .SelectMany(_ => Gen.Choose(0, 9), (a, scale) => (a.sign, a.whole, scale))
                .Select(t => t.scale == 0 ? $"{t.sign}{t.whole}" : $"{t.sign}{t.whole / 1000}.{(t.whole % 1000).ToString(CultureInfo.InvariantCulture).PadLeft(t.scale % 4, '0')}")
                .ToArbitrary(),
            SameAsBcl);

    [Property(MaxTest = 1000)]
    public bool AnyDoubleFormattedRoundTrips(double x) =>
        !double.IsFinite(x) || SameAsBcl(x.ToString("R", CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("-2.25")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456789")]
    [InlineData("0.1234567890123456789")]
    [InlineData("1e5")]
    [InlineData("1E-3")]
    [InlineData("+3")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("0x10")]
    [InlineData("00012.500")]
    [InlineData(" 12")]     // describe reads a text column's values as numbers through it: cells keep their spaces
    [InlineData("12 ")]
    [InlineData("\t3")]
    [InlineData("1 2")]
    public void EdgeCasesMatchTheBcl(string text) => Assert.True(SameAsBcl(text), text);
}
