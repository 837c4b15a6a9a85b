using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;
using Moda.Rules;
using Moda.Tests.Rules;

namespace Moda.Tests.Deprivation;

/// <summary>
/// The classifier takes two paths: indicators that are one column test are folded straight into
/// the masks; the rest go through truth bytes. With both kinds in one configuration (age-group
/// indicators, several indicators per dimension, missing codes, unassigned ages, either missing
/// rule, with or without a monetary rule), its masks, truths and pattern keys equal a row-by-row
/// reading of the method on the general evaluator.
/// </summary>
public class ClassifierPathsProperties
{
    private static readonly string[] Columns = ["a", "b", "c1", "c2", "d1", "d2", "e"];

    private static ModaSpec Spec(MissingRule rule, bool monetary = false) => new()
    {
        Monetary = monetary ? new MonetarySpec("a", "< 0") : null,
        Age = "age",
        AgeGroups = [new AgeGroupSpec("0-5", 0, 5), new AgeGroupSpec("6-17", 6, 17)],
        MissingRule = rule,
        Dimensions =
        [
            new DimensionSpec { Name = "A", Indicators = [new IndicatorSpec { Name = "a", Column = "a", DeprivedIf = "== 1" }] },
            new DimensionSpec { Name = "B", Indicators = [new IndicatorSpec { Name = "b", Column = "b", DeprivedIf = "< 0", AgeGroups = ["0-5"] }] },
            new DimensionSpec
            {
                Name = "C",
                Indicators = [new IndicatorSpec { Name = "c1", Column = "c1", DeprivedIf = "in [2, 3]" }, new IndicatorSpec { Name = "c2", Expr = "c2 > 1" }],
            },
            new DimensionSpec { Name = "D", Indicators = [new IndicatorSpec { Name = "d", Expr = "d1 == 1 and d2 == 1" }] },
            new DimensionSpec { Name = "E", Indicators = [new IndicatorSpec { Name = "e", Column = "e", DeprivedIf = "!= 0", MissingValues = ["9"] }] },
        ],
    };

    private static readonly double[] Ages = [double.NaN, -1, 0, 3, 5, 5.5, 6, 10, 17, 18];
    private static readonly double[] Values = [double.NaN, 0, 0, 1, 1, 2, 3, -1, 9];

    [Property(MaxTest = 150)]
    public Property MasksAndTruthsMatchTheRowByRowMethod() =>
        Prop.ForAll(Gen.Choose(0, 150).SelectMany(n => Gen.Elements(Values).ArrayOf(n * (Columns.Length + 1))).ToArbitrary(), Gen.Choose(0, 3).ToArbitrary(), (cells, flags) =>
        {
            var (strict, monetary) = ((flags & 1) == 1, (flags & 2) == 2);
            var width = Columns.Length + 1;
            var n = cells.Length / width;
            var spec = Spec(strict ? MissingRule.Strict : MissingRule.Union, monetary);
            var plan = AnalysisPlan.Create(spec, [.. Columns, "age"]);
            var batch = new ColumnBatch(plan.Requests, Math.Max(n, 1)) { Count = n };
            var data = new Dictionary<string, double[]>();
            for (var j = 0; j < width; j++)
            {
                var name = j < Columns.Length ? Columns[j] : "age";
                var column = new double[n];
                for (var r = 0; r < n; r++)
                {
                    var v = cells[r * width + j];
                    column[r] = name == "age" ? Ages[(int)(double.IsNaN(v) ? 0 : Math.Abs(v * 7)) % Ages.Length] : v;
                }
                data[name] = column;
                column.CopyTo(batch.Numbers[plan.SlotOf(name, ColumnKind.Numeric)]!, 0);
            }
            var classifier = new ChildClassifier(plan);
            classifier.Classify(batch);
            var keys = PatternKeys.Of(plan);

            // The general evaluator's truth per indicator, then the method row by row.
            var truths = spec.Dimensions.SelectMany(d => d.Indicators).Select(i =>
            {
                var rule = i.Expr is { } e ? Rule.Expression(e, i.MissingValues) : Rule.Condition(i.Column!, i.DeprivedIf!, i.MissingValues);
                return RuleHarness.Evaluate(rule, rule.Columns.Select(c => (c.Name, (object)data[c.Name])).ToArray());
            }).ToArray();
            for (var r = 0; r < n; r++)
            {
                var years = Math.Floor(data["age"][r]);
                var g = years is >= 0 and <= 5 ? 0 : years is >= 6 and <= 17 ? 1 : -1;
                uint dep = 0, unk = 0, applies = 0;
                for (var i = 0; i < plan.Indicators.Count; i++)
                {
                    var ind = plan.Indicators[i];
                    var asked = g >= 0 && (ind.AgeGroupMask >> g & 1) == 1;
                    var truth = asked ? truths[i][r] : Truth.Unknown;
                    if (classifier.IndicatorTruth[i][r] != truth) return false;
                    if (!asked) continue;
                    applies |= 1u << ind.Dimension;
                    if (truth == Truth.Yes) dep |= 1u << ind.Dimension;
                    if (truth == Truth.Unknown) unk |= 1u << ind.Dimension;
                }
                var missing = strict ? unk : unk & ~dep;
                if (classifier.Group[r] != g || classifier.Deprived[r] != (dep & applies & ~missing) || classifier.Observed[r] != (applies & ~missing))
                    return false;
                // The pattern key the histogram counts by: the same facts, the monetary truth with them.
                var a = data["a"][r];
                var money = !monetary ? (byte)1 : double.IsNaN(a) ? Truth.Unknown : a < 0 ? Truth.Yes : Truth.No;
                if (monetary && classifier.MonetaryTruth[r] != money) return false;
                if (classifier.Keys[r] != keys.Key(g, dep & applies & ~missing, applies & ~missing, money)) return false;
            }
            return true;
        });
}

/// <summary>
/// A plan of one age group whose indicators are all single column tests is finished straight into
/// pattern keys; its masks and groups are made when first read. Keys, masks and groups equal a
/// row-by-row reading of the method, with or without a monetary rule (in the key), either missing
/// rule, all lengths (vector steps and their tail), and the masks read after the keys or not at all
/// for one batch and then for the next.
/// </summary>
public class KeysOnlyClassifierProperties
{
    private static readonly string[] Columns = ["a", "b", "c", "income"];
    private static readonly double[] Values = [double.NaN, 0, 0, 1, 1, 2, 9, -1];

    private static ModaSpec Spec(MissingRule rule, bool monetary) => new()
    {
        MissingRule = rule,
        Monetary = monetary ? new MonetarySpec("income", "< 1") : null,
        Dimensions =
        [
            new DimensionSpec { Name = "A", Indicators = [new IndicatorSpec { Name = "a", Column = "a", DeprivedIf = "== 1" }] },
            new DimensionSpec { Name = "B", Indicators = [new IndicatorSpec { Name = "b", Column = "b", DeprivedIf = "in [1, 2]", MissingValues = ["9"] }] },
            new DimensionSpec { Name = "C", Indicators = [new IndicatorSpec { Name = "c", Column = "c", DeprivedIf = ">= 1" }] },
        ],
    };

    // Up to 200 rows: past the monetary pass's 32-byte vector steps as well as the keys' steps.
    private static Gen<double[]> Cells() => Gen.Choose(0, 200).SelectMany(n => Gen.Elements(Values).ArrayOf(n * Columns.Length));

    [Property(MaxTest = 150)]
    public Property KeysAndMasksMatchTheRowByRowMethod() =>
        Prop.ForAll(Cells().ToArbitrary(), Cells().ToArbitrary(), Gen.Choose(0, 3).ToArbitrary(), (first, second, flags) =>
        {
            var (strict, monetary) = ((flags & 1) == 1, (flags & 2) == 2);
            var spec = Spec(strict ? MissingRule.Strict : MissingRule.Union, monetary);
            var plan = AnalysisPlan.Create(spec, Columns);
            var keys = PatternKeys.Of(plan);
            var classifier = new ChildClassifier(plan);
            // The second batch reuses the classifier after a batch whose masks were never read.
            return Matches(first, readMasks: false) && Matches(second, readMasks: true);

            bool Matches(double[] cells, bool readMasks)
            {
                var n = cells.Length / Columns.Length;
                var batch = new ColumnBatch(plan.Requests, Math.Max(n, 1)) { Count = n };
                var data = Columns.Select((_, j) => Enumerable.Range(0, n).Select(r => cells[r * Columns.Length + j]).ToArray()).ToArray();
                for (var j = 0; j < Columns.Length; j++)
                    if (plan.Requests.Any(q => q.Name == Columns[j])) data[j].CopyTo(batch.Numbers[plan.SlotOf(Columns[j], ColumnKind.Numeric)]!, 0);
                classifier.Classify(batch);
                for (var r = 0; r < n; r++)
                {
                    var (a, b, c, income) = (data[0][r], data[1][r], data[2][r], data[3][r]);
                    uint dep = 0, unk = 0;
                    if (double.IsNaN(a)) unk |= 1; else if (a == 1) dep |= 1;
                    if (double.IsNaN(b) || b == 9) unk |= 2; else if (b is 1 or 2) dep |= 2;
                    if (double.IsNaN(c)) unk |= 4; else if (c >= 1) dep |= 4;
                    var missing = strict ? unk : unk & ~dep;
                    var observed = 7u & ~missing;
                    var money = !monetary ? (byte)1 : double.IsNaN(income) ? Truth.Unknown : income < 1 ? Truth.Yes : Truth.No;
                    if (classifier.Keys[r] != keys.Key(0, dep & observed, observed, money)) return false;
                    if (readMasks && (classifier.Group[r] != 0 || classifier.Deprived[r] != (dep & observed) || classifier.Observed[r] != observed)) return false;
                }
                return true;
            }
        });
}
