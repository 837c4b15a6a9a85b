using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>
/// The byte-paged category dictionary behaves as a list of distinct strings in order of first
/// appearance with a string-keyed index: the same codes whether values come as UTF-16 or UTF-8,
/// every value read back as added, across page boundaries and table growth.
/// </summary>
public class CategoryDictionaryProperties
{
    private static readonly string[] Alphabet = ["", "a", "b", "ab", "Yunxi", "湖北", "é", "1", "01", "1.0", " ", "NA", "😀", "a\0b"];

    private static Gen<string> Value() =>
        Gen.OneOf(Gen.Elements(Alphabet), Gen.Choose(0, 5000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.ArrayOf(Gen.Elements(Alphabet)).Select(parts => string.Concat(parts)));

    [Property(MaxTest = 300)]
    public Property CodesAreFirstAppearancesAndValuesReadBack() =>
        Prop.ForAll(Gen.ListOf(Value()).ToArbitrary(), Gen.Choose(0, 1).ToArbitrary(), (values, asBytes) =>
        {
            var dict = new CategoryDictionary();
            var reference = new List<string>();
            foreach (var v in values)
            {
                var code = asBytes == 1 ? dict.GetOrAdd(Encoding.UTF8.GetBytes(v)) : dict.GetOrAdd(v.AsSpan());
                var expected = reference.IndexOf(v);
                if (expected < 0)
                {
                    expected = reference.Count;
                    reference.Add(v);
                }
                if (code != expected) return false.Label($"'{v}' got code {code}, expected {expected}");
            }
            var snapshot = dict.Snapshot();
            return (dict.Count == reference.Count && dict.Values.SequenceEqual(reference) && snapshot.Values.SequenceEqual(reference)
                    && reference.Select((v, i) => dict.Find(v) == i && snapshot.Find(v) == i && dict.Utf8(i).SequenceEqual(Encoding.UTF8.GetBytes(v))).All(x => x)
                    && dict.Find("never added \u2603") == -1)
                .Label($"values {string.Join("|", dict.Values)}");
        });

    [Property(MaxTest = 200)]
    public Property AddingAnotherDictionaryWholeGivesTheCodesOfAddingItValueByValue() =>
        Prop.ForAll(Gen.ListOf(Value()).ToArbitrary(), Gen.ListOf(Value()).ToArbitrary(), (mine, theirs) =>
        {
            var other = new CategoryDictionary();
            foreach (var v in theirs) other.GetOrAdd(v.AsSpan());
            CategoryDictionary Start()
            {
                var d = new CategoryDictionary();
                foreach (var v in mine) d.GetOrAdd(v.AsSpan());
                return d;
            }
            var one = Start();
            var expected = Enumerable.Range(0, other.Count).Select(c => one.GetOrAdd(other, c)).ToArray();
            var whole = Start();
            var codes = new int[other.Count];
            whole.GetOrAddAll(other, codes);
            return (codes.SequenceEqual(expected) && whole.Values.SequenceEqual(one.Values))
                .Label($"codes {string.Join(",", codes)}, expected {string.Join(",", expected)}");
        });

    [Property(MaxTest = 200)]
    public Property AddingSomeOfAnotherDictionarysCodesGivesTheCodesOfAddingThemOneByOne() =>
        Prop.ForAll(Gen.ListOf(Value()).ToArbitrary(), Gen.NonEmptyListOf(Value()).ToArbitrary(), Gen.ListOf(Gen.Choose(-1, 40)).ToArbitrary(),
            (mine, theirs, picks) =>
            {
                var other = new CategoryDictionary();
                foreach (var v in theirs) other.GetOrAdd(v.AsSpan());
                // Codes of the other's values, repeats and missing (−1) among them, in any order.
                var asked = picks.Select(p => p < 0 ? -1 : p % other.Count).ToArray();
                CategoryDictionary Start()
                {
                    var d = new CategoryDictionary();
                    foreach (var v in mine) d.GetOrAdd(v.AsSpan());
                    return d;
                }
                var one = Start();
                var expected = asked.Select(c => c < 0 ? c : one.GetOrAdd(other, c)).ToArray();
                var many = Start();
                var codes = new int[asked.Length];
                many.GetOrAddMany(other, asked, codes);
                return (codes.SequenceEqual(expected) && many.Values.SequenceEqual(one.Values))
                    .Label($"codes {string.Join(",", codes)}, expected {string.Join(",", expected)}");
            });

    [Fact]
    public void ACodeTheOtherDictionaryDoesNotHaveIsRefused()
    {
        var other = new CategoryDictionary();
        other.GetOrAdd("a".AsSpan());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CategoryDictionary().GetOrAddMany(other, [0, 1], new int[2]));
        Assert.Throws<ArgumentException>(() => new CategoryDictionary().GetOrAddMany(other, [0, 0], new int[1]));
    }

    [Fact]
    public void ValuesOfEveryLengthSurvivePagesAndGrowth()
    {
        var dict = new CategoryDictionary();
        var values = new List<string> { "" };
        values.AddRange(Enumerable.Range(0, 200_000).Select(i => $"id-{i}"));
        values.Add(new string('x', (1 << 20) - 1));
        values.Add(new string('y', 1 << 20));
        values.Add(new string('z', (1 << 20) + 1));
        values.Add("after the long ones");
        values.Add(new string('w', 300));
        for (var i = 0; i < values.Count; i++) Assert.Equal(i, dict.GetOrAdd(values[i].AsSpan())); // all distinct
        Assert.Equal(values.Count, dict.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i], dict[i]);
            Assert.Equal(i, dict.Find(values[i]));
            Assert.Equal(i, dict.GetOrAdd(Encoding.UTF8.GetBytes(values[i])));
        }
        var other = new CategoryDictionary();
        Assert.Equal(0, other.GetOrAdd(dict, values.Count - 1));
        Assert.Equal(values[^1], other[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => dict.Utf8(values.Count));
    }

    [Fact]
    public void AnEmptyValueAfterAFullPageReadsBack()
    {
        var dict = new CategoryDictionary();
        // Pages 0, 1 and 2 (full), then "" before anything opens page 3.
        string[] values = ["a", new string('y', 1 << 20), new string('z', 1 << 20), ""];
        foreach (var v in values) dict.GetOrAdd(v.AsSpan());
        Assert.Equal(values, dict.Values);
        Assert.Equal(3, dict.Find(""));
    }

    [Fact]
    public void CellsThatAreNotUtf8AreTheTextTheyDecodeTo()
    {
        var dict = new CategoryDictionary();
        var encoder = new CategoryEncoder(dict);
        var a = encoder.Encode([0x61, 0xFF]);
        var b = encoder.Encode([0x61, 0xFE]);
        Assert.Equal(a, b);
        Assert.Equal("a\uFFFD", dict[a]);
        Assert.Equal(a, dict.GetOrAdd("a\uFFFD".AsSpan()));
        Assert.Equal(1, encoder.Encode("b"u8));
    }
}
