using System.Globalization;
using Moda.Data;

namespace Moda.Rules;

/// <summary>
/// A parsed and type-checked deprivation rule, ready to be bound to the column slots of a batch.
/// Columns compared with quoted strings are read as categorical, all others as numeric.
/// Logic is Kleene's: <c>false and missing</c> is false, <c>true or missing</c> is true; any other
/// missing input makes the result missing. Division by zero gives missing.
/// </summary>
public sealed class Rule
{
    private readonly Node _root;
    private readonly HashSet<string> _extraMissing;

    private Rule(string text, Node root, IEnumerable<string> extraMissing)
    {
        Text = text;
        _root = root;
        _extraMissing = new HashSet<string>(extraMissing, StringComparer.Ordinal);
        var columns = new List<(string, ColumnKind)>();
        TypeCheck(root, columns);
        Columns = columns.Distinct().ToArray();
        var literals = new List<(string, string)>();
        CollectTextLiterals(root, literals);
        TextLiterals = literals.Distinct().ToArray();
    }

    /// <summary>Each quoted string the rule compares a column with (<c>==</c>, <c>!=</c>, <c>in</c>), with that column.</summary>
    public IReadOnlyList<(string Column, string Value)> TextLiterals { get; }

    private static void CollectTextLiterals(Node node, List<(string, string)> found)
    {
        switch (node)
        {
            case CompareNode { Left: ColumnNode c, Right: StringNode v }:
                found.Add((c.Name, v.Value));
                break;
            case CompareNode { Left: StringNode v, Right: ColumnNode c }:
                found.Add((c.Name, v.Value));
                break;
            case InNode { Operand: ColumnNode c } @in:
                foreach (var v in @in.Values.OfType<StringNode>()) found.Add((c.Name, v.Value));
                break;
            case LogicNode l:
                CollectTextLiterals(l.Left, found);
                CollectTextLiterals(l.Right, found);
                break;
            case NotNode n:
                CollectTextLiterals(n.Operand, found);
                break;
        }
    }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>The columns the rule reads, each with the kind it needs.</summary>
    public IReadOnlyList<(string Name, ColumnKind Kind)> Columns { get; }

    /// <summary>Parses a <c>deprivedIf</c> condition on <paramref name="column"/>.</summary>
    /// <exception cref="RuleSyntaxException">The condition does not parse or type-check.</exception>
    public static Rule Condition(string column, string condition, IEnumerable<string>? extraMissing = null) =>
        new(condition, RuleParser.ParseCondition(column, condition), extraMissing ?? []);

    /// <summary>Parses an <c>expr</c> expression.</summary>
    /// <exception cref="RuleSyntaxException">The expression does not parse or type-check.</exception>
    public static Rule Expression(string expression, IEnumerable<string>? extraMissing = null) =>
        new(expression, RuleParser.ParseExpression(expression), extraMissing ?? []);

    /// <summary>Binds the rule to batch slots; <paramref name="slotOf"/> maps a column and kind to its slot.</summary>
    public RuleEvaluator Bind(Func<string, ColumnKind, int> slotOf) => new(_root, slotOf, _extraMissing);

    private enum Type { Number, Text, Bool }

    // Returns the node's type; records every column with the kind its context asks for.
    private Type TypeCheck(Node node, List<(string, ColumnKind)> columns, Type? wanted = null)
    {
        switch (node)
        {
            case NumberNode:
                return Type.Number;
            case StringNode s:
                if (wanted is Type.Number) throw new RuleSyntaxException($"\"{s.Value}\" is text where a number is needed", s.Position);
                return Type.Text;
            case ColumnNode c:
                var kind = wanted is Type.Text ? ColumnKind.Categorical : ColumnKind.Numeric;
                columns.Add((c.Name, kind));
                return kind == ColumnKind.Categorical ? Type.Text : Type.Number;
            case NegateNode n:
                TypeCheck(n.Operand, columns, Type.Number);
                return Type.Number;
            case ArithmeticNode a:
                TypeCheck(a.Left, columns, Type.Number);
                TypeCheck(a.Right, columns, Type.Number);
                return Type.Number;
            case CompareNode cmp:
                var textual = cmp.Left is StringNode || cmp.Right is StringNode;
                if (textual)
                {
                    if (cmp.Op is not (CompareOp.Equal or CompareOp.NotEqual))
                        throw new RuleSyntaxException("text can only be compared with == or !=", cmp.Position);
                    foreach (var side in new[] { cmp.Left, cmp.Right })
                        if (side is not (StringNode or ColumnNode))
                            throw new RuleSyntaxException("text is compared with a column, not a calculation", side.Position);
                }
                TypeCheck(cmp.Left, columns, textual ? Type.Text : Type.Number);
                TypeCheck(cmp.Right, columns, textual ? Type.Text : Type.Number);
                return Type.Bool;
            case InNode @in:
                var strings = @in.Values.Count(v => v is StringNode);
                if (strings != 0 && strings != @in.Values.Count)
                    throw new RuleSyntaxException("a list mixes numbers and quoted strings", @in.Position);
                if (strings > 0 && @in.Operand is not ColumnNode)
                    throw new RuleSyntaxException("only a column can be tested against a list of strings", @in.Position);
                TypeCheck(@in.Operand, columns, strings > 0 ? Type.Text : Type.Number);
                return Type.Bool;
            case LogicNode l:
                TypeCheck(l.Left, columns, Type.Bool);
                TypeCheck(l.Right, columns, Type.Bool);
                return Type.Bool;
            case NotNode n:
                TypeCheck(n.Operand, columns, Type.Bool);
                return Type.Bool;
            default:
                throw new InvalidOperationException(node.GetType().Name);
        }
    }

    internal static bool IsNumericCode(string code, out double value) =>
        double.TryParse(code, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
