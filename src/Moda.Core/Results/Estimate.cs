using System.Globalization;

namespace Moda.Results;

/// <summary>
/// A survey estimate with its standard error and confidence interval. <see cref="Value"/> is NaN
/// when the estimate is undefined (an empty domain); the others are NaN when not computed.
/// </summary>
public readonly record struct Estimate(double Value, double Se, double CiLow, double CiHigh)
{
    /// <summary>An estimate without sampling error.</summary>
    public static Estimate Point(double value) => new(value, double.NaN, double.NaN, double.NaN);

    /// <summary>An undefined estimate.</summary>
    public static Estimate Undefined { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>True when the estimate is defined.</summary>
    public bool HasValue => !double.IsNaN(Value);

    /// <inheritdoc />
    public override string ToString() =>
        double.IsNaN(Se)
            ? Value.ToString("G6", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{Value:G6} (se {Se:G4})");
}
