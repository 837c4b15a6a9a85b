namespace Moda.Data;

/// <summary>How a column is materialised.</summary>
public enum ColumnKind
{
    /// <summary>Numbers as <see cref="double"/>, NaN for missing.</summary>
    Numeric,
    /// <summary>Text dictionary-encoded to <see cref="int"/> codes, -1 for missing.</summary>
    Categorical,
}

/// <summary>A column the analysis needs, how to read it, and which cell values mean missing.</summary>
/// <param name="Name">The column name as in the file's header.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="MissingCodes">Cell texts read as missing (an empty cell always is).</param>
public sealed record ColumnRequest(string Name, ColumnKind Kind, IReadOnlyList<string> MissingCodes);
