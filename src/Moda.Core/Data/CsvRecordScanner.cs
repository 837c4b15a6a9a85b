namespace Moda.Data;

/// <summary>
/// Finds where every n-th record of CSV text ends: just past its newline, outside quotes. Its
/// state (inside a quoted field or not, records so far, newlines passed) carries from one block
/// of text to the next, so a file can be cut into chunks block by block, read from disk
/// (<see cref="CsvTableReader.Chunks"/>) or from a decompressing stream
/// (<see cref="CsvTableReader.StreamChunks(int)"/>), and both cut it at the same places.
/// </summary>
internal sealed class CsvRecordScanner(int recordsPerChunk)
{
    private bool _inQuote;
    private int _records;

    /// <summary>Newlines passed so far, quoted ones included (lines of the file).</summary>
    public long Lines { get; private set; }

    /// <summary>
    /// Scans <paramref name="text"/>, which follows what was scanned before: true when the
    /// chunk's last record ends in it, <paramref name="end"/> then being just past that record's
    /// newline (scan the rest next); false when the text ran out first (all of it is scanned).
    /// </summary>
    public bool Next(ReadOnlySpan<byte> text, out int end)
    {
        var pos = 0;
        while (pos < text.Length)
        {
            var rest = text[pos..];
            if (_inQuote)
            {
                var q = rest.IndexOf((byte)'"');
                var upto = q < 0 ? rest : rest[..q];
                Lines += upto.Count((byte)'\n');
                if (q < 0) break;
                _inQuote = false;
                pos += q + 1;
                continue;
            }
            var i = rest.IndexOfAny((byte)'"', (byte)'\n');
            if (i < 0) break;
            pos += i + 1;
            if (rest[i] == (byte)'"')
            {
                _inQuote = true;
                continue;
            }
            Lines++;
            if (++_records < recordsPerChunk) continue;
            _records = 0;
            end = pos;
            return true;
        }
        end = text.Length;
        return false;
    }
}
