using System.Runtime.InteropServices;
using Moda.Data;
using Moda.Deprivation;

namespace Moda.Estimation;

/// <summary>
/// The one sufficient statistic: total weight, squared weight and count of children per
/// (sampling unit, breakdown cell, pattern), plus per (age group, unit) indicator totals.
/// Every rate, distribution, overlap, H/A/M0, contribution and their linearized variances is a
/// function of it. Rows are added in batches; nothing per row is kept.
/// </summary>
public sealed class SurveyHistogram
{
    private readonly AnalysisPlan _plan;
    private readonly string _file;
    private readonly bool _rowUnits;
    private readonly Dictionary<UInt128, int> _patterns = [];
    private readonly Dictionary<ulong, int> _cells = [];
    private readonly Dictionary<ulong, int> _entries = [];
    private readonly Dictionary<(int Stratum, int Psu), int> _units = [];
    private readonly List<int> _unitStratum = [];
    private readonly List<int> _unitPsu = [];
    private readonly Dictionary<int, int> _strata = [];
    private readonly List<int> _strataCodes = [];
    private readonly List<long> _strataChildren = [];
    private readonly List<double> _strataFpc = [];
    private readonly Dictionary<long, int> _indicatorRows = [];
    private readonly int _indicatorCount;

    /// <summary>Creates an empty histogram for a plan. With <paramref name="rowUnits"/> every child is its own sampling unit (bootstrap without clusters).</summary>
    public SurveyHistogram(AnalysisPlan plan, string file, bool rowUnits = false)
    {
        _plan = plan;
        _file = file;
        _rowUnits = rowUnits && plan.ClusterSlot < 0;
        _indicatorCount = plan.Indicators.Count;
        if (plan.GroupBySlots.Count > 4)
            throw new Configuration.ModaConfigurationException("groupBy", "at most 4 breakdown columns are supported in one run");
    }

    /// <summary>Distinct patterns, indexed as in <see cref="EntryPattern"/>.</summary>
    public List<Pattern> Patterns { get; } = [];

    /// <summary>Distinct breakdown cells: per cell, the category code of each breakdown column (-1 = missing).</summary>
    public List<int[]> Cells { get; } = [];

    /// <summary>Per entry: its sampling unit.</summary>
    public List<int> EntryUnit { get; } = [];

    /// <summary>Per entry: its breakdown cell.</summary>
    public List<int> EntryCell { get; } = [];

    /// <summary>Per entry: its pattern.</summary>
    public List<int> EntryPattern { get; } = [];

    /// <summary>Per entry: total weight.</summary>
    public List<double> EntryWeight { get; } = [];

    /// <summary>Per entry: total squared weight.</summary>
    public List<double> EntryWeight2 { get; } = [];

    /// <summary>Per entry: number of children.</summary>
    public List<long> EntryCount { get; } = [];

    /// <summary>Indicator totals: rows keyed by (group, unit), each 4 values per indicator: Σw·deprived, Σw·observed, Σw²·deprived, Σw²·observed.</summary>
    public List<double> IndicatorTotals { get; } = [];

    /// <summary>The (group, unit) of each indicator row.</summary>
    public List<(int Group, int Unit)> IndicatorRowKeys { get; } = [];

    /// <summary>Rows read.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows in no age group (age missing or outside every group).</summary>
    public long Unassigned { get; private set; }

    /// <summary>Number of sampling units (PSUs, or strata when each child is its own PSU).</summary>
    public int UnitCount => _unitStratum.Count;

    /// <summary>Stratum index of each unit.</summary>
    public IReadOnlyList<int> UnitStratum => _unitStratum;

    /// <summary>PSU category code of each unit (-1 when units are strata; the row number when rows are units).</summary>
    public IReadOnlyList<int> UnitPsu => _unitPsu;

    /// <summary>The cluster column's dictionary, once a batch has been read.</summary>
    public CategoryDictionary? ClusterDictionary { get; private set; }

    /// <summary>Number of strata.</summary>
    public int StratumCount => _strataCodes.Count;

    /// <summary>Stratum category code of each stratum index (-1 when there are no strata).</summary>
    public IReadOnlyList<int> StratumCodes => _strataCodes;

    /// <summary>Children per stratum.</summary>
    public IReadOnlyList<long> StratumChildren => _strataChildren;

    /// <summary>Finite population correction per stratum, NaN when none.</summary>
    public IReadOnlyList<double> StratumFpc => _strataFpc;

    /// <summary>True when the design has clusters or rows are units (units are PSUs); false when units are strata and each child is its own PSU.</summary>
    public bool UnitsArePsus => _plan.ClusterSlot >= 0 || _rowUnits;

    /// <summary>The stratum column's dictionary, once a batch has been read.</summary>
    public CategoryDictionary? StratumDictionary { get; private set; }

    /// <summary>The breakdown columns' dictionaries, once a batch has been read.</summary>
    public CategoryDictionary?[] GroupByDictionaries { get; private set; } = [];

    /// <summary>Adds the rows of <paramref name="batch"/> as classified by <paramref name="c"/>.</summary>
    public void Add(ColumnBatch batch, ChildClassifier c)
    {
        var plan = _plan;
        ReadOnlySpan<double> weight = plan.WeightSlot >= 0 ? batch.Numeric(plan.WeightSlot) : default;
        ReadOnlySpan<int> stratum = plan.StratumSlot >= 0 ? batch.Categorical(plan.StratumSlot) : default;
        ReadOnlySpan<int> psu = plan.ClusterSlot >= 0 ? batch.Categorical(plan.ClusterSlot) : default;
        ReadOnlySpan<double> fpc = plan.FpcSlot >= 0 ? batch.Numeric(plan.FpcSlot) : default;
        if (plan.StratumSlot >= 0) StratumDictionary = batch.Categories[plan.StratumSlot];
        if (plan.ClusterSlot >= 0) ClusterDictionary = batch.Categories[plan.ClusterSlot];
        GroupByDictionaries = plan.GroupBySlots.Select(s => batch.Categories[s]).ToArray();
        var hasMonetary = plan.Monetary is not null;
        Span<int> cellCodes = stackalloc int[plan.GroupBySlots.Count];

        for (var r = 0; r < batch.Count; r++)
        {
            var w = 1.0;
            if (plan.WeightSlot >= 0)
            {
                w = weight[r];
                if (double.IsNaN(w)) throw Bad(batch, r, plan.WeightSlot, "the survey weight is missing");
                if (w < 0) throw Bad(batch, r, plan.WeightSlot, $"the survey weight {w} is negative");
            }
            var s = plan.StratumSlot >= 0 ? stratum[r] : 0;
            if (s < 0) throw Bad(batch, r, plan.StratumSlot, "the stratum is missing");
            var stratumIndex = StratumIndex(s, fpc.IsEmpty ? double.NaN : fpc[r], batch, r);
            int unit;
            if (plan.ClusterSlot >= 0)
            {
                if (psu[r] < 0) throw Bad(batch, r, plan.ClusterSlot, "the cluster (PSU) is missing");
                unit = Unit(stratumIndex, psu[r]);
            }
            else unit = Unit(stratumIndex, _rowUnits ? (int)(batch.FirstRow + r) : -1);
            _strataChildren[stratumIndex]++;

            var g = c.Group[r];
            if (g < 0)
            {
                Unassigned++;
                continue;
            }
            var pattern = PatternIndex(new Pattern(g, c.Deprived[r], c.Observed[r], hasMonetary ? c.MonetaryTruth[r] : (byte)1));
            for (var k = 0; k < cellCodes.Length; k++) cellCodes[k] = batch.Codes[plan.GroupBySlots[k]]![r];
            var cell = CellIndex(cellCodes);
            var key = ((ulong)(uint)unit << 32) | ((ulong)(uint)cell << 20) | (uint)pattern;
            if (pattern >= 1 << 20 || cell >= 1 << 12) throw new ModaDataException(_file, "too many distinct deprivation patterns or breakdown cells for one analysis");
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out var exists);
            if (!exists)
            {
                entry = EntryUnit.Count;
                EntryUnit.Add(unit);
                EntryCell.Add(cell);
                EntryPattern.Add(pattern);
                EntryWeight.Add(0);
                EntryWeight2.Add(0);
                EntryCount.Add(0);
            }
            var weights = CollectionsMarshal.AsSpan(EntryWeight);
            weights[entry] += w;
            CollectionsMarshal.AsSpan(EntryWeight2)[entry] += w * w;
            CollectionsMarshal.AsSpan(EntryCount)[entry]++;
            if (_indicatorCount > 0) AddIndicators(c, r, g, unit, w);
        }
        Rows += batch.Count;
    }

    private void AddIndicators(ChildClassifier c, int r, int g, int unit, double w)
    {
        ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(_indicatorRows, ((long)g << 32) | (uint)unit, out var exists);
        if (!exists)
        {
            row = IndicatorRowKeys.Count;
            IndicatorRowKeys.Add((g, unit));
            for (var i = 0; i < 4 * _indicatorCount; i++) IndicatorTotals.Add(0);
        }
        var totals = CollectionsMarshal.AsSpan(IndicatorTotals).Slice(row * 4 * _indicatorCount, 4 * _indicatorCount);
        var bit = 1u << g;
        for (var i = 0; i < _indicatorCount; i++)
        {
            if ((_plan.Indicators[i].AgeGroupMask & bit) == 0) continue;
            var t = c.IndicatorTruth[i][r];
            if (t == Rules.Truth.Unknown) continue;
            var dep = t == Rules.Truth.Yes ? 1.0 : 0.0;
            totals[4 * i] += w * dep;
            totals[4 * i + 1] += w;
            totals[4 * i + 2] += w * w * dep;
            totals[4 * i + 3] += w * w;
        }
    }

    private int StratumIndex(int code, double fpc, ColumnBatch batch, int r)
    {
        if (!_strata.TryGetValue(code, out var index))
        {
            index = _strataCodes.Count;
            _strata.Add(code, index);
            _strataCodes.Add(_plan.StratumSlot >= 0 ? code : -1);
            _strataChildren.Add(0);
            _strataFpc.Add(fpc);
        }
        if (_plan.FpcSlot >= 0)
        {
            if (double.IsNaN(fpc)) throw Bad(batch, r, _plan.FpcSlot, "the finite population correction is missing");
            if (fpc != _strataFpc[index]) throw Bad(batch, r, _plan.FpcSlot, $"the finite population correction {fpc} differs from {_strataFpc[index]} earlier in the same stratum; it must be constant within a stratum");
        }
        return index;
    }

    private int Unit(int stratumIndex, int psu)
    {
        ref var unit = ref CollectionsMarshal.GetValueRefOrAddDefault(_units, (stratumIndex, psu), out var exists);
        if (!exists)
        {
            unit = _unitStratum.Count;
            _unitStratum.Add(stratumIndex);
            _unitPsu.Add(psu);
        }
        return unit;
    }

    private int PatternIndex(Pattern p)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_patterns, p.Key, out var exists);
        if (!exists)
        {
            index = Patterns.Count;
            Patterns.Add(p);
        }
        return index;
    }

    private int CellIndex(ReadOnlySpan<int> codes)
    {
        if (codes.Length == 0)
        {
            if (Cells.Count == 0) Cells.Add([]);
            return 0;
        }
        ulong key = 0;
        foreach (var code in codes)
        {
            if (code >= 0xFFFF) throw new ModaDataException(_file, "a breakdown column has more than 65,534 distinct values");
            key = (key << 16) | (uint)(code + 1);
        }
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_cells, key, out var exists);
        if (!exists)
        {
            index = Cells.Count;
            Cells.Add(codes.ToArray());
        }
        return index;
    }

    private ModaDataException Bad(ColumnBatch batch, int r, int slot, string message) =>
        new(_file, message, batch.Lines[r], batch.Requests[slot].Name);
}
