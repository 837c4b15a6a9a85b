using System.Text;
using Moda.Configuration;
using Moda.Data;
using Moda.Results;

namespace Moda.Tests.Data;

/// <summary>Delimiters, BOM, quoting and whitespace: the same data in any accepted form gives the same results.</summary>
public class CsvFormatTests
{
    private const string Config = """
        { "k": 1, "weight": "w", "groupBy": ["region"],
          "dimensions": [
            { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] },
            { "name": "b", "indicators": [ { "name": "ib", "column": "region", "deprivedIf": "== \"north, upper\"" } ] } ] }
        """;

    // x first, so a BOM left on the header would break the column name.
    private static readonly string[][] Rows =
    [
        ["x", "w", "region"],
        ["1", "1.5", "north, upper"],
        ["0", "2", "south"],
        ["1", "0.5", "south"],
        ["0", "1", "north, upper"],
    ];

    private static string Csv(char delimiter) =>
        string.Concat(Rows.Select(r => string.Join(delimiter, r.Select(f => f.Contains(delimiter) ? $"\"{f}\"" : f)) + "\n"));

    private static GroupResult Run(byte[] bytes, string name = "data.csv")
    {
        using var dir = new TempDirectory();
        var file = dir.WriteBytes(name, bytes);
        return ModaAnalyzer.Analyze(file, SpecReader.Read(Config)).AgeGroups.Single();
    }

    private static void AssertExpected(GroupResult g)
    {
        Assert.Equal(4, g.Children);
        Assert.Equal(5.0, g.Population);
        Approx.Equal(2.0 / 5, g.Rate("a"));
        Approx.Equal(2.5 / 5, g.Rate("b"));
        Approx.Equal(3.0 / 5, g.Cutoffs.AtK(1).H); // rows 1, 3, 4: 1.5 + 0.5 + 1
        Assert.Equal(["north, upper", "south"], g.Breakdowns["region"].Select(v => v.Value));
    }

    [Fact]
    public void Comma() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv(','))));

    [Fact]
    public void Semicolon() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv(';'))));

    [Fact]
    public void Tab() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv('\t'))));

    [Fact]
    public void TabInATsvFile() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv('\t')), "data.tsv"));

    [Fact]
    public void SemicolonInATxtFile() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv(';')), "data.txt"));

    [Fact]
    public void ByteOrderMark() => AssertExpected(Run([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Csv(','))]));

    [Fact]
    public void ByteOrderMarkWithSemicolons() => AssertExpected(Run([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Csv(';'))]));

    [Fact]
    public void CrLfLineEndings() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv(',').Replace("\n", "\r\n"))));

    [Fact]
    public void NoFinalNewline() => AssertExpected(Run(Encoding.UTF8.GetBytes(Csv(',').TrimEnd('\n'))));

    [Fact]
    public void SpacesAroundFieldsAndHeaderNames()
    {
        var csv = " x , w ,region\n 1 , 1.5 ,\"north, upper\"\n0,2,south\n1,0.5,south\n0 ,1,\"north, upper\"\n";
        AssertExpected(Run(Encoding.UTF8.GetBytes(csv)));
    }

    [Fact]
    public void QuotedNumbersAndEscapedQuotes()
    {
        var csv = "\"x\",\"w\",\"region\"\n\"1\",\"1.5\",\"north, upper\"\n0,2,south\n1,0.5,\"south\"\n0,1,\"north, upper\"\n";
        AssertExpected(Run(Encoding.UTF8.GetBytes(csv)));
    }

    [Fact]
    public void Utf8CategoryValues()
    {
        const string config = """
            { "k": 1, "groupBy": ["county"],
              "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "county", "deprivedIf": "in [\"Xuan'en\", \"恩施\"]" } ] } ] }
            """;
        using var dir = new TempDirectory();
        var file = dir.Write("data.csv", "county\nXuan'en\n恩施\nWufeng\nWufeng\n");
        var g = ModaAnalyzer.Analyze(file, SpecReader.Read(config)).AgeGroups.Single();
        Approx.Equal(1.0 / 2, g.Rate("a"));
        Assert.Contains("恩施", g.Breakdowns["county"].Select(v => v.Value));
    }

    [Fact]
    public void ScientificNotationAndSigns()
    {
        const string config = """
            { "k": 1, "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "haz", "deprivedIf": "< -2" } ] } ] }
            """;
        using var dir = new TempDirectory();
        var file = dir.Write("data.csv", "haz\n-2.5e0\n+1\n-3\n.5\n-2\n");
        var g = ModaAnalyzer.Analyze(file, SpecReader.Read(config)).AgeGroups.Single();
        Approx.Equal(2.0 / 5, g.Rate("a"));
    }

    [Fact]
    public void HeaderIsReadByTheReader()
    {
        using var dir = new TempDirectory();
        var file = dir.WriteBytes("h.csv", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("id;age;county\n1;2;x\n")]);
        using var reader = TableReaders.Open(file);
        Assert.Equal(["id", "age", "county"], reader.ColumnNames);
    }

    // A chunk of only blank lines is an empty batch; a worker whose first batch it was failed
    // with an internal error (IndexOutOfRangeException) before the classifier sized its buffers.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrailingBlankLinesPastAChunkAreSkipped(int threads)
    {
        const string config = """
            { "k": 1, "dimensions": [ { "name": "a", "indicators": [ { "name": "ia", "column": "x", "deprivedIf": "== 1" } ] } ] }
            """;
        var rows = Moda.Estimation.HistogramBuilder.RowsPerChunk;
        var text = new StringBuilder("x\n");
        for (var r = 0; r < rows; r++) text.Append(r % 4 == 0 ? "1\n" : "0\n");
        text.Append("\n\n\n\n\n");
        using var dir = new TempDirectory();
        var file = dir.Write("data.csv", text.ToString());
        var results = ModaAnalyzer.Analyze(file, SpecReader.Read(config), new AnalysisOptions { Threads = threads });
        Assert.Equal(rows, results.Input.Rows);
        Approx.Equal(0.25, results.AgeGroups.Single().Rate("a"));
    }
}
