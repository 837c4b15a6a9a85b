using System.Diagnostics;
using System.Globalization;
using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;

namespace Moda.Benchmarks;

/// <summary>
/// The benchmark data: files written by the repository's deterministic generator
/// (samples/generator/generate.cs) into benchmarks/data/ (git-ignored), made once and reused,
/// so in-process figures and benchmarks/e2e.sh read byte-identical files.
/// </summary>
internal static class BenchData
{
    /// <summary>Rows per batch and per chunk, as in the pipeline.</summary>
    public const int BatchRows = HistogramBuilder.RowsPerChunk;

    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>
    /// The file sizes (children) of the suites with a <c>Rows</c> parameter: 1M and 10M, or the
    /// comma-separated list in MODA_BENCH_ROWS (e.g. <c>1m</c>, <c>1m,10m</c>, <c>250000</c>).
    /// </summary>
    public static IEnumerable<int> Sizes()
    {
        var text = Environment.GetEnvironmentVariable("MODA_BENCH_ROWS");
        if (string.IsNullOrWhiteSpace(text)) return [1_000_000, 10_000_000];
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseRows).ToArray();
    }

    private static int ParseRows(string s)
    {
        var lower = s.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal);
        var scale = lower.EndsWith('m') ? 1_000_000 : lower.EndsWith('k') ? 1000 : 1;
        if (scale > 1) lower = lower[..^1];
        return int.Parse(lower, NumberStyles.Integer, CultureInfo.InvariantCulture) * scale;
    }

    /// <summary>The repository root (the folder with Moda.sln); MODA_REPO overrides.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>benchmarks/data, or MODA_BENCH_DATA.</summary>
    public static string DataDir =>
        Environment.GetEnvironmentVariable("MODA_BENCH_DATA") is { Length: > 0 } d ? d : Path.Combine(RepoRoot, "benchmarks", "data");

    /// <summary>The path of the default-layout file of <paramref name="rows"/> rows (whether or not it exists yet).</summary>
    public static string DefaultFile(int rows) => Path.Combine(DataDir, $"default-{Label(rows)}.csv");

    /// <summary>The default-layout file of <paramref name="rows"/> rows, generated when absent.</summary>
    public static string EnsureDefault(int rows)
    {
        var path = DefaultFile(rows);
        if (!File.Exists(path)) Generate("default", rows, path, path + ".tmp", path + ".tmp");
        return path;
    }

    /// <summary>The raw Hubei-layout file of <paramref name="rows"/> rows (children.csv of a folder), generated when absent.</summary>
    public static string EnsureHubei(int rows)
    {
        var dir = Path.Combine(DataDir, $"hubei-{Label(rows)}");
        var path = Path.Combine(dir, "children.csv");
        if (!File.Exists(path))
        {
            var tmp = dir + ".tmp";
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            Generate("hubei", rows, dir, tmp, Path.Combine(tmp, "children.csv"));
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.Move(tmp, dir);
        }
        return path;
    }

    /// <summary>The analysis plan of the default profile for a file, with optional breakdowns.</summary>
    public static AnalysisPlan DefaultPlan(ITableReader reader, params string[] groupBy) =>
        AnalysisPlan.Create(Profiles.Default, reader.ColumnNames, groupBy, reader.Path);

    /// <summary>
    /// Every chunk of the file parsed into its own batch (on all cores), as the pipeline's workers
    /// see them: each batch has its own category dictionaries.
    /// </summary>
    public static ColumnBatch[] LoadBatches(CsvTableReader reader, IReadOnlyList<ColumnRequest> requests)
    {
        var chunks = reader.Chunks(BatchRows);
        var batches = new ColumnBatch[chunks.Count];
        Parallel.For(0, chunks.Count, i =>
        {
            var batch = new ColumnBatch(requests, BatchRows);
            reader.ReadChunk(chunks[i], batch);
            batches[i] = batch;
        });
        return batches;
    }

    /// <summary>Rows in a set of batches.</summary>
    public static long RowCount(IEnumerable<ColumnBatch> batches) => batches.Sum(b => (long)b.Count);

    private static string Label(int rows) =>
        rows % 1_000_000 == 0 ? $"{rows / 1_000_000}m"
        : rows % 1024 == 0 ? $"{rows / 1024}k"
        : rows.ToString(CultureInfo.InvariantCulture);

    private static void Generate(string layout, int rows, string final, string outArg, string produced)
    {
        Directory.CreateDirectory(DataDir);
        var generator = Path.Combine(RepoRoot, "samples", "generator", "generate.cs");
        Console.WriteLine($"// generating {final} with {generator} ({layout}, {rows} rows)");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "run", generator, "--", "--layout", layout, "--rows", rows.ToString(CultureInfo.InvariantCulture), "--out", outArg })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(produced))
            throw new InvalidOperationException($"the generator failed (exit {process.ExitCode}) for {final}");
        if (produced == outArg && outArg != final) File.Move(outArg, final, overwrite: true);
    }

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("MODA_REPO") is { Length: > 0 } env) return env;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Moda.sln")) &&
                    File.Exists(Path.Combine(dir.FullName, "samples", "generator", "generate.cs")))
                    return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Moda.sln); set MODA_REPO");
    }
}
