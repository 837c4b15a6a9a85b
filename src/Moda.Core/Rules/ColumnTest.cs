using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Moda.Rules;

/// <summary>
/// A rule that is one test of one numeric column, <c>x op constant</c> or <c>x in [values]</c>
/// (negated or not), with the column's missing codes: most indicators are. It folds a column
/// straight into deprivation mask bits, a vector of rows a step (eight with AVX-512, else the
/// machine's <c>Vector&lt;T&gt;</c>: four with AVX2, two on ARM64), where the general evaluator
/// makes a <see cref="Truth"/> byte per row. The scalar path is the reference the vector path must equal
/// (Unknown where x is NaN or a missing code, else the test).
/// </summary>
internal sealed class ColumnTest
{
    private readonly CompareOp _op;          // x op constant (a constant on the left is mirrored)
    private readonly double _constant;
    private readonly double[]? _values;      // set for x in [values]
    private readonly bool _negated;
    private readonly double[] _missing;

    private ColumnTest(int slot, CompareOp op, double constant, double[]? values, bool negated, double[] missing)
    {
        Slot = slot;
        _op = op;
        _constant = constant;
        _values = values;
        _negated = negated;
        _missing = missing;
    }

    /// <summary>The numeric column's slot.</summary>
    public int Slot { get; }

    /// <summary>A comparison of a column with a constant.</summary>
    public static ColumnTest Compare(int slot, CompareOp op, double constant, bool constantOnLeft, double[] missing) =>
        new(slot, constantOnLeft ? CompareKernel.Mirror(op) : op, constant, null, false, missing);

    /// <summary>Membership of a column's value in a list.</summary>
    public static ColumnTest In(int slot, double[] values, bool negated, double[] missing) =>
        new(slot, CompareOp.Equal, 0, values, negated, missing);

    /// <summary>True when <paramref name="other"/> is the same test (of another column, maybe).</summary>
    public bool SameTest(ColumnTest other) =>
        _op == other._op && _constant.Equals(other._constant) && _negated == other._negated &&
        (_values ?? []).AsSpan().SequenceEqual(other._values ?? []) && (_values is null) == (other._values is null) &&
        _missing.AsSpan().SequenceEqual(other._missing);

    /// <summary>
    /// For every row of one column, ORs <paramref name="deprivedBit"/> into <paramref name="bits"/>
    /// where the test is true and <paramref name="unknownBit"/> where x is missing.
    /// </summary>
    public void Fold(double[] x, Span<ulong> bits, ulong deprivedBit, ulong unknownBit) =>
        Fold([x], 0, bits[..Math.Min(bits.Length, x.Length)], [deprivedBit], [unknownBit]);

    /// <summary>
    /// The test applied to several columns, rows [start, start + bits.Length) of each: for row r,
    /// column k ORs <paramref name="deprivedBits"/>[k] into bits[r - start] where the test is true
    /// and <paramref name="unknownBits"/>[k] where its value is missing. All columns in one pass,
    /// so each row's bits are written once. With <paramref name="replace"/> the bits are set, not
    /// ORed into (they need no clearing first).
    /// </summary>
    public void Fold(ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits, ReadOnlySpan<ulong> unknownBits,
        bool replace = false)
    {
        foreach (var column in columns)
            if (column.Length < start + bits.Length) throw new ArgumentException("a column is shorter than the rows to fold", nameof(columns));
        var r = 0;
        if (Vector512.IsHardwareAccelerated)
            r = Folded<Eight>(columns, start, bits, deprivedBits, unknownBits, replace); // AVX-512, then Vector<T> for what is left
        if (Vector.IsHardwareAccelerated)
            r += Folded<MachineWidth>(columns, start + r, bits[r..], deprivedBits, unknownBits, replace);
        if (replace) bits[r..].Clear();
        for (var k = 0; k < columns.Length; k++)
            FoldScalar(columns[k].AsSpan(start + r, bits.Length - r), bits[r..], deprivedBits[k], unknownBits[k]);
    }

    /// <summary>The reference: one row of one column at a time.</summary>
    public void FoldScalar(ReadOnlySpan<double> x, Span<ulong> bits, ulong deprivedBit, ulong unknownBit)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            if (double.IsNaN(v) || Array.IndexOf(_missing, v) >= 0) bits[i] |= unknownBit;
            else if (Test(v)) bits[i] |= deprivedBit;
        }
    }

    private bool Test(double v)
    {
        if (_values is not null) return (Array.IndexOf(_values, v) >= 0) != _negated;
        return CompareKernel.Holds(_op, v, _constant);
    }

    // Rows folded: all whole vectors of the machine's width (Vector<T>: four rows with AVX2, two on
    // ARM64 and x64 without AVX2); the caller does the tail.
    private int FoldVector<TOp>(ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits, ReadOnlySpan<ulong> unknownBits,
        Vector<ulong> keep) where TOp : struct, IVectorTest
    {
        ref var pb = ref MemoryMarshal.GetReference(bits);
        var c = new Vector<double>(_constant);
        var missing = _missing;
        var r = 0;
        for (; r <= bits.Length - Vector<double>.Count; r += Vector<double>.Count)
        {
            var folded = Vector<ulong>.Zero;
            for (var k = 0; k < columns.Length; k++)
            {
                var v = Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(columns[k]), (nuint)(start + r));
                var unknown = ~Vector.Equals(v, v);
                foreach (var m in missing) unknown |= Vector.Equals(v, new Vector<double>(m));
                var test = TOp.Test(v, c, this);
                folded |= (Vector.AsVectorUInt64(Vector.AndNot(test, unknown)) & new Vector<ulong>(deprivedBits[k])) |
                    (Vector.AsVectorUInt64(unknown) & new Vector<ulong>(unknownBits[k]));
            }
            ((Vector.LoadUnsafe(ref pb, (nuint)r) & keep) | folded).StoreUnsafe(ref pb, (nuint)r);
        }
        return r;
    }

    // FoldVector eight rows a step (AVX-512).
    private int FoldVector512<TOp>(ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits, ReadOnlySpan<ulong> unknownBits,
        Vector512<ulong> keep) where TOp : struct, IVectorTest
    {
        ref var pb = ref MemoryMarshal.GetReference(bits);
        var c = Vector512.Create(_constant);
        var missing = _missing;
        var r = 0;
        for (; r <= bits.Length - Vector512<double>.Count; r += Vector512<double>.Count)
        {
            var folded = Vector512<ulong>.Zero;
            for (var k = 0; k < columns.Length; k++)
            {
                var v = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(columns[k]), (nuint)(start + r));
                var unknown = ~Vector512.Equals(v, v);
                foreach (var m in missing) unknown |= Vector512.Equals(v, Vector512.Create(m));
                var test = TOp.Test(v, c, this);
                folded |= (Vector512.AndNot(test, unknown).AsUInt64() & Vector512.Create(deprivedBits[k])) |
                    (unknown.AsUInt64() & Vector512.Create(unknownBits[k]));
            }
            ((Vector512.LoadUnsafe(ref pb, (nuint)r) & keep) | folded).StoreUnsafe(ref pb, (nuint)r);
        }
        return r;
    }

    // The vector fold for this test's operator, TWidth rows a step; returns the rows folded.
    private int Folded<TWidth>(ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits, ReadOnlySpan<ulong> unknownBits,
        bool replace) where TWidth : struct, IFoldWidth =>
        _values is not null ? TWidth.Fold<InList>(this, columns, start, bits, deprivedBits, unknownBits, replace)
            : _op switch
            {
                CompareOp.Less => TWidth.Fold<Less>(this, columns, start, bits, deprivedBits, unknownBits, replace),
                CompareOp.LessEqual => TWidth.Fold<LessEqual>(this, columns, start, bits, deprivedBits, unknownBits, replace),
                CompareOp.Greater => TWidth.Fold<Greater>(this, columns, start, bits, deprivedBits, unknownBits, replace),
                CompareOp.GreaterEqual => TWidth.Fold<GreaterEqual>(this, columns, start, bits, deprivedBits, unknownBits, replace),
                CompareOp.Equal => TWidth.Fold<Equal>(this, columns, start, bits, deprivedBits, unknownBits, replace),
                _ => TWidth.Fold<NotEqual>(this, columns, start, bits, deprivedBits, unknownBits, replace),
            };

    // A vector width of the fold: rows a step.
    private interface IFoldWidth
    {
        static abstract int Fold<TOp>(ColumnTest t, ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits,
            ReadOnlySpan<ulong> unknownBits, bool replace) where TOp : struct, IVectorTest;
    }

    private struct MachineWidth : IFoldWidth
    {
        public static int Fold<TOp>(ColumnTest t, ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits,
            ReadOnlySpan<ulong> unknownBits, bool replace) where TOp : struct, IVectorTest =>
            t.FoldVector<TOp>(columns, start, bits, deprivedBits, unknownBits, replace ? Vector<ulong>.Zero : Vector<ulong>.AllBitsSet);
    }

    private struct Eight : IFoldWidth
    {
        public static int Fold<TOp>(ColumnTest t, ReadOnlySpan<double[]> columns, int start, Span<ulong> bits, ReadOnlySpan<ulong> deprivedBits,
            ReadOnlySpan<ulong> unknownBits, bool replace) where TOp : struct, IVectorTest =>
            t.FoldVector512<TOp>(columns, start, bits, deprivedBits, unknownBits, replace ? Vector512<ulong>.Zero : Vector512<ulong>.AllBitsSet);
    }

    private interface IVectorTest
    {
        static abstract Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t);
        static abstract Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t);
    }

    private struct Less : IVectorTest
    {
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t) => Vector.LessThan(v, c);
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t) => Vector512.LessThan(v, c);
    }

    private struct LessEqual : IVectorTest
    {
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t) => Vector.LessThanOrEqual(v, c);
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t) => Vector512.LessThanOrEqual(v, c);
    }

    private struct Greater : IVectorTest
    {
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t) => Vector.GreaterThan(v, c);
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t) => Vector512.GreaterThan(v, c);
    }

    private struct GreaterEqual : IVectorTest
    {
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t) => Vector.GreaterThanOrEqual(v, c);
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t) => Vector512.GreaterThanOrEqual(v, c);
    }

    private struct Equal : IVectorTest
    {
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t) => Vector.Equals(v, c);
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t) => Vector512.Equals(v, c);
    }

    private struct NotEqual : IVectorTest
    {
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t) => ~Vector.Equals(v, c);
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t) => ~Vector512.Equals(v, c);
    }

    private struct InList : IVectorTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<long> Test(Vector<double> v, Vector<double> c, ColumnTest t)
        {
            var hit = Vector<long>.Zero;
            foreach (var value in t._values!) hit |= Vector.Equals(v, new Vector<double>(value));
            return t._negated ? ~hit : hit;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Test(Vector512<double> v, Vector512<double> c, ColumnTest t)
        {
            var hit = Vector512<double>.Zero;
            foreach (var value in t._values!) hit |= Vector512.Equals(v, Vector512.Create(value));
            return t._negated ? ~hit : hit;
        }
    }
}
