using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Moda.Data;

namespace Moda.Cli;

/// <summary><c>moda describe</c>: the variables of a data file, so a configuration can be written without Stata or SPSS.</summary>
internal static class DescribeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Terminal terminal)
    {
        var data = new Argument<string>("data-file") { Description = "A data file: CSV (.csv, .tsv, .txt, also .gz), Stata .dta, SPSS .sav/.zsav, Parquet" };
        var columns = new Option<string?>("--columns") { Description = "Only these variables, comma-separated" };
        var format = new Option<string>("--format", "-f") { Description = "table (default) or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var threads = CountOption.Create("--threads", "Threads that parse the data (default: one per core); the description is the same for any number");
        var command = new Command("describe", "List each variable: storage type, variable label, value labels with counts, missing and distinct counts, range")
        {
            data, columns, format, threads,
        };
        command.SetAction(parse => ModaCli.Guard(stderr, () =>
        {
            var wanted = parse.GetValue(columns)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            using var reader = TableReaders.Open(parse.GetValue(data)!);
            var progress = StderrProgress.For(stderr, terminal);
            DataDescription description;
            try
            {
                description = DataDescription.Of(reader, wanted, parse.GetValue(threads), progress);
            }
            finally
            {
                progress?.Clear(); // before the description or an error message
            }
            if (parse.GetValue(format) == "json") WriteJson(description, stdout);
            else WriteTable(description, stdout);
            stdout.Flush();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Num(double? x) => x is { } v ? v.ToString("G10", CultureInfo.InvariantCulture) : "";

    private static void WriteTable(DataDescription d, TextWriter w)
    {
        w.WriteLine($"{d.File}: {d.Format}, {d.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows, {d.Variables.Count} variables");
        w.WriteLine();
        var nameWidth = Math.Max(8, d.Variables.Select(v => v.Info.Name.Length).DefaultIfEmpty(0).Max());
        var typeWidth = Math.Max(4, d.Variables.Select(v => v.Info.StorageType.Length).DefaultIfEmpty(0).Max());
        w.WriteLine($"{"variable".PadRight(nameWidth)}  {"type".PadRight(typeWidth)}  {"missing",8}  {"distinct",8}  {"min",10}  {"max",10}  label");
        foreach (var v in d.Variables)
        {
            w.WriteLine($"{v.Info.Name.PadRight(nameWidth)}  {v.Info.StorageType.PadRight(typeWidth)}  {v.Missing,8}  {v.Distinct,8}  {Num(v.Min),10}  {Num(v.Max),10}  {v.Info.Label}");
            if (v.Info.MissingValues is { } mv) w.WriteLine($"{"",-4}user-missing: {mv}");
            if (v.Labels.Count == 0) continue;
            var codeWidth = v.Labels.Max(l => l.Label.Value.Length);
            var labelWidth = v.Labels.Max(l => l.Label.Label.Length);
            foreach (var (label, count) in v.Labels)
                w.WriteLine($"{"",-4}{label.Value.PadLeft(codeWidth)}  {label.Label.PadRight(labelWidth)}  {count,8}");
        }
    }

    private static void WriteJson(DataDescription d, TextWriter output)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("file", d.File);
            w.WriteString("format", d.Format);
            w.WriteNumber("rows", d.Rows);
            w.WriteStartArray("variables");
            foreach (var v in d.Variables)
            {
                w.WriteStartObject();
                w.WriteString("name", v.Info.Name);
                w.WriteString("type", v.Info.StorageType);
                w.WriteBoolean("numeric", v.Info.IsNumeric);
                if (v.Info.Label is { } l) w.WriteString("label", l); else w.WriteNull("label");
                w.WriteNumber("missing", v.Missing);
                w.WriteNumber("distinct", v.Distinct);
                if (v.Min is { } lo) w.WriteNumber("min", lo); else w.WriteNull("min");
                if (v.Max is { } hi) w.WriteNumber("max", hi); else w.WriteNull("max");
                if (v.Info.MissingValues is { } mv) w.WriteString("userMissing", mv);
                w.WriteStartArray("valueLabels");
                foreach (var (label, count) in v.Labels)
                {
                    w.WriteStartObject();
                    w.WriteString("value", label.Value);
                    if (label.Code is { } c) w.WriteNumber("code", c);
                    w.WriteString("label", label.Label);
                    w.WriteNumber("count", count);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.Write(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
        output.WriteLine();
    }
}
