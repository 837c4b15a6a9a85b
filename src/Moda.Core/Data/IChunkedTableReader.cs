namespace Moda.Data;

/// <summary>
/// A reader whose rows can be read as independent chunks of a fixed number of rows, so several
/// threads can parse one file. Chunk i holds rows [i·n, (i+1)·n), the same rows whatever the
/// number of threads, which keeps results identical from run to run.
/// </summary>
public interface IChunkedTableReader : ITableReader
{
    /// <summary>False when this file cannot be split (e.g. compressed); it is then read in order.</summary>
    bool CanReadChunks { get; }

    /// <summary>Splits the file into chunks of <paramref name="rowsPerChunk"/> rows (the last may be shorter).</summary>
    IReadOnlyList<TableChunk> Chunks(int rowsPerChunk);

    /// <summary>
    /// Reads one chunk into <paramref name="batch"/> (capacity at least the chunk's rows), whose
    /// categorical slots get fresh dictionaries. Safe to call from several threads at once.
    /// </summary>
    void ReadChunk(TableChunk chunk, ColumnBatch batch);
}

/// <summary>A chunk of a file: where its bytes are and which line and row it starts at.</summary>
/// <param name="Index">Position of the chunk in the file.</param>
/// <param name="Offset">Byte offset of the chunk's first record.</param>
/// <param name="Length">Bytes in the chunk.</param>
/// <param name="FirstLine">1-based line of the chunk's first record.</param>
/// <param name="FirstRow">Rows before the chunk.</param>
public sealed record TableChunk(int Index, long Offset, int Length, long FirstLine, long FirstRow);
