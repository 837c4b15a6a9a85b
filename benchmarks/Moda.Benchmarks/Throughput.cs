using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Moda.Benchmarks;

/// <summary>
/// Rows (children) one operation processes, when not the benchmark's <c>Rows</c> parameter;
/// 0 when rows per second mean nothing for it. On a class it applies to all its benchmarks.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class RowsPerOpAttribute(int rows) : Attribute
{
    /// <summary>Rows per operation.</summary>
    public int Rows { get; } = rows;
}

/// <summary>The operation reads the whole default-layout file of <c>Rows</c> rows: report MB/s of that file.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadsFileAttribute : Attribute;

/// <summary>The operation reads this many bytes of in-memory columns per row: report MB/s of those.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ColumnBytesPerRowAttribute(int bytes) : Attribute
{
    /// <summary>Bytes per row.</summary>
    public int Bytes { get; } = bytes;
}

/// <summary>
/// Throughput computed from the mean: millions of rows (children) per second, and for benchmarks
/// marked <see cref="ReadsFileAttribute"/> MB/s of the CSV file (10^6 bytes).
/// </summary>
public sealed class ThroughputColumn(bool megabytes) : IColumn
{
    /// <inheritdoc />
    public string Id => megabytes ? "Moda.MBps" : "Moda.MRowsPerSec";

    /// <inheritdoc />
    public string ColumnName => megabytes ? "MB/s" : "Mrows/s";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => megabytes ? 1 : 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => megabytes
        ? "Megabytes (10^6 B) per second, from the mean: of the CSV file (parsing), of the in-memory columns read (BandwidthBaseline)"
        : "Million rows (children) per second, from the mean";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0) return "-";
        var seconds = mean.Value / 1e9;
        var rows = Rows(benchmarkCase);
        if (!megabytes)
            return rows is { } r ? (r / seconds / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "-";
        if (rows is null) return "-";
        if (benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ColumnBytesPerRowAttribute>() is { } perRow)
            return (rows.Value * perRow.Bytes / seconds / 1e6).ToString("F0", CultureInfo.InvariantCulture);
        if (benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ReadsFileAttribute>() is null) return "-";
        var file = new FileInfo(BenchData.DefaultFile((int)rows.Value));
        return file.Exists ? (file.Length / seconds / 1e6).ToString("F0", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>Rows per operation of a case: its <see cref="RowsPerOpAttribute"/>, else its Rows parameter.</summary>
    public static long? Rows(BenchmarkCase benchmarkCase)
    {
        var method = benchmarkCase.Descriptor.WorkloadMethod;
        var attribute = method.GetCustomAttribute<RowsPerOpAttribute>() ?? method.DeclaringType?.GetCustomAttribute<RowsPerOpAttribute>();
        if (attribute is not null) return attribute.Rows > 0 ? attribute.Rows : null;
        return benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Rows")?.Value is int rows ? rows : null;
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public override string ToString() => ColumnName;
}

/// <summary>Adds the throughput columns.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ThroughputConfig()
    {
        AddColumn(new ThroughputColumn(megabytes: false), new ThroughputColumn(megabytes: true));
    }
}
