using System.IO.Compression;
using Moda.Data;

namespace Moda.Tests.Data;

public class ParquetReaderTests
{
    [Fact]
    public void Every_value_and_null_matches_the_csv_twin_across_row_groups()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("parquet.parquet"));
        Assert.IsType<ParquetTableReader>(reader);
        var cells = TwinComparison.AssertSameAsTwins(reader, "parquet.values.csv", "parquet.labels.csv");
        Assert.True(cells > 300);
        Assert.Equal("int32", reader.Variables.Single(v => v.Name == "id").StorageType);
        Assert.True(reader.Variables.Single(v => v.Name == "has_tv").IsNumeric);
    }

    [Fact]
    public void Only_the_requested_columns_are_read_in_batches()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("parquet.parquet"));
        var sizes = reader.Read([new ColumnRequest("hh_weight", ColumnKind.Numeric, [])], 7).Select(b => b.Count).ToList();
        Assert.Equal([7, 7, 7, 7, 2], sizes);
    }

    [Fact]
    public void Gzipped_csv_reads_like_the_csv()
    {
        var dir = Directory.CreateTempSubdirectory("moda-gz");
        try
        {
            var gz = Path.Combine(dir.FullName, "children.csv.gz");
            using (var output = File.Create(gz))
            using (var zip = new GZipStream(output, CompressionLevel.Fastest))
            using (var input = File.OpenRead(TestPaths.Sample("hubei", "children.csv")))
                input.CopyTo(zip);
            using var plain = TableReaders.Open(TestPaths.Sample("hubei", "children.csv"));
            using var zipped = TableReaders.Open(gz);
            Assert.Equal(plain.ColumnNames, zipped.ColumnNames);
            Assert.Equal(TwinComparison.Numbers(plain, "haz"), TwinComparison.Numbers(zipped, "haz"));
            Assert.Equal(TwinComparison.Texts(plain, "county"), TwinComparison.Texts(zipped, "county"));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
