using Moda.Data;
using Xunit;

namespace Moda.Tests.Data;

public sealed class ModaDataExceptionTests
{
    // Found by fuzzing: a damaged Parquet file's ArgumentOutOfRangeException text spans two lines
    // ("... (Parameter 'x')\nActual value was -3."), and the command prints one line per error.
    [Theory]
    [InlineData("bad offset\nActual value was -3.", "bad offset Actual value was -3.")]
    [InlineData("bad offset\r\nActual value was -3.", "bad offset Actual value was -3.")]
    [InlineData("a\rb\n\nc", "a b  c")]
    public void MessageAndReasonAreOneLine(string reason, string expected)
    {
        var e = new ModaDataException("data/s.parquet", reason, 12, "w");

        Assert.Equal(expected, e.Reason);
        Assert.Equal($"data/s.parquet:12, column 'w': {expected}", e.Message);
    }

    [Fact]
    public void LocationIsKeptWhenTheReasonIsOneLineAlready()
    {
        var e = new ModaDataException("s.csv", "'x' is not a number", 3, "age");

        Assert.Equal("s.csv:3, column 'age': 'x' is not a number", e.Message);
        Assert.Equal("'x' is not a number", e.Reason);
        Assert.Equal(3, e.Line);
        Assert.Equal("age", e.Column);
    }
}
