using System.IO.Compression;
using System.Text;
using Moda.Cli;

namespace Moda.Tests.Data;

/// <summary>
/// A gzipped CSV file is cut into chunks as it is decompressed (one thread) and parsed on the
/// others: the chunks are those of the plain file, so the analysis gives the plain file's JSON on
/// any number of threads, and a damaged file is a data error naming it.
/// </summary>
public class GzipAnalysisTests
{
    [Fact]
    public void A_gzipped_file_of_several_chunks_gives_the_plain_files_json_on_any_number_of_threads()
    {
        using var dir = new TempDirectory();
        var (plain, gz) = Twins(dir);
        var expected = Comparable(Analyze(plain, "--threads", "2"));
        foreach (var file in new[] { plain, gz })
            foreach (var threads in new[] { "1", "2", "3" })
                Assert.Equal(expected, Comparable(Analyze(file, "--threads", threads)));
    }

    [Fact]
    public void A_truncated_damaged_or_not_gzipped_gz_file_is_a_data_error_naming_it()
    {
        using var dir = new TempDirectory();
        var (_, gz) = Twins(dir);
        var bytes = File.ReadAllBytes(gz);
        var cut = dir.WriteBytes("cut.csv.gz", bytes[..(bytes.Length / 2)]);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0x5A;
        var damaged = dir.WriteBytes("damaged.csv.gz", bytes);
        var notGzip = dir.Write("plain.csv.gz", File.ReadAllText(TestPaths.Sample("hubei", "children.csv")));
        foreach (var (file, message) in new[] { (cut, "cut.csv.gz"), (damaged, "damaged.csv.gz"), (notGzip, "plain.csv.gz: not a readable gzip file") })
            foreach (var threads in new[] { "1", "2" })
            {
                var error = new StringWriter();
                var code = ModaCli.Run(["analyze", file, "--config", TestPaths.Sample("hubei", "moda.json"), "--format", "json", "--threads", threads],
                    new StringWriter(), error, false, false);
                Assert.Equal(1, code);
                Assert.Contains(message, error.ToString());
                Assert.DoesNotContain("   at ", error.ToString());
            }
    }

    // The Hubei sample's records 45 times over (180,000 rows: three chunks of 65,536), with a blank
    // line now and then (a chunk counts lines, CsvHelper skips blank ones), plain and gzipped.
    private static (string Plain, string Gz) Twins(TempDirectory dir)
    {
        var lines = File.ReadAllLines(TestPaths.Sample("hubei", "children.csv"));
        var text = new StringBuilder(lines[0]).Append('\n');
        for (var copy = 0; copy < 45; copy++)
            for (var i = 1; i < lines.Length; i++)
            {
                text.Append(lines[i]).Append('\n');
                if (i % 997 == 0) text.Append('\n');
            }
        var plain = dir.Write("children.csv", text.ToString());
        var gz = dir.File("children.csv.gz");
        using (var zip = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            zip.Write(Encoding.UTF8.GetBytes(text.ToString()));
        return (plain, gz);
    }

    private static string Analyze(string file, params string[] extra) => AnalysisJson.Of(file, TestPaths.Sample("hubei", "moda.json"), extra);

    private static string Comparable(string json) => AnalysisJson.WithoutInput(json);
}
