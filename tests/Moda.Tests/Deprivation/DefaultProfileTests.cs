using Moda.Configuration;

namespace Moda.Tests.Deprivation;

/// <summary>The built-in default profile: eight 0/1 columns, absent ones dropped and reported.</summary>
public class DefaultProfileTests
{
    [Fact]
    public void DefaultProfileHasTheEightHubeiDimensions()
    {
        Assert.Equal(["nutrition", "health", "education", "information", "water", "sanitation", "housing", "protection"],
            Profiles.Default.Dimensions.Select(d => d.Name));
        Assert.True(Profiles.Default.IsDefaultProfile);
        SpecValidator.Validate(Profiles.Default);
    }

    [Fact]
    public void AbsentDimensionColumnsAreDroppedAndReported()
    {
        const string csv = """
            id,water,nutrition,county
            1,1,1,A
            2,0,NA,B
            3,1,0,B
            4,0,0,A
            """;
        var r = Analysis.Run(csv, Profiles.Default);
        Assert.Equal(["health", "education", "information", "sanitation", "housing", "protection"], r.DroppedDimensions);
        var g = Assert.Single(r.AgeGroups);
        Assert.Equal("all", g.Name);
        Assert.Equal(["nutrition", "water"], g.DimensionNames); // profile order, not file order
        Assert.Equal([1, 2], g.Cutoffs.Select(c => c.K));
        Assert.Equal(1, g.Excluded);                             // NA is missing
        Approx.Equal(1.0 / 3, g.Rate("nutrition"));
        Approx.Equal(1.0 / 2, g.Rate("water"));
        Approx.Equal(2.0 / 3, g.Cutoffs.AtK(1).H);
        Approx.Equal(1.0 / 3, g.Cutoffs.AtK(2).H);
    }

    [Fact]
    public void NothingIsDroppedWhenEveryColumnIsPresent()
    {
        var r = ModaAnalyzer.Analyze(TestPaths.Sample("quickstart", "children.csv"), Profiles.Default);
        Assert.Empty(r.DroppedDimensions);
        Assert.Equal(8, r.AgeGroups.Single().DimensionNames.Count);
    }

    [Fact]
    public void WeightColumnIsUsedWhenPresent()
    {
        const string csv = """
            water,weight
            1,3
            0,1
            """;
        var g = Analysis.Run(csv, Profiles.Default).AgeGroups.Single();
        Assert.Equal(4.0, g.Population);
        Approx.Equal(3.0 / 4, g.Rate("water"));
    }

    [Fact]
    public void DataWithNoneOfTheColumnsIsAConfigurationError()
    {
        const string csv = """
            id,x
            1,1
            """;
        var e = Assert.Throws<ModaConfigurationException>(() => Analysis.Run(csv, Profiles.Default));
        Assert.Equal("dimensions", e.KeyPath);
        Assert.Contains("id, x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeadlineKIsCappedAtTheDimensionsLeft()
    {
        const string csv = """
            water,sanitation
            1,1
            0,1
            """;
        var r = Analysis.Run(csv, Profiles.Default);
        Assert.Equal([1, 2], r.AgeGroups.Single().Cutoffs.Select(c => c.K));
    }
}
