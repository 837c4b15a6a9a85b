using System.Globalization;
using System.Text.Json;

namespace Moda.Configuration;

/// <summary>
/// Reads a <c>moda.json</c> (comments and trailing commas allowed) into a <see cref="ModaSpec"/>,
/// naming the key path of anything it cannot read. Unknown keys are errors, so typos are caught.
/// </summary>
public static class SpecReader
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and validates a configuration file.</summary>
    public static ModaSpec ReadFile(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModaConfigurationException("", $"cannot read the configuration: {e.Message}", path);
        }
        return Read(text, path);
    }

    /// <summary>Reads and validates configuration text; <paramref name="file"/> names it in errors.</summary>
    public static ModaSpec Read(string json, string? file = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is long l ? $" at line {l + 1}, position {e.BytePositionInLine + 1}" : "";
            throw new ModaConfigurationException("", $"not valid JSON{line}: {JsonReason(e.Message)}", file);
        }
        using (doc)
        {
            var spec = new Walker(file).Spec(doc.RootElement);
            SpecValidator.Validate(spec, file);
            return spec;
        }
    }

    // System.Text.Json's message without the position it appends (the error gives the line, 1-based)
    // and on one line. It quotes the text it could not read, which after a lost quote mark can be
    // the rest of the file: a long quote keeps its first 40 characters.
    internal static string JsonReason(string message)
    {
        foreach (var tail in (ReadOnlySpan<string>)[" LineNumber:", " Path:"])
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        message = message.ReplaceLineEndings(" ").Trim();
        const int Longest = 40;
        if (message.StartsWith('\'') && message.IndexOf("' is ", 1, StringComparison.Ordinal) is var end and > Longest + 1)
            message = string.Concat(message.AsSpan(0, Longest + 1), "...", message.AsSpan(end));
        return message;
    }

    private sealed class Walker(string? file)
    {
        private static readonly string[] TopKeys =
        [
            "name", "weight", "strata", "cluster", "age", "ageUnit", "ageGroups", "missingValues",
            "missingRule", "dimensions", "groupBy", "monetary", "cutoffs", "cutoffShares", "k",
            "fpc", "lonelyPsu", "ci", "confidenceLevel", "variance", "replicates", "seed", "contrasts", "$schema",
        ];

        private ModaConfigurationException Error(string path, string message) => new(path, message, file);

        public ModaSpec Spec(JsonElement root)
        {
            var obj = Object(root, "", TopKeys);
            var variance = new VarianceSpec
            {
                Fpc = OptString(obj, "fpc", ""),
                LonelyPsu = Enum(obj, "lonelyPsu", "", LonelyPsuRule.Fail, new()
                {
                    ["fail"] = LonelyPsuRule.Fail, ["certainty"] = LonelyPsuRule.Certainty,
                    ["remove"] = LonelyPsuRule.Remove, ["centered"] = LonelyPsuRule.Centered,
                    ["adjust"] = LonelyPsuRule.Centered, ["average"] = LonelyPsuRule.Average,
                }),
                Interval = Enum(obj, "ci", "", IntervalKind.Normal, new()
                {
                    ["normal"] = IntervalKind.Normal, ["t"] = IntervalKind.T,
                }),
                Level = OptNumber(obj, "confidenceLevel", "") ?? 0.95,
                Method = Enum(obj, "variance", "", VarianceMethod.Linearization, new()
                {
                    ["linearization"] = VarianceMethod.Linearization, ["taylor"] = VarianceMethod.Linearization,
                    ["bootstrap"] = VarianceMethod.Bootstrap,
                }),
                Replicates = OptInt(obj, "replicates", "") ?? 500,
                Seed = (ulong)(OptLong(obj, "seed", "") ?? 20261123),
            };
            return new ModaSpec
            {
                Name = OptString(obj, "name", ""),
                Weight = OptString(obj, "weight", ""),
                Strata = OptString(obj, "strata", ""),
                Cluster = OptString(obj, "cluster", ""),
                Age = OptString(obj, "age", ""),
                AgeUnit = Enum(obj, "ageUnit", "", AgeUnit.Years, new()
                {
                    ["years"] = AgeUnit.Years, ["months"] = AgeUnit.Months,
                }),
                AgeGroups = OptArray(obj, "ageGroups", "", AgeGroup) ?? [],
                MissingValues = OptArray(obj, "missingValues", "", Code) ?? ModaSpec.DefaultMissingValues,
                MissingRule = Enum(obj, "missingRule", "", MissingRule.Union, new()
                {
                    ["union"] = MissingRule.Union, ["strict"] = MissingRule.Strict,
                }),
                Dimensions = OptArray(obj, "dimensions", "", Dimension)
                    ?? throw Error("dimensions", "is required: a list of dimensions, each with its indicators"),
                GroupBy = OptArray(obj, "groupBy", "", Str) ?? [],
                Contrasts = OptArray(obj, "contrasts", "", Contrast) ?? [],
                Monetary = obj.TryGetValue("monetary", out var m) ? Monetary(m, "monetary") : null,
                Cutoffs = OptArray(obj, "cutoffs", "", Int),
                CutoffShares = OptArray(obj, "cutoffShares", "", Number) ?? [],
                // Without "k" the headline cut-off is 3, or d when there are fewer dimensions.
                K = OptInt(obj, "k", "") ?? Math.Min(3, Math.Max(1, obj.TryGetValue("dimensions", out var dims) && dims.ValueKind == JsonValueKind.Array ? dims.GetArrayLength() : 3)),
                Variance = variance,
            };
        }

        private AgeGroupSpec AgeGroup(JsonElement e, string path)
        {
            var obj = Object(e, path, ["name", "min", "max"]);
            return new AgeGroupSpec(
                ReqString(obj, "name", path),
                OptNumber(obj, "min", path) ?? throw Error(Join(path, "min"), "is required (inclusive lower bound, completed years)"),
                OptNumber(obj, "max", path) ?? throw Error(Join(path, "max"), "is required (inclusive upper bound, completed years)"));
        }

        private DimensionSpec Dimension(JsonElement e, string path)
        {
            var obj = Object(e, path, ["name", "weight", "indicators"]);
            return new DimensionSpec
            {
                Name = ReqString(obj, "name", path),
                Weight = OptNumber(obj, "weight", path),
                Indicators = OptArray(obj, "indicators", path, Indicator)
                    ?? throw Error(Join(path, "indicators"), "is required: a list of indicators"),
            };
        }

        private IndicatorSpec Indicator(JsonElement e, string path)
        {
            var obj = Object(e, path, ["name", "column", "deprivedIf", "expr", "ageGroups", "missingValues"]);
            return new IndicatorSpec
            {
                Name = ReqString(obj, "name", path),
                Column = OptString(obj, "column", path),
                DeprivedIf = OptString(obj, "deprivedIf", path),
                Expr = OptString(obj, "expr", path),
                AgeGroups = OptArray(obj, "ageGroups", path, Str),
                MissingValues = OptArray(obj, "missingValues", path, Code) ?? [],
            };
        }

        private ContrastSpec Contrast(JsonElement e, string path)
        {
            var obj = Object(e, path, ["column", "a", "b"]);
            return new ContrastSpec(ReqString(obj, "column", path), ReqString(obj, "a", path), ReqString(obj, "b", path));
        }

        private MonetarySpec Monetary(JsonElement e, string path)
        {
            var obj = Object(e, path, ["column", "deprivedIf"]);
            return new MonetarySpec(ReqString(obj, "column", path), ReqString(obj, "deprivedIf", path));
        }

        private Dictionary<string, JsonElement> Object(JsonElement e, string path, string[] keys)
        {
            if (e.ValueKind != JsonValueKind.Object)
                throw Error(path, $"must be an object, not {Kind(e)}");
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in e.EnumerateObject())
            {
                if (Array.IndexOf(keys, p.Name) < 0)
                    throw Error(Join(path, p.Name), $"is not a known key; known keys here: {string.Join(", ", keys.Where(k => k[0] != '$'))}");
                if (!result.TryAdd(p.Name, p.Value))
                    throw Error(Join(path, p.Name), "appears twice");
            }
            return result;
        }

        private List<T>? OptArray<T>(Dictionary<string, JsonElement> obj, string key, string path, Func<JsonElement, string, T> item)
        {
            if (!obj.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            var p = Join(path, key);
            if (e.ValueKind != JsonValueKind.Array) throw Error(p, $"must be a list, not {Kind(e)}");
            var list = new List<T>();
            var i = 0;
            foreach (var x in e.EnumerateArray()) list.Add(item(x, $"{p}[{i++}]"));
            return list;
        }

        private string Str(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(path, $"must be a string, not {Kind(e)}");

        // A missing-value code may be written as a string or a number.
        private string Code(JsonElement e, string path) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number => e.GetRawText(),
            _ => throw Error(path, $"must be a string or a number, not {Kind(e)}"),
        };

        private int Int(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : throw Error(path, $"must be a whole number, not {Describe(e)}");

        private double Number(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw Error(path, $"must be a number, not {Describe(e)}");

        private string? OptString(Dictionary<string, JsonElement> obj, string key, string path) =>
            obj.TryGetValue(key, out var e) && e.ValueKind != JsonValueKind.Null ? Str(e, Join(path, key)) : null;

        private string ReqString(Dictionary<string, JsonElement> obj, string key, string path)
        {
            var s = OptString(obj, key, path) ?? throw Error(Join(path, key), "is required");
            return string.IsNullOrWhiteSpace(s) ? throw Error(Join(path, key), "must not be empty") : s;
        }

        private double? OptNumber(Dictionary<string, JsonElement> obj, string key, string path) =>
            obj.TryGetValue(key, out var e) && e.ValueKind != JsonValueKind.Null ? Number(e, Join(path, key)) : null;

        private int? OptInt(Dictionary<string, JsonElement> obj, string key, string path) =>
            obj.TryGetValue(key, out var e) && e.ValueKind != JsonValueKind.Null ? Int(e, Join(path, key)) : null;

        private long? OptLong(Dictionary<string, JsonElement> obj, string key, string path)
        {
            if (!obj.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0
                ? v : throw Error(Join(path, key), $"must be a non-negative whole number, not {Describe(e)}");
        }

        private T Enum<T>(Dictionary<string, JsonElement> obj, string key, string path, T fallback, Dictionary<string, T> names)
        {
            var s = OptString(obj, key, path);
            if (s is null) return fallback;
            return names.TryGetValue(s, out var v) ? v
                : throw Error(Join(path, key), $"must be one of {string.Join(", ", names.Keys.Select(n => $"\"{n}\""))}, not \"{s}\"");
        }

        private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };

        private static string Describe(JsonElement e) =>
            e.ValueKind is JsonValueKind.Number or JsonValueKind.String ? e.GetRawText() : Kind(e);
    }

    internal static string FormatNumber(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
