using Moda.Configuration;
using Moda.Reporting;

namespace Moda.Tests.Estimation;

/// <summary>
/// Children in no age group (age missing, or outside every group) count in no figure: the Hubei
/// sample with such a child after every child, within the same PSU's run of rows, gives the same
/// results to the last bit, but for the rows it reports.
/// </summary>
public class UnassignedRowsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("40")]
    public void Children_in_no_age_group_change_no_figure(string age)
    {
        var spec = SpecReader.ReadFile(TestPaths.Sample("hubei", "moda.json"));
        var sample = TestPaths.Sample("hubei", "children.csv");
        var lines = File.ReadAllLines(sample);
        var ageColumn = Array.IndexOf(lines[0].Split(','), "age");
        Assert.True(ageColumn > 0);
        var mixed = new List<string> { lines[0] };
        foreach (var line in lines.Skip(1))
        {
            mixed.Add(line);
            var fields = line.Split(',');
            fields[ageColumn] = age;
            mixed.Add(string.Join(',', fields)); // the same answers: deprived in the same indicators
        }
        using var dir = new TempDirectory();
        var path = dir.Write("mixed.csv", string.Join('\n', mixed) + "\n");

        var original = ModaAnalyzer.Analyze(sample, spec);
        var withUnassigned = ModaAnalyzer.Analyze(path, spec);
        Assert.Equal(lines.Length - 1, withUnassigned.Input.Unassigned);
        Assert.NotEmpty(original.AgeGroups[0].Indicators);
        Assert.Equal(JsonResultWriter.ToJson(original), JsonResultWriter.ToJson(withUnassigned with { Input = original.Input }));
    }
}
