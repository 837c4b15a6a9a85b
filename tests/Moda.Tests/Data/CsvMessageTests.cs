using Moda.Configuration;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>CSV errors name the file's line once, without CsvHelper's chunk-relative positions.</summary>
public class CsvMessageTests
{
    private static ModaDataException Error(string csv)
    {
        var dir = Directory.CreateTempSubdirectory("moda-msg");
        try
        {
            var path = Path.Combine(dir.FullName, "data.csv");
            File.WriteAllText(path, csv);
            return Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(path, Profiles.Default));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("nutrition,health,weight\n1,0,10\n0,1\n", "has 2 fields but 3 were expected")]
    [InlineData("nutrition,health,weight\n1,0,10\n0,\"1,5\n", "never closed")]
    public void TheMessageGivesTheFilesLineOnly(string csv, string reason)
    {
        var e = Error(csv);
        Assert.Equal(3, e.Line);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain("(line", e.Message);
        Assert.DoesNotContain("byte offset", e.Message);
        Assert.DoesNotContain("Malformed CSV in", e.Message);
    }
}
