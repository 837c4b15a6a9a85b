using System.Text;
using Moda.Cli;

namespace Moda.Tests.Cli;

/// <summary>Results streamed to standard output arrive as the text written, however the bytes are split.</summary>
public class TextWriterStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Bytes_split_anywhere_decode_to_the_text(int piece)
    {
        const string text = "Xuan'en 湖北 é 😀 \"county\": 1\n";
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(text, 300)));
        var output = new StringWriter();
        using (var stream = new TextWriterStream(output))
        {
            for (var i = 0; i < bytes.Length; i += piece) stream.Write(bytes, i, Math.Min(piece, bytes.Length - i));
            stream.Flush();
        }
        Assert.Equal(Encoding.UTF8.GetString(bytes), output.ToString());
    }

    [Fact]
    public void Json_to_standard_output_is_the_file_written_with_out()
    {
        using var dir = new TempDirectory();
        var file = dir.File("r.json");
        var toFile = CliRunner.Run("analyze", CliRunner.Hubei, "--format", "json", "--out", file);
        Assert.Equal(0, toFile.Exit);
        var toStdout = CliRunner.Run("analyze", CliRunner.Hubei, "--format", "json");
        Assert.Equal(File.ReadAllText(file), toStdout.Stdout);
    }
}
