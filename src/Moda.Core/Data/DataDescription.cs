using System.Globalization;

namespace Moda.Data;

/// <summary>A variable of a data file as <c>moda describe</c> reports it.</summary>
/// <param name="Info">What the file says about the variable.</param>
/// <param name="Missing">Rows where the value is missing (system- or user-missing, empty).</param>
/// <param name="Min">Smallest value, for numbers.</param>
/// <param name="Max">Largest value, for numbers.</param>
/// <param name="Distinct">Distinct non-missing values.</param>
/// <param name="Labels">Each value label with the rows having that value.</param>
public sealed record VariableSummary(VariableInfo Info, long Missing, double? Min, double? Max, long Distinct,
    IReadOnlyList<(ValueLabel Label, long Count)> Labels);

/// <summary>Summaries of the variables of a data file, read in one pass.</summary>
/// <param name="File">The file.</param>
/// <param name="Format">The reader's format, e.g. <c>Stata 118</c>.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="Variables">One summary per variable, in file order.</param>
public sealed record DataDescription(string File, string Format, long Rows, IReadOnlyList<VariableSummary> Variables)
{
    /// <summary>Reads <paramref name="reader"/> once and summarises <paramref name="columns"/> (all when null).</summary>
    /// <exception cref="ModaDataException">A column is absent or the data are malformed.</exception>
    public static DataDescription Of(ITableReader reader, IReadOnlyList<string>? columns = null)
    {
        var infos = reader.Variables;
        if (columns is { Count: > 0 })
        {
            var missing = columns.Where(c => infos.All(v => v.Name != c)).ToArray();
            if (missing.Length > 0)
                throw new ModaDataException(reader.Path, $"no variable {string.Join(", ", missing.Select(m => $"'{m}'"))}; the variables are: {string.Join(", ", reader.ColumnNames)}");
            infos = columns.Select(c => infos.First(v => v.Name == c)).ToArray();
        }
        var requests = new List<ColumnRequest>();
        var textSlot = new int[infos.Count];
        var numberSlot = new int[infos.Count];
        for (var i = 0; i < infos.Count; i++)
        {
            textSlot[i] = requests.Count;
            requests.Add(new ColumnRequest(infos[i].Name, ColumnKind.Categorical, ["NA"]));
            numberSlot[i] = -1;
            if (infos[i].IsNumeric)
            {
                numberSlot[i] = requests.Count;
                requests.Add(new ColumnRequest(infos[i].Name, ColumnKind.Numeric, []));
            }
        }
        var counts = infos.Select(_ => new List<long>()).ToArray();
        var missingCounts = new long[infos.Count];
        var min = infos.Select(_ => double.PositiveInfinity).ToArray();
        var max = infos.Select(_ => double.NegativeInfinity).ToArray();
        CategoryDictionary?[] dicts = new CategoryDictionary?[infos.Count];
        long rows = 0;
        if (requests.Count > 0)
            foreach (var batch in reader.Read(requests))
            {
                rows += batch.Count;
                for (var i = 0; i < infos.Count; i++)
                {
                    dicts[i] = batch.Categories[textSlot[i]];
                    var c = counts[i];
                    foreach (var code in batch.Categorical(textSlot[i]))
                    {
                        if (code < 0)
                        {
                            missingCounts[i]++;
                            continue;
                        }
                        while (c.Count <= code) c.Add(0);
                        c[code]++;
                    }
                    if (numberSlot[i] < 0) continue;
                    foreach (var v in batch.Numeric(numberSlot[i]))
                    {
                        if (double.IsNaN(v)) continue;
                        if (v < min[i]) min[i] = v;
                        if (v > max[i]) max[i] = v;
                    }
                }
            }
        else rows = reader.Read([]).Sum(b => (long)b.Count);

        var result = new List<VariableSummary>();
        for (var i = 0; i < infos.Count; i++)
        {
            var info = infos[i];
            var dict = dicts[i];
            long CountOf(string text) => dict?.Find(text) is { } code and >= 0 && code < counts[i].Count ? counts[i][code] : 0;
            var labels = info.ValueLabels.Select(l => (l, CountOf(l.Label))).ToArray();
            double? lo = null, hi = null;
            if (info.IsNumeric)
            {
                if (min[i] <= max[i]) (lo, hi) = (min[i], max[i]);
            }
            else if (dict is { Count: > 0 })
            {
                // Text files: a column whose every value is a number has a range too.
                var numbers = dict.Values.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN).ToArray();
                if (numbers.All(double.IsFinite)) (lo, hi) = (numbers.Min(), numbers.Max());
            }
            result.Add(new VariableSummary(info, missingCounts[i], lo, hi, counts[i].Count(n => n > 0), labels));
        }
        return new DataDescription(reader.Path, FormatOf(reader), rows, result);
    }

    private static string FormatOf(ITableReader reader) => reader switch
    {
        Stata.StataTableReader s => $"Stata .dta format {s.FormatVersion}",
        Spss.SpssTableReader s => $"SPSS system file ({(s.Compression switch { 0 => "uncompressed", 1 => "bytecode-compressed", _ => "zlib-compressed" })}, {s.EncodingName})",
        ParquetTableReader => "Parquet",
        _ => "delimited text",
    };
}
