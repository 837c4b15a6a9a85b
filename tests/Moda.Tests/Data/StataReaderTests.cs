using Moda.Data;
using Moda.Data.Stata;

namespace Moda.Tests.Data;

public class StataReaderTests
{
    [Theory]
    [InlineData("pandas114.dta", "pandas114", 114)]
    [InlineData("pandas114be.dta", "pandas114be", 114)]
    [InlineData("pandas115.dta", "pandas114", 115)]
    [InlineData("pandas117.dta", "pandas117", 117)]
    [InlineData("pandas117be.dta", "pandas117be", 117)]
    [InlineData("pandas118.dta", "pandas118", 118)]
    [InlineData("pandas119.dta", "pandas119", 119)]
    [InlineData("haven118.dta", "haven118", 118)]
    [InlineData("foreign114.dta", "foreign114", 114)]
    public void Every_value_missing_flag_and_label_matches_the_csv_twin(string file, string twin, int version)
    {
        using var reader = (StataTableReader)TableReaders.Open(TestPaths.Fixture(file));
        Assert.Equal(version, reader.FormatVersion);
        Assert.Equal(30, reader.Observations);
        var cells = TwinComparison.AssertSameAsTwins(reader, twin + ".values.csv", twin + ".labels.csv");
        Assert.True(cells > 200);
    }

    [Fact]
    public void Every_stata_missing_code_reads_as_missing()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("haven118.dta"));
        var values = TwinComparison.Numbers(reader, "allmiss");
        Assert.Equal([1, 2.5, -3], values.Take(3));
        Assert.Equal(27, values.Skip(3).Count(double.IsNaN));
        Assert.All(TwinComparison.Texts(reader, "allmiss").Skip(3), Assert.Null);
    }

    [Fact]
    public void Variable_and_value_labels_are_attached()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("haven118.dta"));
        var county = reader.Variables.Single(v => v.Name == "county");
        Assert.Equal("County (县)", county.Label);
        Assert.True(county.IsNumeric);
        Assert.Equal("阳新县", county.ValueLabels.Single(l => l.Code == 1).Label);
        Assert.Equal(8, county.ValueLabels.Count);
        Assert.Equal("strL", reader.Variables.Single(v => v.Name == "note").StorageType);
        Assert.False(reader.Variables.Single(v => v.Name == "note").IsNumeric);
    }

    [Fact]
    public void A_labelled_category_keeps_its_code()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("pandas118.dta"));
        foreach (var b in reader.Read([new ColumnRequest("county", ColumnKind.Categorical, [])]))
        {
            var dict = b.Categories[0]!;
            Assert.Equal(1.0, dict.NumericCodeOf(dict.Find("阳新县")));
            Assert.Equal(9.0, dict.NumericCodeOf(dict.Find("9")));
        }
    }

    [Fact]
    public void Strl_longer_than_any_str_reads_whole()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("pandas117.dta"));
        var notes = TwinComparison.Texts(reader, "note");
        Assert.Equal(200 * "long note 05; ".Length - 1, notes[4]!.Length); // trailing space trimmed, as the CSV reader does
    }

    [Fact]
    public void Missing_codes_of_the_request_apply_to_numbers_and_labels()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("pandas118.dta"));
        var water = TwinComparison.Numbers(reader, "water_source", ["99"]);
        Assert.Equal(5, water.Count(double.IsNaN));
        var labels = TwinComparison.Texts(reader, "water_source", ["Don't know"]);
        Assert.Equal(5, labels.Count(l => l is null));
    }
}
