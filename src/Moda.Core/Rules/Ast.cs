namespace Moda.Rules;

/// <summary>A node of a parsed rule. <see cref="Position"/> points into the rule text for messages.</summary>
internal abstract record Node(int Position);

internal sealed record NumberNode(double Value, int Position) : Node(Position);

internal sealed record StringNode(string Value, int Position) : Node(Position);

internal sealed record ColumnNode(string Name, int Position) : Node(Position);

internal enum ArithmeticOp { Add, Subtract, Multiply, Divide }

internal sealed record ArithmeticNode(ArithmeticOp Op, Node Left, Node Right, int Position) : Node(Position);

internal sealed record NegateNode(Node Operand, int Position) : Node(Position);

internal enum CompareOp { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual }

internal sealed record CompareNode(CompareOp Op, Node Left, Node Right, int Position) : Node(Position);

internal sealed record InNode(Node Operand, IReadOnlyList<Node> Values, bool Negated, int Position) : Node(Position);

internal enum LogicOp { And, Or }

internal sealed record LogicNode(LogicOp Op, Node Left, Node Right, int Position) : Node(Position);

internal sealed record NotNode(Node Operand, int Position) : Node(Position);
