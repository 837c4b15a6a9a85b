using Moda.Data;

namespace Moda.Rules;

/// <summary>
/// A rule bound to the slots of a batch: evaluates whole columns at a time into a
/// <see cref="Truth"/> per row. Holds its own scratch buffers, so use one per thread.
/// </summary>
public sealed class RuleEvaluator
{
    private readonly BoolOp _root;

    internal RuleEvaluator(Node root, Func<string, ColumnKind, int> slotOf, HashSet<string> extraMissing)
    {
        var numericMissing = extraMissing.Select(c => Rule.IsNumericCode(c, out var v) ? v : double.NaN)
            .Where(double.IsFinite).ToArray();
        _root = new Compiler(slotOf, extraMissing, numericMissing).Bool(root);
        ColumnTest = AsColumnTest(root, slotOf, numericMissing);
    }

    /// <summary>The rule as one test of one numeric column, when it is one (most indicators); else null.</summary>
    internal ColumnTest? ColumnTest { get; }

    private static ColumnTest? AsColumnTest(Node root, Func<string, ColumnKind, int> slotOf, double[] missing)
    {
        static double? Constant(Node n) => n switch
        {
            NumberNode c => c.Value,
            NegateNode { Operand: NumberNode c } => 0 - c.Value,
            _ => null,
        };
        return root switch
        {
            CompareNode { Left: ColumnNode x } c when Constant(c.Right) is { } v => ColumnTest.Compare(slotOf(x.Name, ColumnKind.Numeric), c.Op, v, false, missing),
            CompareNode { Right: ColumnNode x } c when Constant(c.Left) is { } v => ColumnTest.Compare(slotOf(x.Name, ColumnKind.Numeric), c.Op, v, true, missing),
            InNode { Operand: ColumnNode x } i when i.Values.All(v => v is NumberNode) =>
                ColumnTest.In(slotOf(x.Name, ColumnKind.Numeric), i.Values.Cast<NumberNode>().Select(n => n.Value).ToArray(), i.Negated, missing),
            ColumnNode x => ColumnTest.Compare(slotOf(x.Name, ColumnKind.Numeric), CompareOp.NotEqual, 0, false, missing),
            _ => null,
        };
    }

    /// <summary>Evaluates the rule on every row of <paramref name="batch"/> into <paramref name="result"/>.</summary>
    public void Evaluate(ColumnBatch batch, Span<byte> result) =>
        _root.Eval(batch).AsSpan(0, batch.Count).CopyTo(result);

    private sealed class Compiler(Func<string, ColumnKind, int> slotOf, HashSet<string> textMissing, double[] numericMissing)
    {
        public BoolOp Bool(Node node) => node switch
        {
            LogicNode l => new LogicOp(l.Op, Bool(l.Left), Bool(l.Right)),
            NotNode n => new NotOp(Bool(n.Operand)),
            CompareNode c when c.Left is StringNode || c.Right is StringNode => TextCompare(c),
            CompareNode c => new CompareOpNode(c.Op, Number(c.Left), Number(c.Right)),
            InNode i when i.Values.Any(v => v is StringNode) => new TextMatchOp(
                Text((ColumnNode)i.Operand), i.Values.Cast<StringNode>().Select(s => s.Value).ToHashSet(StringComparer.Ordinal), i.Negated),
            InNode i => new NumberInOp(Number(i.Operand), i.Values.Cast<NumberNode>().Select(n => n.Value).ToArray(), i.Negated),
            // A number in a boolean position is true when non-zero (a 0/1 flag column).
            _ => new CompareOpNode(CompareOp.NotEqual, Number(node), new ConstantOp(0)),
        };

        private BoolOp TextCompare(CompareNode c)
        {
            if (c.Left is StringNode a && c.Right is StringNode b)
                return new ConstantBoolOp((a.Value == b.Value) == (c.Op == CompareOp.Equal) ? Truth.Yes : Truth.No);
            var column = (ColumnNode)(c.Left is ColumnNode ? c.Left : c.Right);
            var value = ((StringNode)(c.Left is StringNode ? c.Left : c.Right)).Value;
            return new TextMatchOp(Text(column), [value], c.Op == CompareOp.NotEqual);
        }

        private TextColumnOp Text(ColumnNode c) => new(slotOf(c.Name, ColumnKind.Categorical), textMissing);

        private NumberOp Number(Node node) => node switch
        {
            NumberNode n => new ConstantOp(n.Value),
            ColumnNode c => new NumberColumnOp(slotOf(c.Name, ColumnKind.Numeric), numericMissing),
            NegateNode n => new ArithmeticOpNode(ArithmeticOp.Subtract, new ConstantOp(0), Number(n.Operand)),
            ArithmeticNode a => new ArithmeticOpNode(a.Op, Number(a.Left), Number(a.Right)),
            _ => throw new InvalidOperationException($"not numeric: {node}"),
        };
    }

    private static T[] Buffer<T>(ref T[]? buffer, int count)
    {
        if (buffer is null || buffer.Length < count) buffer = new T[Math.Max(count, 1024)];
        return buffer;
    }

    private abstract class NumberOp
    {
        public abstract double[] Eval(ColumnBatch b);
    }

    private abstract class BoolOp
    {
        public abstract byte[] Eval(ColumnBatch b);
    }

    private sealed class ConstantOp(double value) : NumberOp
    {
        private double[]? _buffer;
        private int _filled;

        public double Value => value;

        public override double[] Eval(ColumnBatch b)
        {
            var buf = Buffer(ref _buffer, b.Count);
            if (_filled < b.Count) { buf.AsSpan(0, b.Count).Fill(value); _filled = b.Count; }
            return buf;
        }
    }

    private sealed class NumberColumnOp(int slot, double[] missing) : NumberOp
    {
        private double[]? _buffer;

        public override double[] Eval(ColumnBatch b)
        {
            var source = b.Numbers[slot]!;
            if (missing.Length == 0) return source;
            var buf = Buffer(ref _buffer, b.Count);
            for (var i = 0; i < b.Count; i++)
            {
                var v = source[i];
                buf[i] = Array.IndexOf(missing, v) >= 0 ? double.NaN : v;
            }
            return buf;
        }
    }

    private sealed class ArithmeticOpNode(ArithmeticOp op, NumberOp left, NumberOp right) : NumberOp
    {
        private double[]? _buffer;

        public override double[] Eval(ColumnBatch b)
        {
            var x = left.Eval(b).AsSpan(0, b.Count);
            var y = right.Eval(b).AsSpan(0, b.Count);
            var r = Buffer(ref _buffer, b.Count);
            switch (op)
            {
                case ArithmeticOp.Add: for (var i = 0; i < x.Length; i++) r[i] = x[i] + y[i]; break;
                case ArithmeticOp.Subtract: for (var i = 0; i < x.Length; i++) r[i] = x[i] - y[i]; break;
                case ArithmeticOp.Multiply: for (var i = 0; i < x.Length; i++) r[i] = x[i] * y[i]; break;
                default: for (var i = 0; i < x.Length; i++) r[i] = y[i] == 0 ? double.NaN : x[i] / y[i]; break;
            }
            return r;
        }
    }

    private sealed class CompareOpNode(CompareOp op, NumberOp left, NumberOp right) : BoolOp
    {
        private byte[]? _buffer;

        public override byte[] Eval(ColumnBatch b)
        {
            var r = Buffer(ref _buffer, b.Count);
            var result = r.AsSpan(0, b.Count);
            // A side that is a constant (has_tv == 0) is compared as one number, not as a column of copies.
            if (right is ConstantOp c) CompareKernel.Compare(op, left.Eval(b).AsSpan(0, b.Count), c.Value, result);
            else if (left is ConstantOp d) CompareKernel.Compare(CompareKernel.Mirror(op), right.Eval(b).AsSpan(0, b.Count), d.Value, result);
            else CompareKernel.Compare(op, left.Eval(b).AsSpan(0, b.Count), right.Eval(b).AsSpan(0, b.Count), result);
            return r;
        }
    }

    private sealed class NumberInOp(NumberOp operand, double[] values, bool negated) : BoolOp
    {
        private byte[]? _buffer;

        public override byte[] Eval(ColumnBatch b)
        {
            var x = operand.Eval(b).AsSpan(0, b.Count);
            var r = Buffer(ref _buffer, b.Count);
            byte hit = negated ? Truth.No : Truth.Yes, miss = negated ? Truth.Yes : Truth.No;
            for (var i = 0; i < x.Length; i++)
                r[i] = double.IsNaN(x[i]) ? Truth.Unknown : Array.IndexOf(values, x[i]) >= 0 ? hit : miss;
            return r;
        }
    }

    private sealed class TextColumnOp(int slot, HashSet<string> missing)
    {
        public int Slot => slot;

        public bool IsMissing(string value) => missing.Contains(value);
    }

    // Matches a categorical column against a set of strings through a per-code lookup table,
    // extended as the dictionary grows, so no string is compared per row.
    private sealed class TextMatchOp(TextColumnOp column, HashSet<string> values, bool negated) : BoolOp
    {
        private byte[]? _buffer;
        private byte[] _table = [];
        private int _known;
        private CategoryDictionary? _dictionary;

        public override byte[] Eval(ColumnBatch b)
        {
            var dict = b.Categories[column.Slot]!;
            if (!ReferenceEquals(dict, _dictionary))
            {
                // A new dictionary (another chunk) restarts the codes.
                _dictionary = dict;
                _known = 0;
            }
            if (_known < dict.Count)
            {
                if (_table.Length < dict.Count) Array.Resize(ref _table, Math.Max(dict.Count, 2 * _table.Length));
                for (; _known < dict.Count; _known++)
                {
                    var v = dict[_known];
                    _table[_known] = column.IsMissing(v) ? Truth.Unknown : values.Contains(v) != negated ? Truth.Yes : Truth.No;
                }
            }
            var codes = b.Codes[column.Slot]!;
            var r = Buffer(ref _buffer, b.Count);
            for (var i = 0; i < b.Count; i++)
            {
                var code = codes[i];
                r[i] = code < 0 ? Truth.Unknown : _table[code];
            }
            return r;
        }
    }

    private sealed class LogicOp(Moda.Rules.LogicOp op, BoolOp left, BoolOp right) : BoolOp
    {
        private byte[]? _buffer;

        public override byte[] Eval(ColumnBatch b)
        {
            var x = left.Eval(b).AsSpan(0, b.Count);
            var y = right.Eval(b).AsSpan(0, b.Count);
            var r = Buffer(ref _buffer, b.Count);
            if (op == Moda.Rules.LogicOp.And)
                for (var i = 0; i < x.Length; i++) r[i] = Math.Min(x[i], y[i]);
            else
                for (var i = 0; i < x.Length; i++) r[i] = Math.Max(x[i], y[i]);
            return r;
        }
    }

    private sealed class NotOp(BoolOp operand) : BoolOp
    {
        private byte[]? _buffer;

        public override byte[] Eval(ColumnBatch b)
        {
            var x = operand.Eval(b);
            var r = Buffer(ref _buffer, b.Count);
            for (var i = 0; i < b.Count; i++) r[i] = (byte)(Truth.Yes - x[i]);
            return r;
        }
    }

    private sealed class ConstantBoolOp(byte value) : BoolOp
    {
        private byte[]? _buffer;

        public override byte[] Eval(ColumnBatch b)
        {
            var r = Buffer(ref _buffer, b.Count);
            r.AsSpan(0, b.Count).Fill(value);
            return r;
        }
    }
}
