namespace Moda.Data;

/// <summary>Opens a data file with the reader its extension calls for.</summary>
public static class TableReaders
{
    /// <summary>
    /// Opens <paramref name="path"/> by its extension: CSV (comma, semicolon or tab), <c>.tsv</c>,
    /// <c>.txt</c>, each also gzipped (<c>.csv.gz</c>); Stata <c>.dta</c>; SPSS <c>.sav</c> and
    /// <c>.zsav</c>; Parquet <c>.parquet</c>.
    /// </summary>
    public static ITableReader Open(string path)
    {
        if (!File.Exists(path)) throw new ModaDataException(path, "no such file");
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".gz")
        {
            var inner = System.IO.Path.GetExtension(path[..^3]).ToLowerInvariant();
            return inner is ".csv" or ".tsv" or ".txt" or "" ? new CsvTableReader(path)
                : throw new ModaDataException(path, $"a compressed '{inner}' file is not read; gzip is read for .csv, .tsv and .txt");
        }
        return ext switch
        {
            ".csv" or ".tsv" or ".txt" or "" => new CsvTableReader(path),
            ".parquet" or ".parq" => new ParquetTableReader(path),
            ".dta" => new Stata.StataTableReader(path),
            ".sav" or ".zsav" => new Spss.SpssTableReader(path),
            _ => throw new ModaDataException(path, $"unsupported file type '{ext}'; supported: .csv, .tsv, .txt (also gzipped, .csv.gz), .dta, .sav, .zsav, .parquet"),
        };
    }
}
