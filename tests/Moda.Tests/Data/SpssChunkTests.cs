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
        var expected = BatchRows.Of(reader.Read(requests, 65536));
        Assert.True(reader.CanReadChunks);
        var chunks = reader.Chunks(rowsPerChunk);
        var actual = new List<string>();
        var batch = new ColumnBatch(requests, rowsPerChunk);
        foreach (var chunk in chunks)
        {
            reader.ReadChunk(chunk, batch);
            Assert.Equal(chunk.FirstRow, batch.FirstRow);
            actual.AddRange(BatchRows.Of([batch]));
        }
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
    }
}
