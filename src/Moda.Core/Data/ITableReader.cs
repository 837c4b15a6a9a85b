namespace Moda.Data;

/// <summary>A data file read column-wise in batches; one implementation per file format.</summary>
public interface ITableReader : IDisposable
{
    /// <summary>The file being read, as named in messages.</summary>
    string Path { get; }

    /// <summary>The column names of the file, in file order.</summary>
    IReadOnlyList<string> ColumnNames { get; }

    /// <summary>
    /// Reads the requested columns in batches of at most <paramref name="batchRows"/> rows. The
    /// batch object is reused: consume it before moving on. A value that cannot be read as its
    /// kind throws <see cref="ModaDataException"/> naming line and column.
    /// </summary>
    IEnumerable<ColumnBatch> Read(IReadOnlyList<ColumnRequest> columns, int batchRows = 65536);

    /// <summary>
    /// What the file says about each variable, in file order: storage type, variable label and
    /// value labels. Text formats know only the names.
    /// </summary>
    IReadOnlyList<VariableInfo> Variables => ColumnNames.Select(VariableInfo.Text).ToArray();
}
