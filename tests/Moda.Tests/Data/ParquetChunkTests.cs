using System.Globalization;
using Moda.Data;
using Parquet;
using Parquet.Schema;

namespace Moda.Tests.Data;

/// <summary>
/// Reading a Parquet file in chunks (on several threads, each decoding its own row groups) gives
/// exactly the rows of reading it in order, whatever the row-group sizes: a chunk may take rows
/// from several row groups, and a row group may feed several chunks.
/// </summary>
public class ParquetChunkTests
{
    public static TheoryData<string, int> Files()
    {
        var data = new TheoryData<string, int>();
        // parquet.parquet has row groups of 8 rows (30 rows); the Hubei sample one of 4000.
        foreach (var f in new[] { TestPaths.Fixture("parquet.parquet"), TestPaths.Sample("hubei", "children.parquet") })
            foreach (var n in new[] { 1, 3, 7, 8, 16, 1000, 65536 })
                data.Add(Path.GetRelativePath(TestPaths.Root, f), n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Chunks_equal_the_sequential_read(string file, int rowsPerChunk) =>
        AssertChunksEqualSequential(Path.Combine(TestPaths.Root, file), rowsPerChunk);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(64)]
    public void Odd_row_group_sizes_read_the_same_in_chunks(int rowsPerChunk)
    {
        using var dir = new TempDirectory();
        var path = dir.File("odd.parquet");
        WriteParquet(path, Csv(TestPaths.Sample("hubei", "children.csv"), 1, 60), [1, 13, 5, 29, 2, 10]);
        AssertChunksEqualSequential(path, rowsPerChunk);
    }

    [Fact]
    public void Chunks_read_at_once_on_several_threads_in_any_order_equal_the_sequential_read()
    {
        using var reader = new ParquetTableReader(TestPaths.Fixture("parquet.parquet"));
        var requests = Requests(reader);
        var expected = BatchRows.Of(reader.Read(requests, 65536));
        var chunks = reader.Chunks(3); // row groups of 8: most feed three chunks
        var results = new List<string>[chunks.Count];
        Parallel.ForEach(chunks.Reverse(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, chunk =>
        {
            var batch = new ColumnBatch(requests, 3);
            reader.ReadChunk(chunk, batch);
            results[chunk.Index] = BatchRows.Of([batch]);
        });
        Assert.Equal(expected, results.SelectMany(r => r).ToList());
    }

    /// <summary>
    /// 140,000 rows in row groups of 70,001, 3 and 69,996: the first row group feeds two chunks of
    /// 65,536 rows and the second chunk reads from all three. The analysis is the CSV's, on any
    /// number of threads.
    /// </summary>
    [Fact]
    public void Row_groups_across_chunk_boundaries_give_the_csv_results_on_any_number_of_threads()
    {
        using var dir = new TempDirectory();
        var (header, rows) = Csv(TestPaths.Sample("hubei", "children.csv"), 35, int.MaxValue);
        var csv = dir.Write("big.csv", string.Join("\n", [string.Join(",", header), .. rows.Select(r => string.Join(",", r))]) + "\n");
        var parquet = dir.File("big.parquet");
        WriteParquet(parquet, (header, rows), [70_001, 3, rows.Count - 70_004]);
        var config = TestPaths.Sample("hubei", "moda.json");
        var expected = AnalysisJson.WithoutInput(AnalysisJson.Of(csv, config, "--threads", "1"));
        foreach (var threads in new[] { 1, 2, 3 })
            Assert.Equal(expected, AnalysisJson.WithoutInput(AnalysisJson.Of(parquet, config, "--threads", threads.ToString(CultureInfo.InvariantCulture))));
    }

    private static void AssertChunksEqualSequential(string path, int rowsPerChunk)
    {
        using var reader = new ParquetTableReader(path);
        var requests = Requests(reader);
        var expected = BatchRows.Of(reader.Read(requests, 65536));
        Assert.True(reader.CanReadChunks);
        var chunks = reader.Chunks(rowsPerChunk);
        Assert.Equal((expected.Count + rowsPerChunk - 1) / rowsPerChunk, chunks.Count);
        var actual = new List<string>();
        var batch = new ColumnBatch(requests, rowsPerChunk);
        foreach (var chunk in chunks)
        {
            reader.ReadChunk(chunk, batch);
            Assert.Equal(chunk.FirstRow, batch.FirstRow);
            Assert.Equal(chunk.Length, batch.Count);
            actual.AddRange(BatchRows.Of([batch]));
        }
        Assert.Equal(expected, actual);
    }

    private static ColumnRequest[] Requests(ITableReader reader) =>
        reader.Variables.Select(v => new ColumnRequest(v.Name, v.IsNumeric ? ColumnKind.Numeric : ColumnKind.Categorical, [""])).ToArray();

    // The rows of a simple CSV (no quotes), repeated `copies` times, at most `limit` rows.
    private static (string[] Header, List<string[]> Rows) Csv(string path, int copies, int limit)
    {
        var lines = File.ReadAllLines(path);
        var body = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        var rows = Enumerable.Repeat(body, copies).SelectMany(b => b).Take(limit).ToList();
        return (lines[0].Split(','), rows);
    }

    // Numeric columns as nullable doubles, the others as strings; row groups of the given sizes.
    private static void WriteParquet(string path, (string[] Header, List<string[]> Rows) table, int[] groupSizes)
    {
        var (header, rows) = table;
        Assert.Equal(rows.Count, groupSizes.Sum());
        var numeric = Enumerable.Range(0, header.Length).Select(j => rows.All(r => r[j].Length == 0 || double.TryParse(r[j], NumberStyles.Float, CultureInfo.InvariantCulture, out _))).ToArray();
        var fields = header.Select((h, j) => numeric[j] ? (DataField)new DataField<double?>(h) : new DataField<string>(h, true)).ToArray();
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        var start = 0;
        foreach (var size in groupSizes)
        {
            using (var group = writer.CreateRowGroup())
                for (var j = 0; j < header.Length; j++)
                {
                    var cells = rows.Skip(start).Take(size).Select(r => r[j]).ToArray();
                    if (numeric[j])
                        group.WriteAsync<double>(fields[j], cells.Select(c => c.Length == 0 ? (double?)null : double.Parse(c, CultureInfo.InvariantCulture)).ToArray().AsMemory())
                            .GetAwaiter().GetResult();
                    else
                        group.WriteAsync(fields[j], cells.Select(c => c.Length == 0 ? null : c).ToArray()!).GetAwaiter().GetResult();
                }
            start += size;
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
