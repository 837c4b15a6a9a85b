using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>
/// The unquoted-CSV fast path reads exactly what CsvHelper reads: the same values (to the bit),
/// missing flags, categories and line numbers, and the same error for a bad file, whether it
/// parses a chunk itself or hands it to CsvHelper.
/// </summary>
public class UnquotedCsvTests
{
    private static readonly ColumnRequest[] Requests =
    [
        new("id", ColumnKind.Numeric, [""]),
        new("flag", ColumnKind.Numeric, ["", "NA", "99"]),
        new("county", ColumnKind.Categorical, ["", "NA"]),
    ];

    // A column read both as a number and as a category (a breakdown by a numeric column, --by age).
    private static readonly ColumnRequest[] BothKinds = [.. Requests, new("flag", ColumnKind.Categorical, ["", "NA"])];

    // The same, of a column with no numeric missing code, whose lone digits the fast path stores at once.
    private static readonly ColumnRequest[] BothKindsOfDigits =
        [Requests[0], new("flag", ColumnKind.Numeric, ["", "NA"]), Requests[2], new("flag", ColumnKind.Categorical, ["", "NA"])];

    private static readonly string[] NumberCells = ["0", "1", "1", "0", "7", " 1 ", "12.5", "-3", "", "NA", "99", "99.0", "1e3", "0.001"];
    private static readonly string[] TextCells = ["Tongshan", "Yunxi", "Yunxi", "湖北", " Hefeng ", "", "NA", "a b"];

    [Property(MaxTest = 300)]
    public Property ChunkedReadEqualsCsvHelpersSequentialRead() => ChunkedEqualsSequential(Requests);

    [Property(MaxTest = 200)]
    public Property AColumnReadAsBothKindsFillsBothSlots() => ChunkedEqualsSequential(BothKinds);

    [Property(MaxTest = 200)]
    public Property AColumnOfDigitsReadAsBothKindsFillsBothSlots() => ChunkedEqualsSequential(BothKindsOfDigits);

    // The same file read four ways: CsvHelper's sequential read; chunks cut from the file where
    // it lies (Chunks, the parallel path); chunks cut from its stream (StreamChunks), plain and
    // gzipped (the parallel path of .csv.gz), read a few bytes at a time, with or without a
    // byte-order mark. All give the same rows or the same error, and both cuts the same chunks.
    private static Property ChunkedEqualsSequential(ColumnRequest[] requests) =>
        Prop.ForAll(Files().ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(),
            (from bom in Gen.Elements(true, false) from blockBytes in Gen.Choose(1, 64) select (bom, blockBytes)).ToArbitrary(),
            (text, rowsPerChunk, read) =>
        {
            var (bom, blockBytes) = read;
            using var dir = new TempDirectory();
            var bytes = (bom ? [0xEF, 0xBB, 0xBF] : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
            var path = dir.WriteBytes("t.csv", bytes);
            var gz = dir.File("t.csv.gz");
            using (var zip = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Fastest))
                zip.Write(bytes);
            var expected = Outcome(() =>
            {
                using var r = new CsvTableReader(path);
                return BatchRows.Of(r.Read(requests, 4));
            });
            var cuts = new List<string>();
            var actual = Outcome(() =>
            {
                using var r = new CsvTableReader(path);
                var rows = new List<string>();
                var batch = new ColumnBatch(requests, rowsPerChunk);
                foreach (var chunk in r.Chunks(rowsPerChunk))
                {
                    cuts.Add($"{chunk.Index}:{chunk.Length}:{chunk.FirstLine}:{chunk.FirstRow}");
                    r.ReadChunk(chunk, batch);
                    rows.AddRange(BatchRows.Of([batch]));
                }
                return rows;
            });
            string Streamed(string file, List<string> streamedCuts) => Outcome(() =>
            {
                using var r = new CsvTableReader(file);
                var rows = new List<string>();
                var batch = new ColumnBatch(requests, rowsPerChunk);
                foreach (var chunk in r.StreamChunks(rowsPerChunk, blockBytes))
                    using (chunk)
                    {
                        streamedCuts.Add($"{chunk.Index}:{chunk.Length}:{chunk.FirstLine}:{chunk.FirstRow}");
                        r.ReadChunk(chunk, batch);
                        rows.AddRange(BatchRows.Of([batch]));
                    }
                return rows;
            });
            List<string> plainCuts = [], gzCuts = [];
            var streamedPlain = Streamed(path, plainCuts);
            var streamedGz = Streamed(gz, gzCuts).Replace(gz, path); // errors name the file read
            return (expected == actual && expected == streamedPlain && expected == streamedGz &&
                    (actual.StartsWith("error:") || (cuts.SequenceEqual(plainCuts) && cuts.SequenceEqual(gzCuts))))
                .Label($"sequential:\n{expected}\nchunked:\n{actual}\nstreamed:\n{streamedPlain}\nstreamed gz:\n{streamedGz}\n" +
                       $"cuts {string.Join(" ", cuts)} / {string.Join(" ", plainCuts)} / {string.Join(" ", gzCuts)}");
        });

    // The fast path scans a block of rows, then parses the block's other cells (numbers that are
    // not lone digits, categories): whatever the block, a file it takes gives CsvHelper's rows,
    // and its categories the codes of a row-by-row read (first met, first coded).
    [Property(MaxTest = 300)]
    public Property BlocksOfAnySizeGiveCsvHelpersRows() =>
        Prop.ForAll(Files().ToArbitrary(), Gen.Choose(1, 5).ToArbitrary(), Gen.Elements(Requests, BothKinds, BothKindsOfDigits).ToArbitrary(), (text, blockRows, requests) =>
        {
            using var dir = new TempDirectory();
            var path = dir.WriteBytes("t.csv", Encoding.UTF8.GetBytes(text));
            var expected = Outcome(() =>
            {
                using var r = new CsvTableReader(path);
                return Coded(r.Read(requests, 64));
            });
            var records = Encoding.UTF8.GetBytes(text[(text.IndexOf('\n') + 1)..]);
            var parser = new CsvRowParser(path, 4, requests, requests.Select(c => c.Name switch { "id" => 0, "flag" => 1, _ => 2 }).ToArray());
            var batch = new ColumnBatch(requests, 64);
            var taken = UnquotedCsvChunk.TryRead(records, (byte)',', parser, batch, parser.Encoders(batch), 2, blockRows);
            var actual = taken ? string.Join("\n", Coded([batch])) : "";
            // It takes every file without quotes that CsvHelper reads, and none that CsvHelper rejects.
            var simple = !text.Contains('"') && !expected.StartsWith("error:", StringComparison.Ordinal);
            return (taken == simple && (!taken || actual == expected))
                .Label($"taken {taken}, block {blockRows}\nCsvHelper:\n{expected}\nfast path:\n{actual}");
        });

    // BatchRows with each category's code beside its value.
    private static List<string> Coded(IEnumerable<ColumnBatch> batches) =>
        batches.SelectMany(b => BatchRows.Of([b]).Select((row, r) =>
            row + "#" + string.Join(",", b.Requests.Select((_, s) => b.Codes[s] is { } codes ? codes[r] : -9)))).ToList();

    [Theory]
    [InlineData("1,0,Yunxi\n2,1,Tongshan\n", true)]
    [InlineData("1,0,Yunxi\r\n2,1,Tongshan\r\n", true)]
    [InlineData("1,0,Yunxi\n\n2,1,Tongshan", true)]          // blank line skipped, last line unterminated
    [InlineData("1,NA,\n2,99,Tongshan\n", true)]
    [InlineData("1,0,\"Yunxi\"\n", false)]                   // a quote: CsvHelper's job
    [InlineData("1,0,Yunxi\r2,1,Tongshan\r", false)]         // CR line ends
    [InlineData("1,0\n", false)]                             // too few fields
    [InlineData("1,0,Yunxi,4\n", false)]                     // too many
    [InlineData("1,x,Yunxi\n", false)]                       // not a number
    public void TakesSimpleTextAndLeavesTheRestToCsvHelper(string records, bool simple)
    {
        var parser = new CsvRowParser("t.csv", 3, Requests, [0, 1, 2]);
        var batch = new ColumnBatch(Requests, 16);
        Assert.Equal(simple, UnquotedCsvChunk.TryRead(Encoding.UTF8.GetBytes(records), (byte)',', parser, batch, parser.Encoders(batch), 2));
        if (!simple) return;
        Assert.Equal(2, batch.Count);
        Assert.Equal(2, batch.Numbers[0]![1]);
        Assert.Equal(records.Contains("\n\n") ? 4 : 3, batch.Lines[1]);
    }

    // A file of 0-12 records over three columns and an unread one, LF or CRLF, blank lines, now
    // and then a quoted cell, a wrong field count or text in a numeric column.
    private static Gen<string> Files()
    {
        var number = Gen.Elements(NumberCells);
        var text = Gen.Elements(TextCells);
        var record = Gen.Frequency(
            (40, number.SelectMany(_ => number, (a, b) => (a, b)).SelectMany(_ => text, (ab, c) => $"{ab.a},{ab.b},{c},x")),
            (2, Gen.Constant("")),                       // a blank line
            (1, Gen.Constant("5,1,\"Hefeng, north\",x")), // quoted
            (1, Gen.Constant("5,1,Yunxi")),               // a field short
            (1, Gen.Constant("5,abc,Yunxi,x")));           // not a number
        return Gen.Choose(0, 12)
            .SelectMany(n => record.ListOf(n), (_, rs) => rs)
            .SelectMany(_ => Gen.Elements("\n", "\r\n"), (rs, eol) => (rs, eol))
            .SelectMany(_ => Gen.Elements(true, false), (t, last) =>
                "id,flag,county,other" + t.eol + string.Join(t.eol, t.rs) + (last ? t.eol : ""));
    }

    // The rows as text (numbers by their bits), or the error message.
    private static string Outcome(Func<List<string>> read)
    {
        try
        {
            return string.Join("\n", read());
        }
        catch (ModaDataException e)
        {
            return "error: " + e.Message;
        }
    }
}
