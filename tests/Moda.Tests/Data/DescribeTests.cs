using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Cli;
using Moda.Data;

namespace Moda.Tests.Data;

public class DescribeTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ModaCli.Run(args, output, error, false, false);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("children.dta")]
    [InlineData("children.sav")]
    public void Describe_lists_labels_with_counts_missing_and_range(string file)
    {
        var (code, text, err) = Run("describe", TestPaths.Sample("hubei", file), "--columns", "county,haz,water_source", "--format", "json");
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(text)!;
        Assert.Equal(4000, (long)json["rows"]!);
        var vars = json["variables"]!.AsArray();
        Assert.Equal(["county", "haz", "water_source"], vars.Select(v => (string)v!["name"]!));
        var county = vars[0]!;
        Assert.Equal("County", (string)county["label"]!);
        var labels = county["valueLabels"]!.AsArray();
        Assert.Equal(8, labels.Count);
        Assert.Equal(4000, labels.Sum(l => (long)l!["count"]!));

        // The counts agree with the CSV.
        using var csv = TableReaders.Open(TestPaths.Sample("hubei", "children.csv"));
        var yangxin = TwinComparison.Texts(csv, "county").Count(c => c == "Yangxin");
        Assert.Equal(yangxin, (long)labels.Single(l => (string)l!["label"]! == "Yangxin")!["count"]!);
        var haz = TwinComparison.Numbers(csv, "haz");
        Assert.Equal(haz.Count(double.IsNaN), (long)vars[1]!["missing"]!);
        Assert.Equal(haz.Where(double.IsFinite).Min(), (double)vars[1]!["min"]!);
        Assert.Equal(haz.Where(double.IsFinite).Max(), (double)vars[1]!["max"]!);
    }

    [Fact]
    public void Describe_prints_a_table_for_every_format()
    {
        foreach (var file in new[] { "children.csv", "children.dta", "children.sav", "children.parquet" })
        {
            var (code, text, err) = Run("describe", TestPaths.Sample("hubei", file));
            Assert.True(code == 0, err);
            Assert.Contains("4,000 rows, 31 variables", text);
            Assert.Contains("hh_weight", text);
        }
        var (_, dta, _) = Run("describe", TestPaths.Sample("hubei", "children.dta"), "--columns", "water_source");
        Assert.Contains("Unprotected well", dta);
    }

    [Fact]
    public void Describe_shows_user_missing_values()
    {
        var (code, text, _) = Run("describe", TestPaths.Fixture("haven.zsav"), "--columns", "income,water_source_main");
        Assert.Equal(0, code);
        Assert.Contains("user-missing: 9990 thru 9999", text);
        Assert.Contains("user-missing: 99", text);
    }

    // A description as text: every figure of every variable, so two can be compared whole.
    private static string Figures(DataDescription d) =>
        $"{d.Rows} rows\n" + string.Join("\n", d.Variables.Select(v =>
            $"{v.Info.Name}: missing {v.Missing} distinct {v.Distinct} min {v.Min:R} max {v.Max:R} " +
            string.Join(",", v.Labels.Select(l => $"{l.Label.Value}={l.Count}"))));

    [Theory]
    [InlineData("children.csv", 97)]
    [InlineData("children.dta", 97)]
    [InlineData("children.sav", 97)]
    [InlineData("children.parquet", 1000)] // a Parquet chunk decodes its row group's pages: fewer, larger chunks
    public void Chunks_read_on_two_threads_describe_a_file_as_one_pass_does(string file, int chunkRows)
    {
        using var one = TableReaders.Open(TestPaths.Sample("hubei", file));
        var inOrder = DataDescription.Of(one, threads: 1);
        Assert.Contains(inOrder.Variables, v => v.Labels.Count > 0 || file.EndsWith(".csv") || file.EndsWith(".parquet"));
        using var two = TableReaders.Open(TestPaths.Sample("hubei", file));
        var chunked = DataDescription.Of(two, null, 2, null, default, chunkRows);
        Assert.Equal(Figures(inOrder), Figures(chunked));
    }

    public static TheoryData<string> BinaryFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(TestPaths.Fixture("haven.zsav"))!).Order())
            if (f.EndsWith(".dta") || f.EndsWith(".sav") || f.EndsWith(".zsav") || f.EndsWith(".parquet")) data.Add(f);
        foreach (var f in new[] { "children.dta", "children.sav", "children.parquet" }) data.Add(TestPaths.Sample("hubei", f));
        return data;
    }

    // Numbers without value labels are described from their values; the counts are those of
    // reading them as categories (their text), as describe did before: one value per number.
    [Theory]
    [MemberData(nameof(BinaryFiles))]
    public void Numbers_are_counted_as_their_texts_would_be(string file)
    {
        using var reader = TableReaders.Open(file);
        var numbers = reader.Variables.Where(v => v.IsNumeric && v.ValueLabels.Count == 0).ToArray();
        Assert.NotEmpty(numbers);
        foreach (var threads in new[] { 1, 2 })
        {
            var description = DataDescription.Of(reader, null, threads, null, default, chunkRows: 1000);
            foreach (var v in numbers)
            {
                var texts = TwinComparison.Texts(reader, v.Name, ["NA"]);
                var summary = description.Variables.Single(s => s.Info.Name == v.Name);
                Assert.True(texts.Count(t => t is null) == summary.Missing, $"{v.Name}: missing");
                Assert.True(texts.Where(t => t is not null).Distinct().Count() == summary.Distinct, $"{v.Name}: distinct");
            }
        }
    }

    [Fact]
    public void Zero_and_negative_zero_are_one_value_and_NaN_is_missing()
    {
        var table = new Moda.Tests.Properties.InMemoryTable(5).Add("x", [0.0, 1.0, -0.0, double.NaN, 1.0]); // −0 not next to 0, so it is looked up
        var x = DataDescription.Of(new NumericView(table), null, 1).Variables.Single();
        Assert.Equal(2, x.Distinct);
        Assert.Equal(1, x.Missing);
        Assert.Equal(0.0, x.Min);
        Assert.Equal(1.0, x.Max);
    }

    // A table whose columns say they are numeric (as a .dta's do).
    private sealed class NumericView(ITableReader inner) : ITableReader
    {
        public string Path => inner.Path;
        public IReadOnlyList<string> ColumnNames => inner.ColumnNames;
        public IReadOnlyList<VariableInfo> Variables => ColumnNames.Select(n => VariableInfo.Text(n) with { IsNumeric = true }).ToArray();
        public IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536) => inner.Read(columns, batchRows);
        public void Dispose() => inner.Dispose();
    }

    private static readonly string[] Cells = ["0", "1", "12.5", "-3", "1e3", "", "NA", "Yunxi", "\"a,b\"", "湖北", " 7 ", "0.5"];

    [Property(MaxTest = 150)]
    public Property Any_chunking_of_a_csv_file_gives_the_one_pass_description() =>
        Prop.ForAll(Gen.ListOf(Gen.ArrayOf(Gen.Elements(Cells), 3)).Select(rows => rows.ToArray()).ToArbitrary(), Gen.Choose(1, 6).ToArbitrary(), (rows, chunkRows) =>
        {
            using var dir = new TempDirectory();
            var text = "a,b,c\n" + string.Concat(rows.Select(r => string.Join(",", r) + "\n"));
            var path = dir.Write("t.csv", text);
            var gz = dir.File("t.csv.gz");
            using (var zip = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Fastest))
                zip.Write(System.Text.Encoding.UTF8.GetBytes(text));
            using var one = TableReaders.Open(path);
            using var two = TableReaders.Open(path);
            using var streamed = TableReaders.Open(gz);
            var expected = Figures(DataDescription.Of(one, threads: 1));
            var actual = Figures(DataDescription.Of(two, null, 2, null, default, chunkRows));
            var cut = Figures(DataDescription.Of(streamed, null, 2, null, default, chunkRows)); // cut from the stream as it is read
            return (expected == actual && expected == cut).Label($"one pass:\n{expected}\nchunked:\n{actual}\nstreamed:\n{cut}");
        });

    [Fact]
    public void Threads_must_be_one_or_more_and_do_not_change_the_description()
    {
        var (code, _, err) = Run("describe", TestPaths.Sample("hubei", "children.csv"), "--threads", "0");
        Assert.Equal(2, code);
        Assert.Contains("--threads must be 1 or more", err);
        var one = Run("describe", TestPaths.Sample("hubei", "children.csv"), "--threads", "1", "--format", "json");
        var two = Run("describe", TestPaths.Sample("hubei", "children.csv"), "--threads", "2", "--format", "json");
        Assert.Equal(0, one.Code);
        Assert.Equal(one.Out, two.Out);
    }

    [Fact]
    public void Progress_shows_on_a_terminal_and_is_wiped_and_is_silent_otherwise()
    {
        var file = TestPaths.Sample("hubei", "children.csv");
        var quietErr = new StringWriter();
        Assert.Equal(0, ModaCli.Run(["describe", file], new StringWriter(), quietErr, false, false));
        Assert.Equal("", quietErr.ToString());
        var err = new StringWriter();
        Assert.Equal(0, ModaCli.Run(["describe", file], new StringWriter(), err, false, true));
        Assert.Contains("rows read", err.ToString());
        Assert.EndsWith("\r\x1b[K", err.ToString());
        var failed = new StringWriter();
        Assert.Equal(1, ModaCli.Run(["describe", file, "--columns", "nope"], new StringWriter(), failed, false, true));
        Assert.StartsWith("\r\x1b[K", failed.ToString().Replace("\rmoda: 0 rows read", ""));
    }

    [Fact]
    public void An_unknown_column_is_a_data_error_listing_the_variables()
    {
        var (code, _, err) = Run("describe", TestPaths.Sample("hubei", "children.dta"), "--columns", "nope");
        Assert.Equal(1, code);
        Assert.Contains("'nope'", err);
        Assert.Contains("hh_weight", err);
    }
}

public class InitFromFileTests
{
    [Theory]
    [InlineData("children.sav")]
    [InlineData("children.csv")]
    public void Init_from_a_file_proposes_a_configuration_that_runs(string file)
    {
        var output = new StringWriter();
        var data = TestPaths.Sample("hubei", file);
        Assert.Equal(0, Moda.Cli.ModaCli.Run(["init", "--from", data], output, new StringWriter(), false, false));
        var text = output.ToString();
        Assert.Contains("\"weight\": \"hh_weight\"", text);
        Assert.Contains("\"cluster\": \"psu\"", text);
        var spec = Moda.Configuration.SpecReader.Read(text);
        Assert.Contains(spec.Dimensions, d => d.Name == "left_behind");
        var results = ModaAnalyzer.Analyze(data, spec);
        Assert.Equal(4000, results.Input.Rows);
    }
}
