using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Moda.Configuration;
using Moda.Data;
using Moda.Rules;

namespace Moda.Deprivation;

/// <summary>
/// Turns a batch of rows into per-child deprivation facts: the age group, a deprived mask and an
/// observed mask over the dimensions (bit j = dimension j), each indicator's truth, the monetary
/// truth, and all of them as one pattern key (<see cref="PatternKeys"/>), by which the histogram
/// counts. An indicator that tests one column (most do) is folded straight from the column into the
/// masks, four rows a vector (<see cref="ColumnTest"/>); other rules are evaluated a column at a
/// time into truth bytes. Holds scratch buffers, so one per thread.
/// </summary>
public sealed class ChildClassifier
{
    private readonly AnalysisPlan _plan;
    private readonly RuleEvaluator[] _indicators;
    private readonly RuleEvaluator? _monetary;
    private readonly bool _strict;
    private readonly double _ageDivisor;
    private readonly uint[] _groupMasks;
    private readonly ColumnTest?[] _tests;   // per indicator: its column test, when folded straight into the masks
    private readonly TestGroup[] _testGroups; // those tests, the same test of several columns folded together
    private readonly bool _anyEvaluated;     // some indicator goes through truth bytes
    private uint[] _unknown = [];
    private bool _hasUnassigned;
    private byte[][] _truth = [];
    private readonly bool[] _truthReady;     // per indicator: its truth bytes are those of the last batch
    private ColumnBatch? _batch;
    private ulong[] _bits = [];
    private readonly PatternKeys _keyLayout;

    // Rows per block of the fused fold: its mask bits stay in L1.
    private const int Block = 4096;

    /// <summary>Binds the plan's rules to its column slots.</summary>
    public ChildClassifier(AnalysisPlan plan)
    {
        _plan = plan;
        _indicators = plan.Indicators.Select(i => i.Rule.Bind(plan.SlotOf)).ToArray();
        _monetary = plan.Monetary?.Bind(plan.SlotOf);
        _strict = plan.Spec.MissingRule == MissingRule.Strict;
        _ageDivisor = plan.Spec.AgeUnit == AgeUnit.Months ? 12 : 1;
        _groupMasks = plan.Groups.Select(g => g.DimensionMask).ToArray();
        _keyLayout = PatternKeys.Of(plan);
        // One (empty) truth array per indicator from the start: a first batch may have no rows
        // (a chunk of blank lines), and Ensure only grows what is there.
        _truth = _indicators.Select(_ => Array.Empty<byte>()).ToArray();
        _truthReady = new bool[_indicators.Length];
        // An indicator that is its dimension's only one, asked of every age group and a test of one
        // column is folded straight into the masks; its truth bytes are made only if asked for.
        var everyGroup = (1u << plan.Groups.Count) - 1;
        _tests = plan.Indicators.Select((ind, i) =>
            ind.IsWholeDimension && (ind.AgeGroupMask & everyGroup) == everyGroup ? _indicators[i].ColumnTest : null).ToArray();
        _anyEvaluated = _tests.Any(t => t is null);
        _keysOnly = _keyLayout.Fit && !_anyEvaluated && plan.AgeSlot < 0 && plan.Groups.Count == 1;
        var groups = new List<(ColumnTest Test, List<int> Indicators)>();
        for (var i = 0; i < _tests.Length; i++)
        {
            if (_tests[i] is not { } test) continue;
            var same = groups.FindIndex(g => g.Test.SameTest(test));
            if (same >= 0) groups[same].Indicators.Add(i);
            else groups.Add((test, [i]));
        }
        _testGroups = groups.Select(g => new TestGroup(g.Test,
            g.Indicators.Select(i => _tests[i]!.Slot).ToArray(),
            g.Indicators.Select(i => 1ul << plan.Indicators[i].Dimension).ToArray(),
            g.Indicators.Select(i => 1ul << (32 + plan.Indicators[i].Dimension)).ToArray())).ToArray();
    }

    // One test of several columns: per column its slot and its dimension's deprived and unknown bits.
    private sealed record TestGroup(ColumnTest Test, int[] Slots, ulong[] DeprivedBits, ulong[] UnknownBits)
    {
        public double[][] Columns { get; } = new double[Slots.Length][];
    }

    // A plan of one age group and only column tests, whose keys fit a table, is finished straight
    // into keys (FinishKeys): the group of every row is 0, and the masks, which the histogram does
    // not read, are made from the keys when first asked for. That spares writing the group and
    // mask arrays (12 bytes a row) and Finish's reading of the group, deprived and unknown arrays
    // (12 more).
    private readonly bool _keysOnly;
    private bool _groupsPending;             // Group is all 0 for the last batch, not yet written
    private bool _masksPending;              // Deprived and Observed are in the keys, not yet written
    private int[] _group = [];
    private uint[] _deprived = [];
    private uint[] _observed = [];

    /// <summary>Age group of each row, -1 when the age is missing or in no group.</summary>
    public int[] Group
    {
        get
        {
            if (_groupsPending) Array.Fill(_group, 0, 0, _batch!.Count);
            _groupsPending = false;
            return _group;
        }
    }

    /// <summary>Dimensions in which each row is deprived.</summary>
    public uint[] Deprived
    {
        get
        {
            if (_masksPending) MasksFromKeys();
            return _deprived;
        }
    }

    /// <summary>Dimensions observed (deprived or not) for each row.</summary>
    public uint[] Observed
    {
        get
        {
            if (_masksPending) MasksFromKeys();
            return _observed;
        }
    }

    // The masks of the last batch, from its keys: deprived in the low bits, observed above them (a
    // row in no age group has a negative key whose low bits are 0: neither deprived nor observed).
    private void MasksFromKeys()
    {
        var mask = (1u << _keyLayout.Dimensions) - 1;
        var dimensions = _keyLayout.Dimensions;
        var keys = MemoryMarshal.Cast<int, uint>(Keys.AsSpan(0, _batch!.Count));
        var r = 0;
        if (Vector.IsHardwareAccelerated)
            for (var masks = new Vector<uint>(mask); r <= keys.Length - Vector<uint>.Count; r += Vector<uint>.Count)
            {
                var key = new Vector<uint>(keys[r..]);
                (key & masks).CopyTo(_deprived, r);
                ((key >> dimensions) & masks).CopyTo(_observed, r);
            }
        for (; r < keys.Length; r++)
        {
            _deprived[r] = keys[r] & mask;
            _observed[r] = (keys[r] >> dimensions) & mask;
        }
        _masksPending = false;
    }

    /// <summary>
    /// Per indicator, the <see cref="Truth"/> of each row (Unknown where it does not apply). The
    /// truths of indicators folded straight into the masks are evaluated here, from the batch last
    /// classified, when first read: read them before that batch is reused.
    /// </summary>
    public byte[][] IndicatorTruth
    {
        get
        {
            for (var i = 0; i < _truth.Length; i++)
                if (!_truthReady[i] && _batch is not null) MakeTruth(i);
            return _truth;
        }
    }

    /// <summary>
    /// Each row's <see cref="PatternKeys"/> key (negative in no age group), made with the masks when
    /// the plan's keys fit a table (<see cref="PatternKeys.Fit"/>); the histogram counts by them.
    /// </summary>
    internal int[] Keys { get; private set; } = [];

    /// <summary>The layout of <see cref="Keys"/>.</summary>
    internal PatternKeys KeyLayout => _keyLayout;

    /// <summary>True when some row of the last batch is in no age group.</summary>
    internal bool HasUnassigned => _hasUnassigned;

    /// <summary>The monetary <see cref="Truth"/> of each row, if a monetary rule is set.</summary>
    public byte[] MonetaryTruth { get; private set; } = [];

    /// <summary>Classifies every row of <paramref name="batch"/>.</summary>
    public void Classify(ColumnBatch batch)
    {
        var n = batch.Count;
        Ensure(n);
        _batch = batch;
        _masksPending = false;
        AssignGroups(batch);
        _monetary?.Evaluate(batch, MonetaryTruth);

        // Indicators that are not a plain column test: truth bytes, folded into the dimension's bits
        // a column at a time. Yes (2) sets the deprived bit, Unknown (1) the unknown bit.
        var indicators = _plan.Indicators;
        var deprived = _deprived.AsSpan(0, n);
        var unknown = _unknown.AsSpan(0, n);
        if (_anyEvaluated)
        {
            deprived.Clear();
            unknown.Clear();
        }
        var everyGroup = (1u << _plan.Groups.Count) - 1;
        var groupOf = _anyEvaluated ? Group : [];
        for (var i = 0; i < indicators.Count; i++)
        {
            _truthReady[i] = _tests[i] is null;
            if (_tests[i] is not null) continue;
            _indicators[i].Evaluate(batch, _truth[i]);
            var dim = indicators[i].Dimension;
            var truth = _truth[i].AsSpan(0, n);
            var groups = indicators[i].AgeGroupMask;
            if ((groups & everyGroup) == everyGroup && !_hasUnassigned)
            {
                TruthFold.Fold(truth, deprived, unknown, dim);
                continue;
            }
            for (var r = 0; r < truth.Length; r++)
            {
                var g = groupOf[r];
                if (g < 0 || (groups >> g & 1) == 0)
                {
                    truth[r] = Truth.Unknown; // not asked of this child
                    continue;
                }
                uint t = truth[r];
                deprived[r] |= (t >> 1) << dim;
                unknown[r] |= (t & 1) << dim;
            }
        }

        // Column tests, a block of rows at a time: each test ORs its deprived bit (low word) and
        // unknown bit (high word) into the block's bits; then the masks are finished (Finish).
        foreach (var group in _testGroups)
            for (var k = 0; k < group.Slots.Length; k++) group.Columns[k] = batch.Numbers[group.Slots[k]]!;
        if (_bits.Length < Block) _bits = new ulong[Block];
        var bits = _bits.AsSpan();
        for (var start = 0; start < n; start += Block)
        {
            var block = bits[..Math.Min(Block, n - start)];
            if (_testGroups.Length == 0) block.Clear();
            for (var g = 0; g < _testGroups.Length; g++)
            {
                var group = _testGroups[g];
                group.Test.Fold(group.Columns, start, block, group.DeprivedBits, group.UnknownBits, replace: g == 0);
            }
            if (_keysOnly) FinishKeys(block, start);
            else Finish(block, start);
        }
        _masksPending = _keysOnly;
    }

    // Finish for a plan of one age group and column tests only (_keysOnly): every row is in group
    // 0, so only the keys are made.
    private void FinishKeys(ReadOnlySpan<ulong> bits, int start)
    {
        var keys = Keys.AsSpan(start, bits.Length);
        var monetary = _keyLayout.Monetary ? MonetaryTruth.AsSpan(start, bits.Length) : default;
        var applies = _groupMasks[0];
        var shift = _keyLayout.Shift;
        var dimensions = _keyLayout.Dimensions;
        var r = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // A vector of rows a step (eight with AVX2, four on ARM64): their bits are two vectors.
            var all = new Vector<uint>(applies);
            var half = Vector<ulong>.Count;
            for (; r <= bits.Length - 2 * half; r += 2 * half)
            {
                var low = new Vector<ulong>(bits[r..]);
                var high = new Vector<ulong>(bits[(r + half)..]);
                var dep = Vector.Narrow(low, high);
                var unk = Vector.Narrow(Vector.ShiftRightLogical(low, 32), Vector.ShiftRightLogical(high, 32));
                var ok = Vector.AndNot(all, _strict ? unk : Vector.AndNot(unk, dep));
                Vector.AsVectorInt32(Vector.ShiftLeft(ok, dimensions) | (dep & ok)).CopyTo(keys[r..]);
            }
            if (!monetary.IsEmpty) OrMonetary(keys[..r], monetary[..r], shift);
        }
        for (; r < bits.Length; r++)
        {
            var dep = (uint)bits[r];
            var unk = (uint)(bits[r] >> 32);
            var ok = applies & ~(_strict ? unk : unk & ~dep);
            keys[r] = _keyLayout.Key(0, dep & ok, ok, monetary.IsEmpty ? (byte)1 : monetary[r]);
        }
    }

    // keys |= monetary truth << shift (the key's monetary bits), a vector of truth bytes a step.
    private static void OrMonetary(Span<int> keys, ReadOnlySpan<byte> monetary, int shift)
    {
        var r = 0;
        var n = Vector<int>.Count;
        for (; r <= keys.Length - Vector<byte>.Count; r += Vector<byte>.Count)
        {
            Vector.Widen(new Vector<byte>(monetary[r..]), out var low, out var high);
            Vector.Widen(low, out var t0, out var t1);
            Vector.Widen(high, out var t2, out var t3);
            (new Vector<int>(keys[r..]) | Vector.AsVectorInt32(Vector.ShiftLeft(t0, shift))).CopyTo(keys[r..]);
            (new Vector<int>(keys[(r + n)..]) | Vector.AsVectorInt32(Vector.ShiftLeft(t1, shift))).CopyTo(keys[(r + n)..]);
            (new Vector<int>(keys[(r + 2 * n)..]) | Vector.AsVectorInt32(Vector.ShiftLeft(t2, shift))).CopyTo(keys[(r + 2 * n)..]);
            (new Vector<int>(keys[(r + 3 * n)..]) | Vector.AsVectorInt32(Vector.ShiftLeft(t3, shift))).CopyTo(keys[(r + 3 * n)..]);
        }
        for (; r < keys.Length; r++) keys[r] |= monetary[r] << shift;
    }

    // Union rule: deprived if any applicable indicator is deprived; else missing if any is missing.
    // Strict rule: missing whenever any applicable indicator is missing. A vector of rows a step, with
    // each row's key when keys fit (the histogram's look-up then needs no pass of its own).
    private void Finish(ReadOnlySpan<ulong> bits, int start)
    {
        var deprived = _deprived.AsSpan(start, bits.Length);
        var unknown = _unknown.AsSpan(start, bits.Length);
        var observed = _observed.AsSpan(start, bits.Length);
        var group = Group.AsSpan(start, bits.Length);
        var keyed = _keyLayout.Fit;
        var keys = keyed ? Keys.AsSpan(start, bits.Length) : default;
        var monetary = _keyLayout.Monetary ? MonetaryTruth.AsSpan(start, bits.Length) : default;
        var masks = _groupMasks;
        var r = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // A vector of rows a step (eight with AVX2, four on ARM64): their bits are two vectors.
            var evaluated = _anyEvaluated ? Vector<uint>.AllBitsSet : Vector<uint>.Zero;
            var dimensions = _keyLayout.Dimensions;
            var groupShift = _keyLayout.Shift + (monetary.IsEmpty ? 0 : 2); // the monetary bits are ORed in after
            var half = Vector<ulong>.Count;
            for (; r <= bits.Length - 2 * half; r += 2 * half)
            {
                var low = new Vector<ulong>(bits[r..]);
                var high = new Vector<ulong>(bits[(r + half)..]);
                var dep = Vector.Narrow(low, high) | (new Vector<uint>(deprived[r..]) & evaluated);
                var unk = Vector.Narrow(Vector.ShiftRightLogical(low, 32), Vector.ShiftRightLogical(high, 32)) | (new Vector<uint>(unknown[r..]) & evaluated);
                var g = new Vector<int>(group[r..]);
                var applies = Vector<uint>.Zero;
                for (var k = 0; k < masks.Length; k++)
                    applies |= Vector.AsVectorUInt32(Vector.Equals(g, new Vector<int>(k))) & new Vector<uint>(masks[k]);
                var missing = _strict ? unk : Vector.AndNot(unk, dep);
                var ok = Vector.AndNot(applies, missing);
                var d = dep & ok;
                d.CopyTo(deprived[r..]);
                ok.CopyTo(observed[r..]);
                if (keyed) (Vector.ShiftLeft(g, groupShift) | Vector.AsVectorInt32(Vector.ShiftLeft(ok, dimensions)) | Vector.AsVectorInt32(d)).CopyTo(keys[r..]);
            }
            if (keyed && !monetary.IsEmpty) OrMonetary(keys[..r], monetary[..r], _keyLayout.Shift);
        }
        for (; r < bits.Length; r++)
        {
            var dep = (uint)bits[r] | (_anyEvaluated ? deprived[r] : 0);
            var unk = (uint)(bits[r] >> 32) | (_anyEvaluated ? unknown[r] : 0);
            var g = group[r];
            var applies = g < 0 ? 0u : masks[g];
            var missing = _strict ? unk : unk & ~dep;
            deprived[r] = dep & applies & ~missing;
            observed[r] = applies & ~missing;
            if (keyed) keys[r] = _keyLayout.Key(g, deprived[r], observed[r], monetary.IsEmpty ? (byte)1 : monetary[r]);
        }
    }

    // The truth bytes of a column-test indicator, made when first asked for after a batch.
    private void MakeTruth(int i)
    {
        var n = _batch!.Count;
        _indicators[i].Evaluate(_batch, _truth[i]);
        if (_hasUnassigned)
        {
            var group = Group;
            for (var r = 0; r < n; r++)
                if (group[r] < 0) _truth[i][r] = Truth.Unknown; // not asked of this child
        }
        _truthReady[i] = true;
    }

    private void AssignGroups(ColumnBatch batch)
    {
        var groups = _plan.Groups;
        _hasUnassigned = false;
        if (_plan.AgeSlot < 0)
        {
            _groupsPending = true; // written when read (Group)
            return;
        }
        _groupsPending = false;
        var age = batch.Numeric(_plan.AgeSlot);
        for (var r = 0; r < age.Length; r++)
        {
            var years = Math.Floor(age[r] / _ageDivisor);
            var g = -1;
            for (var k = 0; k < groups.Count; k++)
                if (years >= groups[k].Min && years <= groups[k].Max) { g = k; break; }
            _group[r] = g;
            if (g < 0) _hasUnassigned = true;
        }
    }

    private void Ensure(int n)
    {
        if (_group.Length >= n) return;
        _group = new int[n];
        _deprived = new uint[n];
        _observed = new uint[n];
        _unknown = new uint[n];
        _truth = _indicators.Select(_ => new byte[n]).ToArray();
        MonetaryTruth = new byte[n];
        Keys = _keyLayout.Fit ? new int[n] : [];
    }
}
