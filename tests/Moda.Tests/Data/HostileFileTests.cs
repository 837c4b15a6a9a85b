using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Cli;
using Moda.Data;

namespace Moda.Tests.Data;

/// <summary>Damaged and lying files: each read either succeeds or throws the project's data error, naming file and place.</summary>
public class HostileFileTests
{
    private static readonly string[] Fixtures =
        ["pandas114.dta", "pandas114be.dta", "pandas117.dta", "pandas118.dta", "pandas119.dta", "haven118.dta",
         "haven_byte.sav", "haven_none.sav", "haven.zsav", "parquet.parquet"];

    /// <summary>Reads every variable of the file; null on success, else the data error.</summary>
    private static ModaDataException? ReadAll(string path)
    {
        try
        {
            using var reader = TableReaders.Open(path);
            var requests = reader.Variables.Select(v => new ColumnRequest(v.Name, v.IsNumeric ? ColumnKind.Numeric : ColumnKind.Categorical, [])).ToArray();
            foreach (var _ in reader.Read(requests, 5)) { }
            return null;
        }
        catch (ModaDataException e)
        {
            Assert.Contains(path, e.Message);
            return e;
        }
    }

    private static ModaDataException? ReadBytes(byte[] bytes, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"moda-hostile-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        try
        {
            return ReadAll(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Fixture(string name) => File.ReadAllBytes(TestPaths.Fixture(name));

    private static ModaDataException Fails(byte[] bytes, string extension) =>
        ReadBytes(bytes, extension) ?? throw new Xunit.Sdk.XunitException("the damaged file was read without error");

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Truncated_at_every_section_boundary_is_a_data_error(string name)
    {
        var bytes = Fixture(name);
        var ext = Path.GetExtension(name);
        var cuts = new SortedSet<int>(Enumerable.Range(0, Math.Min(bytes.Length, 700)));
        for (var i = 0; i < bytes.Length; i += 97) cuts.Add(i);
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == (byte)'<' || (i + 3 < bytes.Length && bytes.AsSpan(i, 3).SequenceEqual("GSO"u8))) { cuts.Add(i); cuts.Add(i + 1); }
        var errors = 0;
        foreach (var cut in cuts.Where(c => c < bytes.Length))
            if (ReadBytes(bytes[..cut], ext) is not null) errors++;
        // A cut inside the header or the data always fails; a cut among trailing value labels may not.
        Assert.True(errors > cuts.Count * 9 / 10, $"{errors} of {cuts.Count} truncations were errors");
    }

    public static TheoryData<string> FixtureNames() => new(Fixtures);

    [Theory]
    [InlineData("pandas114.dta", "not a Stata .dta file")]
    [InlineData("pandas118.dta", "expected <stata_dta>")]
    [InlineData("haven_byte.sav", "not an SPSS system file")]
    [InlineData("parquet.parquet", "not a readable Parquet file")]
    public void Wrong_magic_is_a_data_error(string name, string message)
    {
        var bytes = Fixture(name);
        bytes[1] = (byte)'X';
        if (name.EndsWith(".dta", StringComparison.Ordinal) && bytes[0] != '<') bytes[0] = 99;
        if (name.EndsWith(".parquet", StringComparison.Ordinal)) bytes[^2] = (byte)'X';
        var e = Fails(bytes, Path.GetExtension(name));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Lying_observation_and_variable_counts_are_caught_before_reading()
    {
        var dta = Fixture("pandas114.dta");
        BinaryPrimitives.WriteInt32LittleEndian(dta.AsSpan(6), int.MaxValue);
        Assert.Contains("declares 2147483647 observations", Fails(dta, ".dta").Message);

        dta = Fixture("pandas114.dta");
        BinaryPrimitives.WriteUInt16LittleEndian(dta.AsSpan(4), 65535);
        Assert.Contains("declares 65535 variables", Fails(dta, ".dta").Message);

        var tagged = Fixture("pandas118.dta");
        var n = IndexOf(tagged, "<N>"u8) + 3;
        BinaryPrimitives.WriteUInt64LittleEndian(tagged.AsSpan(n), 1UL << 60);
        Assert.Contains("observations", Fails(tagged, ".dta").Message);

        var sav = Fixture("haven_byte.sav");
        BinaryPrimitives.WriteInt32LittleEndian(sav.AsSpan(80), 1_000_000);
        var ext16 = IndexOf(sav, [7, 0, 0, 0, 16, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0]);
        if (ext16 >= 0) BinaryPrimitives.WriteInt64LittleEndian(sav.AsSpan(ext16 + 24), 1_000_000);
        Assert.Contains("the header declares 1000000", Fails(sav, ".sav").Message);

        sav = Fixture("haven_none.sav");
        BinaryPrimitives.WriteInt32LittleEndian(sav.AsSpan(80), 1_000_000);
        ext16 = IndexOf(sav, [7, 0, 0, 0, 16, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0]);
        if (ext16 >= 0) BinaryPrimitives.WriteInt64LittleEndian(sav.AsSpan(ext16 + 24), 1_000_000);
        Assert.Contains("1000000", Fails(sav, ".sav").Message);
    }

    [Fact]
    public void Huge_declared_lengths_are_refused_without_allocating()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var dta = Fixture("pandas114.dta");
        var table = LastIndexOf(dta, "county\0"u8) - 4;
        BinaryPrimitives.WriteInt32LittleEndian(dta.AsSpan(table), 0x7ffffff0);
        Assert.Contains("declares 2147483632 bytes", Fails(dta, ".dta").Message);

        var strl = Fixture("pandas117.dta");
        var gso = IndexOf(strl, "GSO"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(strl.AsSpan(gso + 3 + 4 + 4 + 1), 0x7ffffff0);
        Assert.Contains("a GSO declares 2147483632 bytes", Fails(strl, ".dta").Message);

        var sav = Fixture("haven_byte.sav");
        var longNames = IndexOf(sav, [7, 0, 0, 0, 13, 0, 0, 0, 1, 0, 0, 0]);
        Assert.True(longNames > 0);
        BinaryPrimitives.WriteInt32LittleEndian(sav.AsSpan(longNames + 12), int.MaxValue);
        Assert.Contains("extension record 7.13 declares 2147483647 items", Fails(sav, ".sav").Message);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "a lying length led to a large allocation");
    }

    [Fact]
    public void Invalid_utf8_in_labels_and_text_names_the_place()
    {
        var dta = Fixture("pandas118.dta");
        Poison(dta, "阳新县");
        Assert.Contains("not valid utf-8", Fails(dta, ".dta").Message);

        dta = Fixture("pandas118.dta");
        Poison(dta, "张伟");
        var e = Fails(dta, ".dta");
        Assert.Equal("name", e.Column);
        Assert.Contains("observation 1", e.Message);

        var sav = Fixture("haven_byte.sav");
        Poison(sav, "阳新县");
        Assert.Contains("not valid utf-8", Fails(sav, ".sav").Message);
    }

    [Fact]
    public void A_zlib_block_that_does_not_inflate_names_the_block()
    {
        var zsav = Fixture("haven.zsav");
        long dataOffset;
        using (var input = new BinaryInput(TestPaths.Fixture("haven.zsav")))
            dataOffset = Moda.Data.Spss.SpssDictionary.Read(input).DataOffset;
        for (var i = 0; i < 32; i++) zsav[dataOffset + 24 + 2 + i] ^= 0x5a;
        var e = Fails(zsav, ".zsav");
        Assert.Contains("zlib block 1", e.Message);
    }

    [Fact]
    public void The_cli_exits_1_naming_the_file_and_byte_offset()
    {
        var path = Path.Combine(Path.GetTempPath(), $"moda-hostile-{Guid.NewGuid():N}.dta");
        File.WriteAllBytes(path, Fixture("pandas118.dta")[..500]);
        try
        {
            var err = new StringWriter();
            var code = ModaCli.Run(["analyze", path, "--quiet"], new StringWriter(), err, false, false);
            Assert.Equal(1, code);
            Assert.Contains(path, err.ToString());
            Assert.Contains("byte offset", err.ToString());
            code = ModaCli.Run(["describe", path], new StringWriter(), err, false, false);
            Assert.Equal(1, code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A footer whose damage sends Parquet.Net's Thrift reader past the footer's end made it loop
    /// forever (found by fuzzing; it hung a test run): the footer is now walked first.
    /// </summary>
    [Fact]
    public async Task A_parquet_footer_that_hung_parquet_net_is_a_data_error()
    {
        var bytes = Fixture("parquet.parquet");
        foreach (var (at, value) in new[] { (4241, 164), (663, 2), (2522, 37), (2366, 120) }) bytes[at] = (byte)value;
        var error = await Task.Run(() => Fails(bytes, ".parquet")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("byte offset", error.Message);
        Assert.Contains("footer", error.Message);
    }

    /// <summary>Random byte changes to valid fixtures: the reader reads or throws ModaDataException, never anything else.</summary>
    [Property(MaxTest = 300)]
    public Property Mutated_files_read_or_fail_with_a_data_error()
    {
        var gen =
            from file in Gen.Elements(Fixtures)
            from count in Gen.Choose(1, 8)
            from positions in Gen.Choose(0, int.MaxValue).ArrayOf(count)
            from values in Gen.Choose(0, 255).ArrayOf(count)
            select (file, positions, values);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = Fixture(t.file);
            for (var i = 0; i < t.positions.Length; i++) bytes[t.positions[i] % bytes.Length] = (byte)t.values[i];
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = ReadBytes(bytes, Path.GetExtension(t.file));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return t.file.EndsWith(".parquet", StringComparison.Ordinal) || allocated < 64 << 20;
        });
    }

    /// <summary>The chunked path (every core in moda analyze) on damaged files: read, or the project's data error naming the file.</summary>
    [Theory]
    [InlineData("haven_byte.sav")]
    [InlineData("haven_none.sav")]
    [InlineData("parquet.parquet")]
    public void Mutated_files_read_in_chunks_or_fail_with_a_data_error(string name)
    {
        var random = new Random(6);
        for (var trial = 0; trial < 150; trial++)
        {
            var bytes = Fixture(name);
            for (var i = random.Next(1, 9); i > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var path = Path.Combine(Path.GetTempPath(), $"moda-hostile-{Guid.NewGuid():N}{Path.GetExtension(name)}");
            File.WriteAllBytes(path, bytes);
            try
            {
                using var reader = (IChunkedTableReader)TableReaders.Open(path);
                var requests = reader.Variables.Select(v => new ColumnRequest(v.Name, v.IsNumeric ? ColumnKind.Numeric : ColumnKind.Categorical, [])).ToArray();
                var batch = new ColumnBatch(requests, 7);
                foreach (var chunk in reader.Chunks(7)) reader.ReadChunk(chunk, batch);
            }
            catch (ModaDataException e)
            {
                Assert.Contains(path, e.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static void Poison(byte[] bytes, string text)
    {
        var at = IndexOf(bytes, Encoding.UTF8.GetBytes(text));
        Assert.True(at >= 0);
        bytes[at] = 0xff;
        bytes[at + 1] = 0xfe;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> pattern) => bytes.AsSpan().IndexOf(pattern);

    private static int LastIndexOf(byte[] bytes, ReadOnlySpan<byte> pattern) => bytes.AsSpan().LastIndexOf(pattern);
}
