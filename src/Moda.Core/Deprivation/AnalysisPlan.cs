using Moda.Configuration;
using Moda.Data;
using Moda.Rules;

namespace Moda.Deprivation;

/// <summary>
/// A specification resolved against a file's columns: which columns to read and how, which
/// dimensions and indicators apply to which age group, and each group's dimension weights.
/// Built before any row is read, so every configuration/column mismatch surfaces first.
/// </summary>
public sealed class AnalysisPlan
{
    private readonly Dictionary<(string, ColumnKind), int> _slots = [];
    private readonly List<ColumnRequest> _requests = [];

    private AnalysisPlan(ModaSpec spec) => Spec = spec;

    /// <summary>The specification (default-profile dimensions without a column already dropped).</summary>
    public ModaSpec Spec { get; private set; }

    /// <summary>Columns to read, one per slot.</summary>
    public IReadOnlyList<ColumnRequest> Requests => _requests;

    /// <summary>Default-profile dimensions left out because the file has no such column.</summary>
    public IReadOnlyList<string> DroppedDimensions { get; private set; } = [];

    /// <summary>Dimension names in specification order; bit j of a mask is dimension j.</summary>
    public IReadOnlyList<string> DimensionNames { get; private set; } = [];

    /// <summary>The age groups; a single group named <c>all</c> when the specification has none.</summary>
    public IReadOnlyList<GroupPlan> Groups { get; private set; } = [];

    /// <summary>True when the specification defines age groups (so a pooled group is reported too).</summary>
    public bool HasAgeGroups => Spec.AgeGroups.Count > 0;

    /// <summary>Indicators in specification order.</summary>
    public IReadOnlyList<IndicatorPlan> Indicators { get; private set; } = [];

    /// <summary>Slot of the weight column, or -1.</summary>
    public int WeightSlot { get; private set; } = -1;

    /// <summary>Slot of the stratum column, or -1.</summary>
    public int StratumSlot { get; private set; } = -1;

    /// <summary>Slot of the cluster column, or -1.</summary>
    public int ClusterSlot { get; private set; } = -1;

    /// <summary>Slot of the finite population correction column, or -1.</summary>
    public int FpcSlot { get; private set; } = -1;

    /// <summary>Slot of the age column, or -1.</summary>
    public int AgeSlot { get; private set; } = -1;

    /// <summary>Slots of the breakdown columns, in order.</summary>
    public IReadOnlyList<int> GroupBySlots { get; private set; } = [];

    /// <summary>The breakdown column names, in order.</summary>
    public IReadOnlyList<string> GroupByNames { get; private set; } = [];

    /// <summary>The monetary rule, if any.</summary>
    public Rule? Monetary { get; private set; }

    /// <summary>
    /// Resolves <paramref name="spec"/> against <paramref name="columns"/> (the file's header).
    /// <paramref name="extraGroupBy"/> adds breakdowns (the CLI's <c>--by</c>).
    /// </summary>
    /// <param name="spec">The specification.</param>
    /// <param name="columns">The file's column names.</param>
    /// <param name="extraGroupBy">Breakdowns added to the specification's.</param>
    /// <param name="dataFile">The data file, for messages.</param>
    /// <param name="variables">What the file says about its variables (value labels), when it says anything.</param>
    /// <exception cref="ModaConfigurationException">A named column is absent, a rule names a value label the variable lacks, or nothing is left to analyse.</exception>
    public static AnalysisPlan Create(ModaSpec spec, IReadOnlyList<string> columns, IEnumerable<string>? extraGroupBy = null, string? dataFile = null,
        IReadOnlyList<VariableInfo>? variables = null)
    {
        var present = new HashSet<string>(columns, StringComparer.Ordinal);
        string Columns() => string.Join(", ", columns);
        ModaConfigurationException Absent(string key, string column) =>
            new(key, $"names column '{column}', which {dataFile ?? "the data"} does not have; its columns are: {Columns()}");

        var dropped = new List<string>();
        if (spec.IsDefaultProfile)
        {
            var kept = spec.Dimensions.Where(d => d.Indicators.All(i => i.Column is null || present.Contains(i.Column))).ToList();
            dropped.AddRange(spec.Dimensions.Except(kept).Select(d => d.Name));
            if (kept.Count == 0)
                throw new ModaConfigurationException("dimensions",
                    $"the default profile reads 0/1 columns named {string.Join(", ", spec.Dimensions.Select(d => d.Name))}, and {dataFile ?? "the data"} has none of them; its columns are: {Columns()}. Write a moda.json (moda init) to map your columns.");
            spec = spec with
            {
                Dimensions = kept,
                Weight = spec.Weight is { } w && present.Contains(w) ? w : null,
                Strata = spec.Strata is { } s && present.Contains(s) ? s : null,
                Cluster = spec.Cluster is { } c && present.Contains(c) ? c : null,
                K = Math.Min(spec.K, kept.Count),
                Cutoffs = spec.Cutoffs?.Where(k => k <= kept.Count).ToArray(),
            };
        }
        var configured = spec.GroupBy.Count;
        var groupBy = spec.GroupBy.Concat(extraGroupBy ?? []).Distinct(StringComparer.Ordinal).ToArray();
        spec = spec with { GroupBy = groupBy };

        var plan = new AnalysisPlan(spec) { DroppedDimensions = dropped };
        // A per-indicator code that is not a number (e.g. "DK") can only mean missing in a
        // numeric column, so it is applied when the column is read; numeric codes (e.g. 9) stay
        // with their indicator, as 9 may be a real value for another rule on the same column.
        var textCodes = spec.Dimensions.SelectMany(d => d.Indicators)
            .SelectMany(i => (i.Expr is not null ? Rule.Expression(i.Expr) : Rule.Condition(i.Column!, i.DeprivedIf!)).Columns
                .Select(c => (c.Name, Codes: i.MissingValues.Where(v => !Rule.IsNumericCode(v, out _)))))
            .GroupBy(x => x.Name).ToDictionary(g => g.Key, g => g.SelectMany(x => x.Codes).Distinct().ToArray());
        int Need(string key, string? column, ColumnKind kind, bool designColumn = false)
        {
            if (column is null) return -1;
            if (!present.Contains(column)) throw Absent(key, column);
            return plan.Slot(column, kind, designColumn, kind == ColumnKind.Numeric && textCodes.TryGetValue(column, out var extra) ? extra : []);
        }

        plan.WeightSlot = Need("weight", spec.Weight, ColumnKind.Numeric, designColumn: true);
        plan.StratumSlot = Need("strata", spec.Strata, ColumnKind.Categorical, designColumn: true);
        plan.ClusterSlot = Need("cluster", spec.Cluster, ColumnKind.Categorical, designColumn: true);
        plan.FpcSlot = Need("fpc", spec.Variance.Fpc, ColumnKind.Numeric, designColumn: true);
        plan.AgeSlot = Need("age", spec.AgeGroups.Count > 0 ? spec.Age : null, ColumnKind.Numeric);
        plan.GroupBySlots = groupBy.Select((g, i) => Need(i < configured ? $"groupBy[{i}]" : "--by", g, ColumnKind.Categorical)).ToArray();
        plan.GroupByNames = groupBy;

        plan.DimensionNames = spec.Dimensions.Select(d => d.Name).ToArray();
        var groupSpecs = spec.AgeGroups.Count > 0 ? spec.AgeGroups : [new AgeGroupSpec("all", double.NegativeInfinity, double.PositiveInfinity)];
        var indicators = new List<IndicatorPlan>();
        for (var d = 0; d < spec.Dimensions.Count; d++)
        {
            var dim = spec.Dimensions[d];
            for (var i = 0; i < dim.Indicators.Count; i++)
            {
                var ind = dim.Indicators[i];
                var key = $"dimensions[{d}].indicators[{i}]";
                var rule = ind.Expr is not null ? Rule.Expression(ind.Expr, ind.MissingValues) : Rule.Condition(ind.Column!, ind.DeprivedIf!, ind.MissingValues);
                foreach (var (name, kind) in rule.Columns)
                    Need(ind.Expr is not null ? $"{key}.expr" : $"{key}.column", name, kind);
                CheckLabels(rule, ind.Expr is not null ? $"{key}.expr" : $"{key}.deprivedIf", variables, dataFile);
                var groupMask = 0u;
                for (var g = 0; g < groupSpecs.Count; g++)
                    if (ind.AgeGroups is null || ind.AgeGroups.Contains(groupSpecs[g].Name)) groupMask |= 1u << g;
                indicators.Add(new IndicatorPlan(ind.Name, d, rule, groupMask));
            }
        }
        plan.Indicators = indicators.Select(i => i with { IsWholeDimension = indicators.Count(o => o.Dimension == i.Dimension) == 1 }).ToArray();
        if (spec.Monetary is { } m)
        {
            plan.Monetary = Rule.Condition(m.Column, m.DeprivedIf);
            foreach (var (name, kind) in plan.Monetary.Columns) Need("monetary.column", name, kind);
            CheckLabels(plan.Monetary, "monetary.deprivedIf", variables, dataFile);
        }

        var groups = new List<GroupPlan>();
        for (var g = 0; g < groupSpecs.Count; g++)
        {
            var mask = 0u;
            foreach (var ind in indicators)
                if ((ind.AgeGroupMask & (1u << g)) != 0) mask |= 1u << ind.Dimension;
            groups.Add(new GroupPlan(groupSpecs[g].Name, groupSpecs[g].Min, groupSpecs[g].Max, mask, Weights(spec, mask)));
        }
        plan.Groups = groups;
        return plan;
    }

    // A labelled variable read as text gives its labels, so a quoted value in a rule must be one
    // of them (or, for a number, an unlabelled code; for a string, a value without a label).
    private static void CheckLabels(Rule rule, string key, IReadOnlyList<VariableInfo>? variables, string? dataFile)
    {
        if (variables is null) return;
        foreach (var (column, value) in rule.TextLiterals)
        {
            var info = variables.FirstOrDefault(v => v.Name == column);
            if (info is null || info.ValueLabels.Count == 0 || info.ValueLabels.Any(l => l.Label == value)) continue;
            var ok = info.IsNumeric
                ? Rule.IsNumericCode(value, out var code) && info.ValueLabels.All(l => l.Code != code)
                : info.ValueLabels.All(l => l.Value != value);
            if (ok) continue;
            var labels = string.Join(", ", info.ValueLabels.Select(l => info.IsNumeric ? $"{l.Value} \"{l.Label}\"" : $"\"{l.Label}\""));
            var hint = info.ValueLabels.FirstOrDefault(l => l.Value == value) is { } byCode ? $" (the value {value} is labelled \"{byCode.Label}\"; compare with the label, or with the number unquoted)" : "";
            throw new ModaConfigurationException(key,
                $"\"{value}\" is not a value label of '{column}' in {dataFile ?? "the data"}{hint}; its labels are: {labels}");
        }
    }

    /// <summary>The slot of a column read as <paramref name="kind"/>.</summary>
    public int SlotOf(string column, ColumnKind kind) => _slots[(column, kind)];

    private int Slot(string column, ColumnKind kind, bool designColumn, IReadOnlyList<string> extraCodes)
    {
        if (_slots.TryGetValue((column, kind), out var slot)) return slot;
        // Design columns take only the empty cell as missing: a code such as 99 is a real weight or stratum.
        var missing = designColumn ? (IReadOnlyList<string>)["", "NA"] : Spec.MissingValues.Concat(extraCodes).ToArray();
        _requests.Add(new ColumnRequest(column, kind, missing));
        _slots[(column, kind)] = _requests.Count - 1;
        return _requests.Count - 1;
    }

    // Stated weights are used as given where they sum to 1 over the group's dimensions, and
    // rescaled to sum to 1 elsewhere; without stated weights every dimension weighs 1/d.
    private static double[] Weights(ModaSpec spec, uint mask)
    {
        var w = new double[spec.Dimensions.Count];
        var d = System.Numerics.BitOperations.PopCount(mask);
        var stated = spec.Dimensions.All(x => x.Weight is not null);
        var total = 0.0;
        for (var j = 0; j < w.Length; j++)
            if ((mask & (1u << j)) != 0) total += stated ? spec.Dimensions[j].Weight!.Value : 1;
        for (var j = 0; j < w.Length; j++)
            if ((mask & (1u << j)) != 0)
                w[j] = stated ? (Math.Abs(total - 1) < 1e-9 ? spec.Dimensions[j].Weight!.Value : spec.Dimensions[j].Weight!.Value / total) : 1.0 / d;
        return w;
    }
}

/// <summary>An age group and the dimensions that apply to it.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Min">Inclusive lower bound, completed years.</param>
/// <param name="Max">Inclusive upper bound, completed years.</param>
/// <param name="DimensionMask">Bit j set when dimension j applies.</param>
/// <param name="Weights">Weight of each dimension in this group (0 where it does not apply).</param>
public sealed record GroupPlan(string Name, double Min, double Max, uint DimensionMask, double[] Weights)
{
    /// <summary>Number of dimensions d_g of this group.</summary>
    public int DimensionCount => System.Numerics.BitOperations.PopCount(DimensionMask);
}

/// <summary>An indicator, its dimension, its rule, and the age groups it applies to (bit g).</summary>
public sealed record IndicatorPlan(string Name, int Dimension, Rule Rule, uint AgeGroupMask)
{
    /// <summary>
    /// True when the indicator is the only one of its dimension: its deprived and observed flags
    /// are the dimension's, so its rate is the dimension's rate and needs no totals of its own.
    /// </summary>
    public bool IsWholeDimension { get; init; }
}
