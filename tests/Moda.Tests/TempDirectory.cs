using System.Text;
using Moda.Configuration;
using Moda.Results;

namespace Moda.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    private static readonly UTF8Encoding NoBom = new(false);

    public TempDirectory() => Path = Directory.CreateTempSubdirectory("moda-tests-").FullName;

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM, as given) and returns the full path.</summary>
    public string Write(string name, string text) => WriteBytes(name, NoBom.GetBytes(text));

    /// <summary>Writes raw bytes and returns the full path.</summary>
    public string WriteBytes(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The full path of a file in this directory (not created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Runs an analysis of CSV text with a JSON configuration, through the public entry points.</summary>
internal static class Analysis
{
    /// <summary>Writes <paramref name="csv"/> to a temp file, reads <paramref name="configJson"/> with <see cref="SpecReader"/>, analyses.</summary>
    public static ModaResults Run(string csv, string configJson, AnalysisOptions? options = null) =>
        Run(csv, SpecReader.Read(configJson), options);

    /// <summary>Writes <paramref name="csv"/> to a temp file and analyses it with <paramref name="spec"/>.</summary>
    public static ModaResults Run(string csv, ModaSpec spec, AnalysisOptions? options = null)
    {
        using var dir = new TempDirectory();
        var file = dir.Write("data.csv", csv);
        return ModaAnalyzer.Analyze(file, spec, options);
    }

    /// <summary>The group named <paramref name="name"/>.</summary>
    public static GroupResult Group(this ModaResults results, string name) => results.AgeGroups.Single(g => g.Name == name);

    /// <summary>The cut-off entry with count <paramref name="k"/>.</summary>
    public static CutoffResult AtK(this IEnumerable<CutoffResult> cutoffs, int k) => cutoffs.Single(c => c.K == k);

    /// <summary>The cut-off entry for score share <paramref name="share"/>.</summary>
    public static CutoffResult AtShare(this IEnumerable<CutoffResult> cutoffs, double share) =>
        cutoffs.Single(c => c.K is null && c.Share == share);

    /// <summary>The rate of a dimension.</summary>
    public static double Rate(this GroupResult g, string dimension) => g.Dimensions.Single(d => d.Name == dimension).Rate.Value;

    /// <summary>The rate of an indicator.</summary>
    public static double IndicatorRate(this GroupResult g, string indicator) => g.Indicators.Single(d => d.Name == indicator).Rate.Value;
}

/// <summary>Exact-to-rounding comparisons of estimates.</summary>
internal static class Approx
{
    public const double Tolerance = 1e-12;

    public static void Equal(double expected, double actual, string what = "") =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: expected {expected:R}, actual {actual:R}");

    public static void Equal(double expected, Estimate actual, string what = "") => Equal(expected, actual.Value, what);
}
