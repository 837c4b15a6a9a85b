using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Tests.Deprivation;

/// <summary>
/// The vectorised fold of indicator truths into dimension masks (32 rows a step, scalar tail)
/// gives, for batches of every length, the masks a row-by-row reading of the union rule gives.
/// </summary>
public class ClassifierFoldProperties
{
    private static readonly string[] Dimensions = ["nutrition", "health", "education", "information", "water", "sanitation", "housing", "protection"];

    [Property(MaxTest = 200)]
    public Property MasksMatchTheRowByRowRule() =>
        Prop.ForAll(Gen.Choose(0, 200).SelectMany(n => Gen.Elements(0.0, 1.0, 1.0, double.NaN, 2.0).ArrayOf(n * Dimensions.Length)).ToArbitrary(), cells =>
        {
            var n = cells.Length / Dimensions.Length;
            var plan = AnalysisPlan.Create(Profiles.Default, Dimensions);
            var batch = new ColumnBatch(plan.Requests, Math.Max(n, 1)) { Count = n };
            for (var j = 0; j < Dimensions.Length; j++)
            {
                var column = batch.Numbers[plan.SlotOf(Dimensions[j], ColumnKind.Numeric)]!;
                for (var r = 0; r < n; r++) column[r] = cells[r * Dimensions.Length + j];
            }
            var classifier = new ChildClassifier(plan);
            classifier.Classify(batch);
            for (var r = 0; r < n; r++)
            {
                uint deprived = 0, observed = 0;
                for (var j = 0; j < Dimensions.Length; j++)
                {
                    var v = cells[r * Dimensions.Length + j];
                    var dim = plan.DimensionNames.ToList().IndexOf(Dimensions[j]);
                    if (v == 1) deprived |= 1u << dim;
                    if (!double.IsNaN(v)) observed |= 1u << dim;
                }
                if (classifier.Deprived[r] != deprived || classifier.Observed[r] != observed) return false;
            }
            return true;
        });
}
