using Moda.Data;
using Moda.Data.Spss;

namespace Moda.Tests.Data;

public class SpssReaderTests
{
    [Theory]
    [InlineData("haven_byte.sav", 1)]
    [InlineData("haven_none.sav", 0)]
    [InlineData("haven.zsav", 2)]
    public void Every_value_missing_flag_and_label_matches_the_csv_twin(string file, int compression)
    {
        using var reader = (SpssTableReader)TableReaders.Open(TestPaths.Fixture(file));
        Assert.Equal(compression, reader.Compression);
        var cells = TwinComparison.AssertSameAsTwins(reader, "haven_sav.values.csv", "haven_sav.labels.csv");
        Assert.True(cells > 300);
    }

    [Fact]
    public void Long_names_labels_and_user_missing_are_described()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("haven_byte.sav"));
        var water = reader.Variables.Single(v => v.Name == "water_source_main");
        Assert.Equal("Main source of drinking water", water.Label);
        Assert.Equal("99", water.MissingValues);
        Assert.Equal("Unprotected well", water.ValueLabels.Single(l => l.Code == 32).Label);
        Assert.Equal("9990 thru 9999", reader.Variables.Single(v => v.Name == "income").MissingValues);
        Assert.Equal("阳新县", reader.Variables.Single(v => v.Name == "county").ValueLabels.Single(l => l.Code == 1).Label);
        var note = reader.Variables.Single(v => v.Name == "note");
        Assert.False(note.IsNumeric);
        Assert.True(int.Parse(note.StorageType[1..], System.Globalization.CultureInfo.InvariantCulture) > 255);
        Assert.Equal("Urban area", reader.Variables.Single(v => v.Name == "residence").LabelOf("urban_area"));
    }

    [Fact]
    public void Very_long_strings_read_whole()
    {
        using var reader = TableReaders.Open(TestPaths.Fixture("haven.zsav"));
        var notes = TwinComparison.Texts(reader, "note");
        Assert.Equal(200 * "long note 05; ".Length - 1, notes[4]!.Length);
    }
}

public class SpssEncodingTests
{
    [Fact]
    public void A_windows_1252_file_decodes_text_labels_and_user_missing()
    {
        using var reader = (SpssTableReader)TableReaders.Open(TestPaths.Fixture("pspp1252.sav"));
        Assert.Equal("WINDOWS-1252", reader.EncodingName.ToUpperInvariant());
        Assert.Equal(["Rivière-du-Loup", "Zürich", "São Tomé", "Œuvre – €", null], TwinComparison.Texts(reader, "town"));
        Assert.Equal(["Robinet intérieur", "Puits non protégé", "Eau de surface", null, "Puits non protégé"], TwinComparison.Texts(reader, "water"));
        var water = TwinComparison.Numbers(reader, "water");
        Assert.Equal(11, water[0]);
        Assert.True(double.IsNaN(water[3]));
        Assert.Equal("Source d'eau – été", reader.Variables.Single(v => v.Name == "water").Label);
    }
}
