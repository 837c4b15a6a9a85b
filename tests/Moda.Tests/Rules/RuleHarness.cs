using Moda.Data;
using Moda.Rules;

namespace Moda.Tests.Rules;

/// <summary>Evaluates a rule on a hand-built <see cref="ColumnBatch"/>.</summary>
internal static class RuleHarness
{
    public const byte N = Truth.No, U = Truth.Unknown, Y = Truth.Yes;

    /// <summary>
    /// Evaluates <paramref name="rule"/> on columns given as <c>double[]</c> (NaN = missing) for
    /// numeric use or <c>string?[]</c> (null = missing) for categorical use.
    /// </summary>
    public static byte[] Evaluate(Rule rule, params (string Name, object Values)[] columns)
    {
        var byName = columns.ToDictionary(c => c.Name, c => c.Values);
        var requests = rule.Columns.Select(c => new ColumnRequest(c.Name, c.Kind, [])).ToArray();
        var rows = columns.Length == 0 ? 1 : columns.Max(c => c.Values is double[] d ? d.Length : ((string?[])c.Values).Length);
        var batch = new ColumnBatch(requests, rows) { Count = rows };
        for (var slot = 0; slot < requests.Length; slot++)
        {
            var r = requests[slot];
            var values = byName.TryGetValue(r.Name, out var v) ? v : throw new ArgumentException($"rule reads '{r.Name}', not given");
            if (r.Kind == ColumnKind.Numeric)
                ((double[])values).CopyTo(batch.Numbers[slot]!, 0);
            else
            {
                var texts = (string?[])values;
                for (var i = 0; i < rows; i++)
                    batch.Codes[slot]![i] = texts[i] is { } s ? batch.Categories[slot]!.GetOrAdd(s) : -1;
            }
        }
        var evaluator = rule.Bind((name, kind) => Array.FindIndex(requests, q => q.Name == name && q.Kind == kind));
        var result = new byte[rows];
        evaluator.Evaluate(batch, result);
        return result;
    }

    public static double[] Num(params double[] values) => values;

    public static string?[] Txt(params string?[] values) => values;
}
