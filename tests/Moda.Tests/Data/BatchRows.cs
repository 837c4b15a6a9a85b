using System.Globalization;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>Batches as comparable text, for checking that chunked reads equal sequential ones.</summary>
internal static class BatchRows
{
    /// <summary>Each row as text: its line, numbers by their bits, categories by their value (codes may differ).</summary>
    public static List<string> Of(IEnumerable<ColumnBatch> batches)
    {
        var rows = new List<string>();
        foreach (var b in batches)
            for (var r = 0; r < b.Count; r++)
                rows.Add(b.Lines[r] + ":" + string.Join("|", b.Requests.Select((_, s) => b.Numbers[s] is { } n
                    ? BitConverter.DoubleToInt64Bits(n[r]).ToString(CultureInfo.InvariantCulture)
                    : b.Codes[s]![r] < 0 ? "<missing>" : b.Categories[s]![b.Codes[s]![r]])));
        return rows;
    }
}
