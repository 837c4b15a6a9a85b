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

    /// <summary>
    /// Given standard output as bytes (as the moda process is), results go there as UTF-8, the
    /// bytes the writer would have been given, in every format, and nothing more through the writer.
    /// </summary>
    [Theory]
    [InlineData("json")]
    [InlineData("table")]
    [InlineData("csv")]
    public void Results_to_standard_output_bytes_are_those_given_to_the_writer(string format)
    {
        string[] args = ["analyze", CliRunner.Hubei, "--format", format, "--by", "county", "--quiet"];
        var asText = CliRunner.Run(args);
        Assert.Equal(0, asText.Exit);
        var bytes = new MemoryStream();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        stdout.Write("held ");
        var opened = 0;
        var exit = ModaCli.Run(args, stdout, stderr, stdoutIsTerminal: false, stderrIsTerminal: false,
            stdoutBytes: () => { opened++; stdout.Flush(); return bytes; });
        Assert.Equal(0, exit);
        Assert.Equal(1, opened);
        Assert.Equal("held ", stdout.ToString()); // nothing else went through the writer
        Assert.Equal(asText.Stdout, Encoding.UTF8.GetString(bytes.ToArray()));
    }
}
