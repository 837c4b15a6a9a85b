namespace Moda.Data;

/// <summary>Opens a data file with the reader its extension calls for.</summary>
public static class TableReaders
{
    /// <summary>Opens <paramref name="path"/>; CSV (comma, semicolon or tab), <c>.tsv</c> and <c>.txt</c> for now.</summary>
    public static ITableReader Open(string path)
    {
        if (!File.Exists(path)) throw new ModaDataException(path, "no such file");
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" or ".tsv" or ".txt" or "" => new CsvTableReader(path),
            ".dta" => new Stata.StataTableReader(path),
            ".sav" or ".zsav" => new Spss.SpssTableReader(path),
            _ => throw new ModaDataException(path, $"unsupported file type '{ext}'; supported: .csv, .tsv, .txt, .dta, .sav, .zsav"),
        };
    }
}
