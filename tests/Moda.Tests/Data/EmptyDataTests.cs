using Moda.Configuration;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>A file with a header and no rows is bad input, not an empty profile.</summary>
public class EmptyDataTests
{
    [Fact]
    public void AHeaderWithoutRowsIsADataError()
    {
        var dir = Directory.CreateTempSubdirectory("moda-empty");
        try
        {
            var path = Path.Combine(dir.FullName, "empty.csv");
            File.WriteAllText(path, "water,sanitation,weight\n");
            var e = Assert.Throws<ModaDataException>(() => ModaAnalyzer.Analyze(path, Profiles.Default));
            Assert.Contains("no data rows", e.Message);
            Assert.Equal(path, e.File);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
