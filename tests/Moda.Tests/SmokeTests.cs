namespace Moda.Tests;

public class SmokeTests
{
    [Fact]
    public void VersionIsSet() => Assert.False(string.IsNullOrEmpty(ModaInfo.Version));
}
