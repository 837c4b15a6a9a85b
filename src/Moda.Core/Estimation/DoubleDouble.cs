namespace Moda.Estimation;

/// <summary>
/// A sum kept as an unevaluated pair hi + lo (Knuth's TwoSum), about 32 significant digits. A
/// group's per-stratum sums are kept so, so that a subgroup's part can be taken out of them
/// without cancellation: when the subgroup holds nearly all of a stratum's Σ x², the rest is a
/// few ulps of the total in plain doubles. (Squares are added rounded: the part's roundings are
/// the same in the total and cancel, and the rest's are those of summing it directly.)
/// </summary>
internal struct DoubleDouble
{
    public double Hi;
    public double Lo;

    /// <summary>Adds <paramref name="x"/>.</summary>
    public void Add(double x)
    {
        var s = Hi + x;
        var b = s - Hi;
        Lo += (Hi - (s - b)) + (x - b);
        Hi = s;
    }

    /// <summary>This sum less <paramref name="other"/>, rounded once to a double.</summary>
    public readonly double Minus(in DoubleDouble other)
    {
        var d = Hi - other.Hi;
        var b = d - Hi;
        var e = (Hi - (d - b)) + (-other.Hi - b);
        return d + (e + (Lo - other.Lo));
    }
}
