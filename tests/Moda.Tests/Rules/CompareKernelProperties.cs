using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Rules;

namespace Moda.Tests.Rules;

/// <summary>
/// The vectorised comparison equals the scalar reference on any input, tails included: as this
/// machine dispatches it, and with each vector width (256, 128 bits, none) called directly.
/// </summary>
public class CompareKernelProperties
{
    private static readonly double[] Specials = [double.NaN, 0, -0.0, 1, -1, 2, 0.5, double.PositiveInfinity, double.NegativeInfinity, 1e300];

    private static Arbitrary<double[]> Columns() =>
        Gen.OneOf(Gen.Elements(Specials), Gen.Choose(-3, 3).Select(i => (double)i), ArbMap.Default.GeneratorFor<double>())
            .ArrayOf().ToArbitrary();

    [Property(MaxTest = 300)]
    public Property VectorEqualsScalar() =>
        Prop.ForAll(Columns(), Columns(), Gen.Choose(0, 5).ToArbitrary(), (xs, ys, opIndex) =>
        {
            var n = Math.Min(xs.Length, ys.Length);
            var op = (CompareOp)opIndex;
            var vector = new byte[n];
            var scalar = new byte[n];
            CompareKernel.Compare(op, xs.AsSpan(0, n), ys.AsSpan(0, n), vector);
            CompareKernel.CompareScalar(op, xs.AsSpan(0, n), ys.AsSpan(0, n), scalar);
            return vector.AsSpan().SequenceEqual(scalar);
        });

    // A constant side (x < 2 in an expression) is compared as one number: the same bytes as a
    // column of copies of it, on either side (mirrored), tails and NaN included.
    [Property(MaxTest = 300)]
    public Property ConstantSideEqualsAColumnOfIt() =>
        Prop.ForAll(Columns(), Gen.OneOf(Gen.Elements(Specials), ArbMap.Default.GeneratorFor<double>()).ToArbitrary(), Gen.Choose(0, 5).ToArbitrary(),
            (xs, c, opIndex) =>
            {
                var op = (CompareOp)opIndex;
                var copies = Enumerable.Repeat(c, xs.Length).ToArray();
                var right = new byte[xs.Length];
                var rightReference = new byte[xs.Length];
                CompareKernel.Compare(op, xs, c, right);
                CompareKernel.CompareScalar(op, xs, copies, rightReference);
                var left = new byte[xs.Length];
                var leftReference = new byte[xs.Length];
                CompareKernel.Compare(CompareKernel.Mirror(op), xs, c, left);
                CompareKernel.CompareScalar(op, copies, xs, leftReference);
                return right.AsSpan().SequenceEqual(rightReference) && left.AsSpan().SequenceEqual(leftReference);
            });

    [Fact]
    public void EveryLengthUpToSeventeen()
    {
        for (var n = 0; n <= 17; n++)
        {
            var x = Enumerable.Range(0, n).Select(i => i % 5 == 4 ? double.NaN : i % 3).ToArray();
            var y = Enumerable.Range(0, n).Select(i => i % 7 == 6 ? double.NaN : 1.0).ToArray();
            foreach (var op in Enum.GetValues<CompareOp>())
            {
                var vector = new byte[n];
                var scalar = new byte[n];
                CompareKernel.Compare(op, x, y, vector);
                CompareKernel.CompareScalar(op, x, y, scalar);
                Assert.Equal(scalar, vector);
            }
        }
    }

    [Property(MaxTest = 300)]
    public Property EveryWidthEqualsScalar() =>
        Prop.ForAll(Columns(), Columns(), (from op in Gen.Choose(0, 5)
                                           from c in Gen.OneOf(Gen.Elements(Specials), ArbMap.Default.GeneratorFor<double>())
                                           select (op, c)).ToArbitrary(),
            (xs, ys, pick) =>
            {
                var (opIndex, c) = pick;
                var n = Math.Min(xs.Length, ys.Length);
                var op = (CompareOp)opIndex;
                var x = xs.AsSpan(0, n);
                var y = ys.AsSpan(0, n);
                var scalar = new byte[n];
                var ofConstant = new byte[n];
                CompareKernel.CompareScalar(op, x, y, scalar);
                CompareKernel.CompareScalar(op, x, Enumerable.Repeat(c, n).ToArray(), ofConstant);
                foreach (var width in new[] { 256, 128, 0 })
                {
                    var columns = new byte[n];
                    var constant = new byte[n];
                    CompareKernel.Compare(op, x, new CompareKernel.Column(y), columns, width);
                    CompareKernel.Compare(op, x, new CompareKernel.Constant(c), constant, width);
                    if (!columns.AsSpan().SequenceEqual(scalar) || !constant.AsSpan().SequenceEqual(ofConstant)) return false;
                }
                return true;
            });

    [Fact]
    public void ARightSideShorterThanTheLeftIsRefused()
    {
        var result = new byte[5];
        Assert.Throws<ArgumentException>(() => CompareKernel.Compare(CompareOp.Less, [1, 2, 3, 4, 5], [1, 2, 3, 4], result));
        Assert.Throws<ArgumentException>(() => CompareKernel.Compare(CompareOp.Less, [1, 2, 3, 4, 5], 1.0, new byte[4]));
    }

    [Fact]
    public void MissingOnEitherSideIsUnknown()
    {
        var result = new byte[5];
        CompareKernel.Compare(CompareOp.Less, [double.NaN, 1, 1, 3, 2], [1, double.NaN, 2, 2, 2], result);
        Assert.Equal([Truth.Unknown, Truth.Unknown, Truth.Yes, Truth.No, Truth.No], result);
    }
}
