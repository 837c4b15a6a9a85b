using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Deprivation;
using Moda.Rules;

namespace Moda.Tests.Deprivation;

/// <summary>
/// Folding truth bytes into the masks gives, with vectors (this machine's width: CI also runs
/// the tests with AVX2 off, for the 128-bit width) and without, what the row-by-row definition
/// gives: masks that already hold bits keep them, tails included.
/// </summary>
public class TruthFoldProperties
{
    [Property(MaxTest = 300)]
    public Property EitherPathIsTheRowByRowFold() =>
        Prop.ForAll((from n in Gen.Choose(0, 100)
                     from truth in Gen.Elements(Truth.No, Truth.Unknown, Truth.Yes).ArrayOf(n)
                     from deprived in Gen.Choose(0, int.MaxValue).Select(i => (uint)i).ArrayOf(n)
                     from unknown in Gen.Choose(0, int.MaxValue).Select(i => (uint)i).ArrayOf(n)
                     from dim in Gen.Choose(0, 31)
                     select (truth, deprived, unknown, dim)).ToArbitrary(), c =>
        {
            var (truth, deprived, unknown, dim) = c;
            var expectedDeprived = deprived.Select((m, r) => truth[r] == Truth.Yes ? m | 1u << dim : m).ToArray();
            var expectedUnknown = unknown.Select((m, r) => truth[r] == Truth.Unknown ? m | 1u << dim : m).ToArray();
            foreach (var vectors in new[] { true, false })
            {
                var d = (uint[])deprived.Clone();
                var u = (uint[])unknown.Clone();
                TruthFold.Fold(truth, d, u, dim, vectors);
                if (!d.SequenceEqual(expectedDeprived) || !u.SequenceEqual(expectedUnknown)) return false;
            }
            return true;
        });
}
