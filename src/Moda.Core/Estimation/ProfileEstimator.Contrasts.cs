using Moda.Results;

namespace Moda.Estimation;

// Differences of H, A and M0 between two values of a breakdown column: asked one by one, and the
// configured contrasts at every count cut-off.
public sealed partial class ProfileEstimator
{
    /// <summary>
    /// The difference <paramref name="valueA"/> − <paramref name="valueB"/> of a measure (H, A or M0)
    /// at count cut-off <paramref name="k"/> between two values of a breakdown column, within an age
    /// group (or <c>all</c>), with the standard error of a difference within one survey.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown group, column, value or measure.</exception>
    public Results.Estimate Difference(string group, string column, string valueA, string valueB, int k, string measure)
    {
        var d = Domains().FirstOrDefault(x => x.Name == group) ?? throw new ArgumentException($"no age group '{group}'", nameof(group));
        return Difference(d, column, valueA, valueB, k, measure);
    }

    private Results.Estimate Difference(Domain d, string column, string valueA, string valueB, int k, string measure)
    {
        var rows = RowsOf(d);
        return Difference(SubgroupClasses(rows, column, valueA), SubgroupClasses(rows, column, valueB), CountCut(k, d), measure);
    }

    // The children of one value of a breakdown column among a domain's rows (null: every row), by
    // score class (empty for a value no child has).
    private EntryTable SubgroupClasses(int[]? domainRows, string column, string value)
    {
        var b = _plan.GroupByNames.ToList().IndexOf(column);
        if (b < 0) throw new ArgumentException($"'{column}' is not a breakdown column", nameof(column));
        var dict = _h.GroupByDictionaries[b];
        var code = value == "(missing)" ? -1 : dict?.Find(value) is int c and >= 0 ? c : -2;
        // The cells with the value, then the rows in them.
        var cells = _h.Cells;
        var inValue = new bool[cells.Count];
        for (var cell = 0; cell < inValue.Length; cell++) inValue[cell] = cells[cell][b] == code;
        var rows = RowsWhere(domainRows, inValue, _cellOfRow);
        var table = _table.Project(rows, _classOf, _classes.Count, _units);
        Spent(sizeof(int) * (long)rows.Length);
        return table;
    }

    private Results.Estimate Difference(EntryTable a, EntryTable b, Cut cut, string measure)
    {
        var intensity = Intensity(cut);
        var (y, x) = measure switch
        {
            "H" => (cut.Identified, Ones()),
            "M0" => (intensity, Ones()),
            "A" => (intensity, cut.Identified),
            _ => throw new ArgumentException($"measure must be H, A or M0, not '{measure}'", nameof(measure)),
        };
        return Engine.Difference(a, y, x, b, y, x);
    }

    // A configured contrast at every count cut-off: the two subgroups are projected once, and
    // each side's per-unit totals are summed once for its complete children and once a cut-off
    // for the poor and their intensity, which H, A and M0 share (Difference(a, b, cut, measure)
    // would sum each of its four anew).
    private ContrastResult Contrast(int[]? domainRows, Configuration.ContrastSpec c, List<Cut> cuts)
    {
        var ones = Ones();
        var a = new ContrastSide(SubgroupClasses(domainRows, c.Column, c.A), ones, _units);
        var b = new ContrastSide(SubgroupClasses(domainRows, c.Column, c.B), ones, _units);
        var engine = Engine;
        var result = new List<ContrastCutoff>();
        foreach (var cut in cuts)
        {
            if (cut.K is not { } k) continue;
            var id = cut.Identified;
            var intensity = Intensity(cut);
            a.Cut(id, intensity);
            b.Cut(id, intensity);
            result.Add(new ContrastCutoff(k,
                engine.Difference(a.Identified, a.Complete, a.Squares(engine, id, ones), b.Identified, b.Complete, b.Squares(engine, id, ones)),
                engine.Difference(a.Intensity, a.Identified, a.Squares(engine, intensity, id), b.Intensity, b.Identified, b.Squares(engine, intensity, id)),
                engine.Difference(a.Intensity, a.Complete, a.Squares(engine, intensity, ones), b.Intensity, b.Complete, b.Squares(engine, intensity, ones))));
        }
        Spent(a.Bytes + b.Bytes);
        return new ContrastResult(c.Column, c.A, c.B, result.ToArray());
    }

    // One side of a contrast: its children by (unit, class) and their per-unit totals.
    private sealed class ContrastSide
    {
        private readonly EntryTable _table;

        public ContrastSide(EntryTable table, double[] ones, int units)
        {
            _table = table;
            Complete = new double[units];
            Identified = new double[units];
            Intensity = new double[units];
            RatioEngine.Totals(table, ones, Complete);
        }

        public double[] Complete { get; }     // Σw of the complete children
        public double[] Identified { get; }   // Σw of the poor at the last cut-off
        public double[] Intensity { get; }    // Σw·score of those

        public void Cut(double[] identified, double[] intensity)
        {
            RatioEngine.Totals(_table, identified, Identified);
            RatioEngine.Totals(_table, intensity, Intensity);
        }

        // The bytes of its table and totals.
        public long Bytes => _table.Bytes + 3L * sizeof(double) * Complete.Length;

        public SquaresOf Squares(RatioEngine engine, double[] y, double[] x) => (ratio, scale, q) => engine.Squares(_table, y, x, ratio, scale, q);
    }
}
