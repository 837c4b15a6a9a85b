using BenchmarkDotNet.Attributes;
using Moda.Data;
using Moda.Rules;

namespace Moda.Benchmarks;

/// <summary>
/// <see cref="RuleEvaluator.Evaluate"/> over one in-memory batch of 65,536 rows of the generator's
/// raw Hubei layout (benchmarks/data/hubei-64k), with the rule shapes of samples/hubei/moda.json.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[RowsPerOp(65536)]
public class RuleBenchmarks
{
    private const int Size = 65536;

    private ColumnBatch _batch = null!;
    private readonly byte[] _result = new byte[Size];
    private RuleEvaluator _equal = null!, _in = null!, _expr = null!, _allZero = null!, _text = null!;

    /// <summary>Reads the batch and binds the rules.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rules = new (string Name, Rule Rule)[]
        {
            ("equal", Rule.Condition("floor_natural", "== 1")),
            ("in", Rule.Condition("water_source", "in [32, 42, 81]")),
            ("expr", Rule.Expression("hh_members / sleeping_rooms > 3 or (water_minutes > 30 and toilet_shared == 1)", ["998"])),
            ("allZero", Rule.Expression("has_tv == 0 and has_radio == 0 and has_phone == 0 and has_computer == 0 and has_internet == 0")),
            ("text", Rule.Condition("county", "in [\"Wufeng\", \"Dawu\", \"Baokang\"]")),
        };
        var requests = new List<ColumnRequest>();
        var slots = new Dictionary<(string, ColumnKind), int>();
        foreach (var (_, rule) in rules)
            foreach (var (name, kind) in rule.Columns)
                if (slots.TryAdd((name, kind), requests.Count)) requests.Add(new ColumnRequest(name, kind, ["", "NA", "."]));
        using var reader = new CsvTableReader(BenchData.EnsureHubei(Size));
        _batch = reader.Read(requests, Size).First();
        if (_batch.Count != Size) throw new InvalidOperationException($"expected {Size} rows, read {_batch.Count}");
        int SlotOf(string name, ColumnKind kind) => slots[(name, kind)];
        var bound = rules.ToDictionary(r => r.Name, r => r.Rule.Bind(SlotOf));
        (_equal, _in, _expr, _allZero, _text) = (bound["equal"], bound["in"], bound["expr"], bound["allZero"], bound["text"]);
    }

    /// <summary><c>floor_natural == 1</c>.</summary>
    [Benchmark(Baseline = true)]
    public byte Equal()
    {
        _equal.Evaluate(_batch, _result);
        return _result[^1];
    }

    /// <summary><c>water_source in [32, 42, 81]</c>.</summary>
    [Benchmark]
    public byte InList()
    {
        _in.Evaluate(_batch, _result);
        return _result[^1];
    }

    /// <summary><c>hh_members / sleeping_rooms &gt; 3 or (water_minutes &gt; 30 and toilet_shared == 1)</c>, 998 missing.</summary>
    [Benchmark]
    public byte ArithmeticAndOr()
    {
        _expr.Evaluate(_batch, _result);
        return _result[^1];
    }

    /// <summary>The no-media rule: five <c>== 0</c> joined by <c>and</c>.</summary>
    [Benchmark]
    public byte FiveWayAnd()
    {
        _allZero.Evaluate(_batch, _result);
        return _result[^1];
    }

    /// <summary><c>county in ["Wufeng", "Dawu", "Baokang"]</c> on the categorical column.</summary>
    [Benchmark]
    public byte TextMatch()
    {
        _text.Evaluate(_batch, _result);
        return _result[^1];
    }
}
