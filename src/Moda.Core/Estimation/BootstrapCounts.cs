namespace Moda.Estimation;

/// <summary>
/// How many times each sampling unit is drawn in each bootstrap replicate: the Rao–Wu rescaling
/// bootstrap draws n_h − 1 units with replacement within each stratum (R survey's
/// <c>subbootstrap</c>); a unit drawn r times gets the multiplier r · n_h/(n_h − 1), and the
/// variance is Σ (θ_r − θ̄)² / (R − 1). Lonely units keep multiplier 1.
/// </summary>
public sealed class BootstrapCounts
{
    /// <summary>
    /// Wraps given counts (replicate × unit), e.g. to reproduce another program's draws. With
    /// <paramref name="unitLabels"/>, column u of the counts belongs to the PSU labelled
    /// <c>unitLabels[u]</c>; without, columns are in the design's unit order.
    /// </summary>
    public BootstrapCounts(int[][] counts, IReadOnlyList<string>? unitLabels = null)
    {
        Counts = counts;
        UnitLabels = unitLabels;
    }

    /// <summary>The PSU label of each column of <see cref="Counts"/>, or null for the design's unit order.</summary>
    public IReadOnlyList<string>? UnitLabels { get; }

    /// <summary>Draws per replicate and unit.</summary>
    public int[][] Counts { get; }

    /// <summary>Draws <paramref name="replicates"/> replicates deterministically from <paramref name="seed"/>.</summary>
    public static BootstrapCounts Draw(SurveyDesign design, int replicates, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var byStratum = new List<int>[design.StratumCount];
        for (var h = 0; h < byStratum.Length; h++) byStratum[h] = [];
        for (var c = 0; c < design.UnitCount; c++) byStratum[design.UnitStratum[c]].Add(c);
        var counts = new int[replicates][];
        for (var r = 0; r < replicates; r++)
        {
            var row = counts[r] = new int[design.UnitCount];
            foreach (var units in byStratum)
            {
                if (units.Count < 2) continue;
                for (var draw = 0; draw < units.Count - 1; draw++) row[units[rng.NextInt(units.Count)]]++;
            }
        }
        return new BootstrapCounts(counts);
    }

    /// <summary>Multipliers per replicate and unit, and the variance scale 1/(R − 1).</summary>
    public (double[][] Multipliers, double Scale) Multipliers(SurveyDesign design)
    {
        var n = new int[design.StratumCount];
        foreach (var h in design.UnitStratum) n[h]++;
        var column = Enumerable.Range(0, design.UnitCount).ToArray();
        if (UnitLabels is not null)
        {
            var index = UnitLabels.Select((label, i) => (label, i)).ToDictionary(x => x.label, x => x.i);
            column = design.UnitLabels.Select(l => index.TryGetValue(l, out var i) ? i
                : throw new ArgumentException($"the bootstrap counts have no column for PSU '{l}'")).ToArray();
        }
        var result = new double[Counts.Length][];
        for (var r = 0; r < Counts.Length; r++)
        {
            var m = result[r] = new double[design.UnitCount];
            for (var c = 0; c < m.Length; c++)
            {
                var nh = n[design.UnitStratum[c]];
                m[c] = nh < 2 ? 1 : Counts[r][column[c]] * (double)nh / (nh - 1);
            }
        }
        return (result, 1.0 / (Counts.Length - 1));
    }
}

/// <summary>SplitMix64: a small, fast, portable generator, so a seed gives the same draws everywhere.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // Lemire's unbiased bounded integer.
    public int NextInt(int bound)
    {
        var threshold = (ulong)(-(long)bound) % (ulong)bound;
        while (true)
        {
            var x = Next();
            var m = (UInt128)x * (ulong)bound;
            if ((ulong)m >= threshold) return (int)(m >> 64);
        }
    }
}
