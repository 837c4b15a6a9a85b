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
    /// <param name="reader">The file.</param>
    /// <param name="columns">The variables to summarise; all when null or empty.</param>
    /// <param name="threads">Threads that parse a file that can be split (default: one per core).</param>
    /// <param name="progress">Told the rows read so far, as the read goes on.</param>
    /// <param name="cancel">Stops the read.</param>
    /// <exception cref="ModaDataException">A column is absent or the data are malformed.</exception>
    public static DataDescription Of(ITableReader reader, IReadOnlyList<string>? columns = null, int? threads = null,
                                     IProgress<long>? progress = null, CancellationToken cancel = default) =>
        Of(reader, columns, threads, progress, cancel, ChunkRows);

    // Of, with the rows of a chunk set (small in tests, so small files are split too).
    internal static DataDescription Of(ITableReader reader, IReadOnlyList<string>? columns, int? threads, IProgress<long>? progress,
                                       CancellationToken cancel, int chunkRows)
    {
        var infos = reader.Variables;
        if (columns is { Count: > 0 })
        {
            var missing = columns.Where(c => infos.All(v => v.Name != c)).ToArray();
            if (missing.Length > 0)
                throw new ModaDataException(reader.Path, $"no variable {string.Join(", ", missing.Select(m => $"'{m}'"))}; the variables are: {string.Join(", ", reader.ColumnNames)}");
            infos = columns.Select(c => infos.First(v => v.Name == c)).ToArray();
        }
        var tallies = infos.Select(_ => new VariableTally()).ToArray();
        var requests = new List<ColumnRequest>();
        for (var i = 0; i < infos.Count; i++)
        {
            // A number without value labels is read as a number only: its distinct values are
            // counted by value, not by its text (which a categorical read would make of each).
            var labelled = infos[i].ValueLabels.Count > 0;
            if (!infos[i].IsNumeric || labelled)
            {
                tallies[i].TextSlot = requests.Count;
                requests.Add(new ColumnRequest(infos[i].Name, ColumnKind.Categorical, ["NA"]));
                tallies[i].CountsValues = labelled;
            }
            if (infos[i].IsNumeric)
            {
                tallies[i].NumberSlot = requests.Count;
                requests.Add(new ColumnRequest(infos[i].Name, ColumnKind.Numeric, []));
            }
        }

        long rows = 0;
        var workers = threads ?? Environment.ProcessorCount;
        // A chunk's tallies join the totals, in file order.
        void Fold(ChunkTally[] chunk)
        {
            for (var i = 0; i < tallies.Length; i++) tallies[i].Add(chunk[i]);
            rows += chunk.Length > 0 ? chunk[0].Rows : 0;
            progress?.Report(rows);
        }

        // Chunks are parsed on every core, each with dictionaries of its own; their values join
        // each variable's dictionary in file order, so the codes are the same as in one pass. A
        // reader that cannot be cut (and one thread) reads in order, its dictionaries shared.
        if (requests.Count == 0) rows = reader.Read([]).Sum(b => (long)b.Count);
        else if (workers <= 1 ||
                 !OrderedChunks.TryRead<ChunkTally[]>(reader, requests, chunkRows, workers, () => batch => tallies.Select(t => t.OfChunk(batch)).ToArray(), Fold, cancel))
            foreach (var batch in reader.Read(requests))
            {
                cancel.ThrowIfCancellationRequested();
                rows += batch.Count;
                foreach (var t in tallies) t.AddShared(batch);
                progress?.Report(rows);
            }

        var result = new List<VariableSummary>();
        for (var i = 0; i < infos.Count; i++)
        {
            var info = infos[i];
            var t = tallies[i];
            var labels = info.ValueLabels.Select(l => (l, t.CountOf(l.Label))).ToArray();
            double? lo = null, hi = null;
            if (info.IsNumeric)
            {
                if (t.Min <= t.Max) (lo, hi) = (t.Min, t.Max);
            }
            else if (t.TextRange() is { } range) (lo, hi) = range; // text files: a column whose every value is a number has a range too
            result.Add(new VariableSummary(info, t.Missing, lo, hi, t.Values.Count, labels));
        }
        return new DataDescription(reader.Path, FormatOf(reader), rows, result);
    }

    private const int ChunkRows = 65536; // as the analysis reads

    private static string FormatOf(ITableReader reader) => reader switch
    {
        Stata.StataTableReader s => $"Stata .dta format {s.FormatVersion}",
        Spss.SpssTableReader s => $"SPSS system file ({(s.Compression switch { 0 => "uncompressed", 1 => "bytecode-compressed", _ => "zlib-compressed" })}, {s.EncodingName})",
        ParquetTableReader => "Parquet",
        _ => "delimited text",
    };
}
