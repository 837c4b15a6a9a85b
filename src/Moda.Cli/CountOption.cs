using System.CommandLine;
using System.Globalization;

namespace Moda.Cli;

/// <summary>
/// An option whose value is a count, 1 or more (<c>--k</c>, <c>--threads</c>). System.CommandLine's
/// own message for a value that is not a number names the .NET type
/// (<c>System.Nullable`1[System.Int32]</c>); this one says what the option takes.
/// </summary>
internal static class CountOption
{
    public static Option<int?> Create(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 1) return n;
            result.AddError($"{name} must be 1 or more (a whole number), not '{text}'");
            return null;
        },
    };
}
