using System.Buffers;

namespace Moda.Data;

/// <summary>
/// A reader of a file that cannot be split where it lies (a compressed file) but whose stream
/// can still be cut into chunks of whole records as it is read: one thread reads and cuts, others
/// parse. The chunks are the ones <see cref="IChunkedTableReader.Chunks"/> makes of the same
/// text, so results do not depend on the compression or the number of threads.
/// </summary>
public interface IStreamChunkedTableReader : ITableReader
{
    /// <summary>The file's records in chunks of <paramref name="rowsPerChunk"/>, in order (the last may be shorter).</summary>
    IEnumerable<StreamChunk> StreamChunks(int rowsPerChunk);

    /// <summary>
    /// Reads one chunk into <paramref name="batch"/> (capacity at least the chunk's rows), whose
    /// categorical slots get fresh dictionaries. Safe to call from several threads at once.
    /// </summary>
    void ReadChunk(StreamChunk chunk, ColumnBatch batch);
}

/// <summary>
/// A chunk of whole records cut from a stream: its text, held in a pooled buffer that
/// <see cref="Dispose"/> gives back, and the line and row it starts at.
/// </summary>
public sealed class StreamChunk : IDisposable
{
    private byte[]? _text;

    internal StreamChunk(int index, byte[] text, int length, long firstLine, long firstRow)
    {
        Index = index;
        _text = text;
        Length = length;
        FirstLine = firstLine;
        FirstRow = firstRow;
    }

    /// <summary>Position of the chunk in the file.</summary>
    public int Index { get; }

    /// <summary>Bytes of text.</summary>
    public int Length { get; }

    /// <summary>1-based line of the chunk's first record.</summary>
    public long FirstLine { get; }

    /// <summary>Rows (records) before the chunk.</summary>
    public long FirstRow { get; }

    /// <summary>The chunk's text (its buffer may be longer: the first <see cref="Length"/> bytes).</summary>
    internal byte[] Text => _text ?? throw new ObjectDisposedException(nameof(StreamChunk));

    /// <summary>Gives the text's buffer back to the pool; the chunk cannot be read after.</summary>
    public void Dispose()
    {
        if (_text is null) return;
        ArrayPool<byte>.Shared.Return(_text);
        _text = null;
    }
}
