using System.Globalization;
using System.Text;

namespace Moda.Rules;

/// <summary>Splits rule text into tokens. Column names are identifiers or `backquoted`.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    var j = i + 1;
                    if (j < text.Length && (text[j] == '+' || text[j] == '-')) j++;
                    if (j < text.Length && char.IsAsciiDigit(text[j]))
                    {
                        i = j;
                        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    }
                }
                var s = text[start..i];
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new RuleSyntaxException($"'{s}' is not a number", start);
                tokens.Add(new Token(TokenKind.Number, s, start, v));
                continue;
            }
            if (c is '"' or '\'' or '`')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new RuleSyntaxException($"unclosed {c}", start);
                    if (text[i] == '\\' && i + 1 < text.Length) { sb.Append(text[i + 1]); i += 2; continue; }
                    if (text[i] == c) { i++; break; }
                    sb.Append(text[i++]);
                }
                tokens.Add(new Token(c == '`' ? TokenKind.Identifier : TokenKind.String, sb.ToString(), start));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.')) i++;
                var word = text[start..i];
                var kind = word.ToLowerInvariant() switch
                {
                    "and" => TokenKind.And,
                    "or" => TokenKind.Or,
                    "not" => TokenKind.Not,
                    "in" => TokenKind.In,
                    _ => TokenKind.Identifier,
                };
                tokens.Add(new Token(kind, word, start));
                continue;
            }
            var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            (TokenKind kind, int length) op = two switch
            {
                "<=" => (TokenKind.LessEqual, 2),
                ">=" => (TokenKind.GreaterEqual, 2),
                "==" => (TokenKind.Equal, 2),
                "!=" or "<>" => (TokenKind.NotEqual, 2),
                "&&" => (TokenKind.And, 2),
                "||" => (TokenKind.Or, 2),
                _ => c switch
                {
                    '<' => (TokenKind.Less, 1),
                    '>' => (TokenKind.Greater, 1),
                    '=' => (TokenKind.Equal, 1),
                    '!' => (TokenKind.Not, 1),
                    '(' => (TokenKind.LParen, 1),
                    ')' => (TokenKind.RParen, 1),
                    '[' => (TokenKind.LBracket, 1),
                    ']' => (TokenKind.RBracket, 1),
                    ',' => (TokenKind.Comma, 1),
                    '+' => (TokenKind.Plus, 1),
                    '-' => (TokenKind.Minus, 1),
                    '*' => (TokenKind.Star, 1),
                    '/' => (TokenKind.Slash, 1),
                    _ => throw new RuleSyntaxException($"unexpected character '{c}'", i),
                },
            };
            tokens.Add(new Token(op.kind, text.Substring(i, op.length), i));
            i += op.length;
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }
}
