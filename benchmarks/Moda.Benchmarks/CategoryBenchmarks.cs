using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Moda.Data;

namespace Moda.Benchmarks;

/// <summary>
/// Categorical cells into codes (<see cref="CategoryEncoder"/> and <see cref="CategoryDictionary"/>),
/// one million UTF-8 cells a run: an identifier column (every cell new: what <c>moda describe</c>
/// meets in a census file), and a PSU column of 5,000 values in runs of 200 (what every analysis
/// meets). Each against the string dictionary Moda used before, in the same run: decode the cell
/// to UTF-16, look it up in a <c>Dictionary&lt;string, int&gt;</c>, make a string when new.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[RowsPerOp(Cells)]
public class CategoryBenchmarks
{
    private const int Cells = 1_000_000;
    private byte[][] _ids = [];
    private byte[][] _psus = [];

    /// <summary>Makes the cells.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _ids = Enumerable.Range(1, Cells).Select(i => Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))).ToArray();
        _psus = Enumerable.Range(0, Cells).Select(i => Encoding.UTF8.GetBytes((1 + i / 200).ToString(CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>A million distinct identifiers.</summary>
    [Benchmark]
    public int Identifiers() => Encode(_ids);

    /// <summary>The same through the string dictionary.</summary>
    [Benchmark]
    public int IdentifiersAsStrings() => EncodeAsStrings(_ids);

    /// <summary>A PSU column: 5,000 values in runs of 200.</summary>
    [Benchmark]
    public int Psus() => Encode(_psus);

    /// <summary>The same through the string dictionary.</summary>
    [Benchmark]
    public int PsusAsStrings() => EncodeAsStrings(_psus);

    private static int Encode(byte[][] cells)
    {
        var encoder = new CategoryEncoder(new CategoryDictionary());
        var sum = 0;
        foreach (var cell in cells) sum += encoder.Encode(cell);
        return sum;
    }

    // What CategoryEncoder did before (the last cell remembered, as it still is).
    private static int EncodeAsStrings(byte[][] cells)
    {
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = codes.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[64];
        byte[]? last = null;
        int lastCode = -1, sum = 0;
        foreach (var cell in cells)
        {
            if (last is not null && cell.AsSpan().SequenceEqual(last))
            {
                sum += lastCode;
                continue;
            }
            var n = Encoding.UTF8.GetChars(cell, chars);
            if (!lookup.TryGetValue(chars.AsSpan(0, n), out var code))
            {
                code = codes.Count;
                codes.Add(new string(chars, 0, n), code);
            }
            last = cell;
            lastCode = code;
            sum += code;
        }
        return sum;
    }
}
