namespace Moda.Rules;

internal enum TokenKind
{
    Number, String, Identifier, LParen, RParen, LBracket, RBracket, Comma,
    Plus, Minus, Star, Slash, Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual,
    And, Or, Not, In, End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, double Number = 0);
