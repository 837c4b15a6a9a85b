using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Moda.Configuration;
using Moda.Reporting;
using Moda.Results;

namespace Moda.Cli;

/// <summary><c>moda analyze</c>: the MODA profile of a data file.</summary>
internal static class AnalyzeCommand
{
    private static readonly string[] Formats = ["table", "json", "csv", "markdown", "html"];

    public static Command Create(TextWriter stdout, TextWriter stderr, Terminal terminal, Func<Stream>? stdoutBytes = null)
    {
        var data = new Argument<string>("data-file") { Description = "Child-level data: CSV (comma, semicolon or tab; .tsv, .txt, also gzipped .csv.gz), Stata .dta, SPSS .sav/.zsav, Parquet" };
        var config = new Option<string?>("--config", "-c") { Description = "Configuration (moda.json); default: moda.json beside the data file, else the built-in default profile" };
        var k = CountOption.Create("--k", "Headline cut-off k (monetary table, breakdown tables); overrides the configuration");
        var by = new Option<string[]>("--by") { Description = "Break every figure down by this column (repeatable)", AllowMultipleArgumentsPerToken = false };
        var format = new Option<string?>("--format", "-f") { Description = "table (default on a terminal), json (default otherwise), csv, markdown, html" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file (atomically) instead of standard output; its extension sets the format when --format is absent" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress or notes on standard error" };
        var contrast = new Option<string[]>("--contrast") { Description = "A difference between two subgroups, as column:a:b (e.g. residence:rural:urban); the column is added to the breakdowns (repeatable)" };
        var threads = CountOption.Create("--threads", "Threads that parse the data (default: one per core); results are identical for any number");

        var command = new Command("analyze", "Compute the MODA profile: rates, overlaps, H, A, M0 for every cut-off, breakdowns, with standard errors")
        {
            data, config, k, by, format, output, quiet, threads, contrast,
        };
        command.SetAction(parse => ModaCli.Guard(stderr, () =>
        {
            var dataFile = parse.GetValue(data)!;
            var isQuiet = parse.GetValue(quiet);
            var outPath = parse.GetValue(output);
            var fmt = parse.GetValue(format) ?? FormatOf(outPath) ?? (outPath is null && terminal.Output ? "table" : "json");
            if (fmt is "markdown" or "html")
                throw new UsageException($"--format {fmt}: reports with charts are not in this version yet; use table, json or csv");

            var (spec, configName) = LoadSpec(dataFile, parse.GetValue(config), stderr, isQuiet);
            var contrasts = (parse.GetValue(contrast) ?? []).Select(ParseContrast).ToArray();
            if (contrasts.Length > 0)
            {
                spec = spec with
                {
                    GroupBy = spec.GroupBy.Concat(contrasts.Select(c => c.Column)).Distinct(StringComparer.Ordinal).ToArray(),
                    Contrasts = [.. spec.Contrasts, .. contrasts],
                };
                SpecValidator.Validate(spec);
            }
            var progress = StderrProgress.For(stderr, terminal, isQuiet);
            var options = new AnalysisOptions
            {
                GroupBy = parse.GetValue(by) ?? [],
                K = parse.GetValue(k),
                Threads = parse.GetValue(threads),
                ConfigName = configName,
                Progress = progress,
            };
            ModaResults results;
            try
            {
                results = ModaAnalyzer.Analyze(dataFile, spec, options);
            }
            catch (ModaConfigurationException e) when (e.File is null && configName != "default profile")
            {
                throw new ModaConfigurationException(e.KeyPath, e.Reason, configName); // name the file the key is in
            }
            finally
            {
                progress?.Clear(); // before results, notes or an error message
            }
            if (!isQuiet && results.DroppedDimensions.Count > 0)
                stderr.WriteLine($"moda: note: the data have no column for {string.Join(", ", results.DroppedDimensions)}; left out of the default profile");

            var headline = options.K ?? spec.K;
            void Render(Stream s)
            {
                switch (fmt)
                {
                    case "json":
                        JsonResultWriter.Write(results, s);
                        s.WriteByte((byte)'\n');
                        break;
                    default:
                        using (var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true))
                        {
                            if (fmt == "csv") CsvResultWriter.Write(results, w);
                            else TableResultWriter.Write(results, w, headline);
                        }
                        break;
                }
            }
            if (outPath is not null) AtomicFile.Write(outPath, Render);
            else
            {
                using var s = StandardOutput.Open(stdout, stdoutBytes);
                Render(s);
                s.Flush();
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static ContrastSpec ParseContrast(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || parts.Any(string.IsNullOrWhiteSpace))
            throw new UsageException($"--contrast '{text}': write column:a:b, e.g. residence:rural:urban");
        if (parts[1] == parts[2]) throw new UsageException($"--contrast '{text}': the two values must differ");
        return new ContrastSpec(parts[0], parts[1], parts[2]);
    }

    private static (ModaSpec Spec, string Name) LoadSpec(string dataFile, string? configPath, TextWriter stderr, bool quiet)
    {
        if (configPath is not null)
        {
            if (!File.Exists(configPath)) throw new UsageException($"--config: no such file '{configPath}'");
            return (SpecReader.ReadFile(configPath), configPath);
        }
        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataFile)) ?? ".", "moda.json");
        if (File.Exists(beside))
        {
            var relative = Path.Combine(Path.GetDirectoryName(dataFile) ?? "", "moda.json");
            if (!quiet) stderr.WriteLine($"moda: using {relative}");
            return (SpecReader.ReadFile(beside), relative);
        }
        return (Profiles.Default, "default profile");
    }

    private static string? FormatOf(string? path) => Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".json" => "json",
        ".csv" => "csv",
        ".md" => "markdown",
        ".html" or ".htm" => "html",
        ".txt" => "table",
        _ => null,
    };
}
