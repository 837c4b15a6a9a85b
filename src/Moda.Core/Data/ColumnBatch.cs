namespace Moda.Data;

/// <summary>
/// A run of consecutive rows, column by column, in the order of the requests that produced it.
/// A reader reuses its batch: the arrays are valid until the reader moves on.
/// </summary>
public sealed class ColumnBatch
{
    /// <summary>Creates a batch with room for <paramref name="capacity"/> rows.</summary>
    public ColumnBatch(IReadOnlyList<ColumnRequest> requests, int capacity)
    {
        Requests = requests;
        Capacity = capacity;
        Numbers = new double[requests.Count][];
        Codes = new int[requests.Count][];
        Categories = new CategoryDictionary[requests.Count];
        Lines = new long[capacity];
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].Kind == ColumnKind.Numeric) Numbers[i] = new double[capacity];
            else
            {
                Codes[i] = new int[capacity];
                Categories[i] = new CategoryDictionary();
            }
        }
    }

    /// <summary>The requests, one per column slot.</summary>
    public IReadOnlyList<ColumnRequest> Requests { get; }

    /// <summary>Rows this batch can hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows in this batch.</summary>
    public int Count { get; set; }

    /// <summary>Rows read before this batch.</summary>
    public long FirstRow { get; set; }

    /// <summary>Per slot: numeric values (NaN = missing), or null for a categorical slot.</summary>
    public double[]?[] Numbers { get; }

    /// <summary>Per slot: category codes (-1 = missing), or null for a numeric slot.</summary>
    public int[]?[] Codes { get; }

    /// <summary>Per slot: the dictionary of a categorical slot (shared across batches).</summary>
    public CategoryDictionary?[] Categories { get; }

    /// <summary>The source line of each row (for messages about a row).</summary>
    public long[] Lines { get; }

    /// <summary>
    /// Copies this batch's rows into <paramref name="target"/>, with a snapshot of each categorical
    /// dictionary, so the copy can be processed on another thread while the reader goes on.
    /// </summary>
    public void CopyTo(ColumnBatch target)
    {
        target.Count = Count;
        target.FirstRow = FirstRow;
        Lines.AsSpan(0, Count).CopyTo(target.Lines);
        for (var i = 0; i < Requests.Count; i++)
        {
            if (Numbers[i] is { } numbers) numbers.AsSpan(0, Count).CopyTo(target.Numbers[i]);
            if (Codes[i] is { } codes)
            {
                codes.AsSpan(0, Count).CopyTo(target.Codes[i]);
                target.Categories[i] = Categories[i]!.Snapshot();
            }
        }
    }

    /// <summary>Gives every categorical slot a new, empty dictionary (for a chunk read on its own).</summary>
    public void ResetCategories()
    {
        for (var i = 0; i < Categories.Length; i++)
            if (Categories[i] is not null) Categories[i] = new CategoryDictionary();
    }

    /// <summary>The numeric values of a slot.</summary>
    public ReadOnlySpan<double> Numeric(int slot) => Numbers[slot].AsSpan(0, Count);

    /// <summary>The category codes of a slot.</summary>
    public ReadOnlySpan<int> Categorical(int slot) => Codes[slot].AsSpan(0, Count);
}
