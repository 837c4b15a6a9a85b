using Moda.Data;
using Moda.Data.Spss;

namespace Moda.Tests.Data;

/// <summary>
/// Reading an SPSS file in chunks (each started from the scan's case positions, in the middle of
/// bytecode command blocks) gives exactly the values of reading it in order.
/// </summary>
public class SpssChunkTests
{
    public static TheoryData<string, int> Files()
    {
        var data = new TheoryData<string, int>();
        var files = Directory.GetFiles(Path.Combine(TestPaths.Root, "tests", "fixtures"), "*.sav")
            .Append(TestPaths.Sample("hubei", "children.sav"));
        foreach (var f in files)
            foreach (var n in new[] { 1, 7, 1000, 65536 })
                data.Add(Path.GetRelativePath(TestPaths.Root, f), n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ChunksEqualTheSequentialRead(string file, int rowsPerChunk)
    {
        using var reader = new SpssTableReader(Path.Combine(TestPaths.Root, file));
        var requests = reader.Variables.Select(v => new ColumnRequest(v.Name, v.IsNumeric ? ColumnKind.Numeric : ColumnKind.Categorical, [""])).ToArray();
        var expected = Rows(reader.Read(requests, 65536));
        Assert.True(reader.CanReadChunks);
        var chunks = reader.Chunks(rowsPerChunk);
        var actual = new List<string>();
        var batch = new ColumnBatch(requests, rowsPerChunk);
        foreach (var chunk in chunks)
        {
            reader.ReadChunk(chunk, batch);
            Assert.Equal(chunk.FirstRow, batch.FirstRow);
            actual.AddRange(Rows([batch]));
        }
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
    }

    // Each row as text: numbers by their bits, categories by their value, so codes may differ.
    private static List<string> Rows(IEnumerable<ColumnBatch> batches)
    {
        var rows = new List<string>();
        foreach (var b in batches)
            for (var r = 0; r < b.Count; r++)
                rows.Add(b.Lines[r] + ":" + string.Join("|", b.Requests.Select((_, s) => b.Numbers[s] is { } n
                    ? BitConverter.DoubleToInt64Bits(n[r]).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : b.Codes[s]![r] < 0 ? "<missing>" : b.Categories[s]![b.Codes[s]![r]])));
        return rows;
    }
}
