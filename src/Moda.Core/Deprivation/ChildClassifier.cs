using Moda.Configuration;
using Moda.Data;
using Moda.Rules;

namespace Moda.Deprivation;

/// <summary>
/// Turns a batch of rows into per-child deprivation facts: the age group, a deprived mask and an
/// observed mask over the dimensions (bit j = dimension j), each indicator's truth, and the
/// monetary truth. Rules are evaluated a column at a time; holds scratch buffers, so one per thread.
/// </summary>
public sealed class ChildClassifier
{
    private readonly AnalysisPlan _plan;
    private readonly RuleEvaluator[] _indicators;
    private readonly RuleEvaluator? _monetary;
    private readonly bool _strict;
    private readonly double _ageDivisor;

    /// <summary>Binds the plan's rules to its column slots.</summary>
    public ChildClassifier(AnalysisPlan plan)
    {
        _plan = plan;
        _indicators = plan.Indicators.Select(i => i.Rule.Bind(plan.SlotOf)).ToArray();
        _monetary = plan.Monetary?.Bind(plan.SlotOf);
        _strict = plan.Spec.MissingRule == MissingRule.Strict;
        _ageDivisor = plan.Spec.AgeUnit == AgeUnit.Months ? 12 : 1;
    }

    /// <summary>Age group of each row, -1 when the age is missing or in no group.</summary>
    public int[] Group { get; private set; } = [];

    /// <summary>Dimensions in which each row is deprived.</summary>
    public uint[] Deprived { get; private set; } = [];

    /// <summary>Dimensions observed (deprived or not) for each row.</summary>
    public uint[] Observed { get; private set; } = [];

    /// <summary>Per indicator, the <see cref="Truth"/> of each row (Unknown where it does not apply).</summary>
    public byte[][] IndicatorTruth { get; private set; } = [];

    /// <summary>The monetary <see cref="Truth"/> of each row, if a monetary rule is set.</summary>
    public byte[] MonetaryTruth { get; private set; } = [];

    /// <summary>Classifies every row of <paramref name="batch"/>.</summary>
    public void Classify(ColumnBatch batch)
    {
        var n = batch.Count;
        Ensure(n);
        AssignGroups(batch);
        for (var i = 0; i < _indicators.Length; i++) _indicators[i].Evaluate(batch, IndicatorTruth[i]);
        _monetary?.Evaluate(batch, MonetaryTruth);

        // Union rule: deprived if any applicable indicator is deprived; else missing if any is missing.
        // Strict rule: missing whenever any applicable indicator is missing.
        var indicators = _plan.Indicators;
        for (var r = 0; r < n; r++)
        {
            var g = Group[r];
            uint deprived = 0, unknown = 0, seen = 0;
            if (g >= 0)
            {
                var bit = 1u << g;
                for (var i = 0; i < indicators.Count; i++)
                {
                    if ((indicators[i].AgeGroupMask & bit) == 0)
                    {
                        IndicatorTruth[i][r] = Truth.Unknown;
                        continue;
                    }
                    var dim = 1u << indicators[i].Dimension;
                    seen |= dim;
                    switch (IndicatorTruth[i][r])
                    {
                        case Truth.Yes: deprived |= dim; break;
                        case Truth.Unknown: unknown |= dim; break;
                    }
                }
            }
            var missing = _strict ? unknown : unknown & ~deprived;
            Deprived[r] = deprived & ~missing;
            Observed[r] = seen & ~missing;
        }
    }

    private void AssignGroups(ColumnBatch batch)
    {
        var groups = _plan.Groups;
        if (_plan.AgeSlot < 0)
        {
            Array.Fill(Group, 0, 0, batch.Count);
            return;
        }
        var age = batch.Numeric(_plan.AgeSlot);
        for (var r = 0; r < age.Length; r++)
        {
            var years = Math.Floor(age[r] / _ageDivisor);
            var g = -1;
            for (var k = 0; k < groups.Count; k++)
                if (years >= groups[k].Min && years <= groups[k].Max) { g = k; break; }
            Group[r] = g;
        }
    }

    private void Ensure(int n)
    {
        if (Group.Length >= n) return;
        Group = new int[n];
        Deprived = new uint[n];
        Observed = new uint[n];
        IndicatorTruth = _indicators.Select(_ => new byte[n]).ToArray();
        MonetaryTruth = new byte[n];
    }
}
