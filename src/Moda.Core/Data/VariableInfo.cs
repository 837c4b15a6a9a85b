using System.Globalization;

namespace Moda.Data;

/// <summary>What a data file says about one variable.</summary>
/// <param name="Name">The variable (column) name.</param>
/// <param name="StorageType">How the file stores it, e.g. <c>byte</c>, <c>double</c>, <c>str12</c>, <c>strL</c>, <c>text</c>.</param>
/// <param name="IsNumeric">True when the file stores numbers.</param>
/// <param name="Label">The variable label, if any.</param>
/// <param name="ValueLabels">The value labels attached to the variable, in file order.</param>
public sealed record VariableInfo(string Name, string StorageType, bool IsNumeric, string? Label, IReadOnlyList<ValueLabel> ValueLabels)
{
    /// <summary>User-defined missing values as the file declares them (SPSS), e.g. <c>99; 9990 thru 9999</c>.</summary>
    public string? MissingValues { get; init; }

    /// <summary>A variable of a text file: a name, nothing else known.</summary>
    public static VariableInfo Text(string name) => new(name, "text", false, null, []);

    /// <summary>The label of a value as it appears in a categorical read, or null when unlabelled.</summary>
    public string? LabelOf(string value) => ValueLabels.FirstOrDefault(v => v.Value == value)?.Label;
}

/// <summary>One value label.</summary>
/// <param name="Value">The stored value as text (a number in invariant culture, or the string).</param>
/// <param name="Label">Its label.</param>
/// <param name="Code">The stored number, for a numeric variable.</param>
public sealed record ValueLabel(string Value, string Label, double? Code)
{
    /// <summary>A label of a numeric value.</summary>
    public static ValueLabel Numeric(double code, string label) =>
        new(code.ToString(CultureInfo.InvariantCulture), label, code);
}
