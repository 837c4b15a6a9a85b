namespace Moda.Rules;

/// <summary>
/// Three-valued truth as a byte, ordered so that Kleene logic is arithmetic:
/// <c>and</c> = min, <c>or</c> = max, <c>not</c> = 2 − x. A deprivation rule yields
/// <see cref="Yes"/> (deprived), <see cref="No"/> (not deprived) or <see cref="Unknown"/> (missing).
/// </summary>
public static class Truth
{
    /// <summary>False: not deprived.</summary>
    public const byte No = 0;

    /// <summary>Unknown: a value the rule needs is missing.</summary>
    public const byte Unknown = 1;

    /// <summary>True: deprived.</summary>
    public const byte Yes = 2;
}
