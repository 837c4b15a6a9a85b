namespace Moda.Tests;

/// <summary>Paths of files in the repository, found from the test assembly's location.</summary>
internal static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string Oracle(string file) => Path.Combine(Root, "tests", "oracles", file);

    public static string Fixture(string file) => Path.Combine(Root, "tests", "fixtures", file);

    public static string Sample(params string[] parts) => Path.Combine([Root, "samples", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Moda.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Moda.sln)");
    }
}
