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
/// rule), its masks and truths equal a row-by-row reading of the method on the general evaluator.
/// </summary>
public class ClassifierPathsProperties
{
    private static readonly string[] Columns = ["a", "b", "c1", "c2", "d1", "d2", "e"];

    private static ModaSpec Spec(MissingRule rule) => new()
    {
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
        Prop.ForAll(Gen.Choose(0, 150).SelectMany(n => Gen.Elements(Values).ArrayOf(n * (Columns.Length + 1))).ToArbitrary(), ArbMap.Default.ArbFor<bool>(), (cells, strict) =>
        {
            var width = Columns.Length + 1;
            var n = cells.Length / width;
            var spec = Spec(strict ? MissingRule.Strict : MissingRule.Union);
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
            }
            return true;
        });
}
