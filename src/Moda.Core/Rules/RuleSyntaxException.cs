namespace Moda.Rules;

/// <summary>A rule's text does not parse or does not type-check; <see cref="Position"/> is 0-based.</summary>
public sealed class RuleSyntaxException(string message, int position) : Exception(message)
{
    /// <summary>Character offset in the rule text where the problem is.</summary>
    public int Position { get; } = position;
}
