using Moda.Results;

namespace Moda.Tests.Results;

public class DimensionEstimatesTests
{
    private static readonly string[] Names = ["nutrition", "health", "water"];
    private static readonly Estimate[] Values = [new(0.1, 0.01, 0.08, 0.12), new(0.2, 0.02, 0.16, 0.24), Estimate.Undefined];

    [Fact]
    public void Behaves_as_the_dictionary_of_its_names_and_estimates()
    {
        var map = new DimensionEstimates(Names, Values);
        var dict = Names.Zip(Values).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(3, map.Count);
        Assert.Equal(dict.ToArray(), map.ToArray()); // the dimension order
        Assert.Equal(Names, map.Keys);
        Assert.Equal(Values, map.Values);
        Assert.Equal(Values[1], map["health"]);
        Assert.True(map.ContainsKey("water"));
        Assert.True(map.TryGetValue("nutrition", out var n));
        Assert.Equal(Values[0], n);
        Assert.False(map.ContainsKey("Health")); // ordinal, as the dictionary was
        Assert.False(map.TryGetValue("housing", out var none));
        Assert.Equal(default, none);
        var e = Assert.Throws<KeyNotFoundException>(() => map["housing"]);
        Assert.Contains("housing", e.Message);
    }

    [Fact]
    public void Names_and_estimates_must_pair_up() =>
        Assert.Throws<ArgumentException>(() => new DimensionEstimates(Names, Values[..2]));
}
