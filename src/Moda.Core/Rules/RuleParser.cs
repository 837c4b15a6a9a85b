namespace Moda.Rules;

/// <summary>
/// Parses <c>deprivedIf</c> conditions (<c>&lt; -2</c>, <c>in [32, 42]</c>, <c>not in ["a"]</c>) and
/// <c>expr</c> expressions (arithmetic, comparisons, <c>and</c>/<c>or</c>/<c>not</c>, <c>in</c>,
/// parentheses) into syntax trees. Precedence, lowest first: or, and, not, comparison/in, + -, * /, unary minus.
/// </summary>
internal sealed class RuleParser
{
    private readonly List<Token> _tokens;
    private int _next;

    private RuleParser(string text) => _tokens = Lexer.Tokenize(text);

    /// <summary>Parses a condition on one column into <c>column OP value</c>.</summary>
    public static Node ParseCondition(string column, string condition)
    {
        var p = new RuleParser(condition);
        var subject = new ColumnNode(column, 0);
        Node result;
        var t = p.Peek;
        if (t.Kind is TokenKind.In or TokenKind.Not)
        {
            var negated = p.Accept(TokenKind.Not);
            p.Expect(TokenKind.In, "'in' after 'not'");
            result = new InNode(subject, p.List(), negated, t.Position);
        }
        else if (CompareOf(t.Kind) is { } op)
        {
            p._next++;
            result = new CompareNode(op, subject, p.Additive(), t.Position);
        }
        else throw new RuleSyntaxException("a condition starts with < <= > >= == != in or not in", t.Position);
        p.Expect(TokenKind.End, "the end of the condition");
        return result;
    }

    /// <summary>Parses a boolean expression over columns.</summary>
    public static Node ParseExpression(string expression)
    {
        var p = new RuleParser(expression);
        if (p.Peek.Kind == TokenKind.End) throw new RuleSyntaxException("the expression is empty", 0);
        var node = p.Or();
        p.Expect(TokenKind.End, "an operator or the end of the expression");
        return node;
    }

    private Token Peek => _tokens[_next];

    private bool Accept(TokenKind kind)
    {
        if (Peek.Kind != kind) return false;
        _next++;
        return true;
    }

    private Token Expect(TokenKind kind, string what)
    {
        var t = Peek;
        if (t.Kind != kind)
            throw new RuleSyntaxException(t.Kind == TokenKind.End ? $"expected {what} but the text ended" : $"expected {what} at '{t.Text}'", t.Position);
        _next++;
        return t;
    }

    private Node Or()
    {
        var left = And();
        while (Peek.Kind == TokenKind.Or)
        {
            var pos = _tokens[_next++].Position;
            left = new LogicNode(LogicOp.Or, left, And(), pos);
        }
        return left;
    }

    private Node And()
    {
        var left = Not();
        while (Peek.Kind == TokenKind.And)
        {
            var pos = _tokens[_next++].Position;
            left = new LogicNode(LogicOp.And, left, Not(), pos);
        }
        return left;
    }

    private Node Not()
    {
        if (Peek.Kind == TokenKind.Not && _tokens[_next + 1].Kind != TokenKind.In)
        {
            var pos = _tokens[_next++].Position;
            return new NotNode(Not(), pos);
        }
        return Comparison();
    }

    private Node Comparison()
    {
        var left = Additive();
        var t = Peek;
        if (CompareOf(t.Kind) is { } op)
        {
            _next++;
            return new CompareNode(op, left, Additive(), t.Position);
        }
        if (t.Kind is TokenKind.In || (t.Kind is TokenKind.Not && _tokens[_next + 1].Kind == TokenKind.In))
        {
            var negated = Accept(TokenKind.Not);
            _next++;
            return new InNode(left, List(), negated, t.Position);
        }
        return left;
    }

    private Node Additive()
    {
        var left = Term();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var t = _tokens[_next++];
            left = new ArithmeticNode(t.Kind == TokenKind.Plus ? ArithmeticOp.Add : ArithmeticOp.Subtract, left, Term(), t.Position);
        }
        return left;
    }

    private Node Term()
    {
        var left = Unary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var t = _tokens[_next++];
            left = new ArithmeticNode(t.Kind == TokenKind.Star ? ArithmeticOp.Multiply : ArithmeticOp.Divide, left, Unary(), t.Position);
        }
        return left;
    }

    private Node Unary()
    {
        if (Peek.Kind == TokenKind.Minus)
        {
            var pos = _tokens[_next++].Position;
            var operand = Unary();
            return operand is NumberNode n ? new NumberNode(-n.Value, pos) : new NegateNode(operand, pos);
        }
        if (Peek.Kind == TokenKind.Plus) _next++;
        return Primary();
    }

    private Node Primary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number: _next++; return new NumberNode(t.Number, t.Position);
            case TokenKind.String: _next++; return new StringNode(t.Text, t.Position);
            case TokenKind.Identifier: _next++; return new ColumnNode(t.Text, t.Position);
            case TokenKind.LParen:
                _next++;
                var inner = Or();
                Expect(TokenKind.RParen, "')'");
                return inner;
            case TokenKind.End: throw new RuleSyntaxException("expected a value but the text ended", t.Position);
            default: throw new RuleSyntaxException($"expected a number, a string, a column or '(' at '{t.Text}'", t.Position);
        }
    }

    private List<Node> List()
    {
        Expect(TokenKind.LBracket, "'[' to start the list");
        var values = new List<Node>();
        if (Accept(TokenKind.RBracket)) throw new RuleSyntaxException("the list is empty", Peek.Position);
        do
        {
            var v = Unary();
            if (v is not (NumberNode or StringNode))
                throw new RuleSyntaxException("a list holds numbers or quoted strings", v.Position);
            values.Add(v);
        } while (Accept(TokenKind.Comma) && Peek.Kind != TokenKind.RBracket);
        Expect(TokenKind.RBracket, "']' or ','");
        return values;
    }

    private static CompareOp? CompareOf(TokenKind kind) => kind switch
    {
        TokenKind.Less => CompareOp.Less,
        TokenKind.LessEqual => CompareOp.LessEqual,
        TokenKind.Greater => CompareOp.Greater,
        TokenKind.GreaterEqual => CompareOp.GreaterEqual,
        TokenKind.Equal => CompareOp.Equal,
        TokenKind.NotEqual => CompareOp.NotEqual,
        _ => null,
    };
}
