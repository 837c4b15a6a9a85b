using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Moda.Configuration;
using Moda.Data;
using Moda.Deprivation;
using Moda.Estimation;

namespace Moda.Tests.Estimation;

/// <summary>
/// The histogram sums runs of a (unit, cell) first met in per-pattern records, runs met again
/// (unsorted files) through its hash table, keeps merged histograms' entries where they are and
/// renumbers them in <see cref="SurveyHistogram.ToEntries"/>. Whatever the row order and the
/// split into batches, filled in one histogram or merged from one per batch, its entries sum to
/// the children's weight and count per (stratum, PSU, county, pattern), and where each child is
/// its own PSU (no cluster column), per (stratum, county, pattern) and with their squared weight
/// too; with clusters the squared weights are not kept, and read NaN.
/// Entry columns and run sums come from pools (dirty: a histogram merged into another gives its
/// open run's sums back as they are), and each case gives its own back. Key tables are given back
/// between batches too, as the pipeline gives a partial's back once it is filled, so each pattern
/// is still made once.
/// </summary>
public class HistogramProperties
{
    private static readonly string[] Columns =
        ["nutrition", "health", "education", "information", "water", "sanitation", "housing", "protection", "weight", "stratum", "psu", "county"];

    private sealed record Child(double[] Dimensions, double Weight, string Stratum, string Psu, string County);

    private static Gen<Child> ChildGen() =>
        from dims in Gen.Elements(0.0, 0.0, 1.0, double.NaN).ArrayOf(8)
        from w in Gen.Elements(0.0, 0.5, 1.0, 2.25, 10.0, 139.57)
        from s in Gen.Elements("1", "2", "3")
        from p in Gen.Elements("1", "2", "3", "4", "5")
        from c in Gen.Elements("x", "y", "")   // "": the breakdown value is missing
        select new Child(dims, w, s, p, c);

    // Children unsorted, sorted by (stratum, PSU, county), or by (stratum, PSU) alone, each unit's
    // counties interleaved as a child's own trait is, and batch sizes that split them.
    private static Arbitrary<(Child[] Children, int[] Sizes)> Data() =>
        (from children in ChildGen().ArrayOf()
         from order in Gen.Choose(0, 2)
         from sizes in Gen.Choose(1, 40).ArrayOf(children.Length + 1)
         select (Ordered(children, order), sizes)).ToArbitrary();

    private static Child[] Ordered(Child[] children, int order) => order switch
    {
        1 => children.OrderBy(c => c.Stratum).ThenBy(c => c.Psu).ThenBy(c => c.County).ToArray(),
        2 => children.OrderBy(c => c.Stratum).ThenBy(c => c.Psu).ToArray(),
        _ => children,
    };

    [Property(MaxTest = 200)]
    public Property EntriesSumToTheChildren() =>
        Prop.ForAll(Data(), ArbMap.Default.ArbFor<bool>(), ArbMap.Default.ArbFor<bool>(), (data, merged, clustered) =>
        {
            var (children, sizes) = data;
            var plan = AnalysisPlan.Create(Profiles.Default, clustered ? Columns : Columns.Where(c => c != "psu").ToArray(), ["county"]);
            var shared = new CategoryDictionary?[plan.Requests.Count];
            for (var s = 0; s < shared.Length; s++) shared[s] = plan.Requests[s].Kind == ColumnKind.Categorical ? new CategoryDictionary() : null;
            var classifier = new ChildClassifier(plan);
            SurveyHistogram? total = merged ? null : new SurveyHistogram(plan, "test.csv");
            var partials = new List<SurveyHistogram>();
            var partialSizes = new PartialSizes();
            var pairwise = children.Length % 2 == 1;
            var expected = new Dictionary<string, (double W, double W2, long N)>();
            for (int at = 0, b = 0; at < children.Length; at += sizes[b++])
            {
                var rows = children.Skip(at).Take(sizes[b]).ToArray();
                var batch = Batch(plan, rows, merged ? null : shared, at);
                classifier.Classify(batch);
                for (var r = 0; r < rows.Length; r++)
                {
                    var key = $"{rows[r].Stratum}/{(clustered ? rows[r].Psu : "-")}/{rows[r].County}/{classifier.Deprived[r]}/{classifier.Observed[r]}";
                    expected.TryGetValue(key, out var sum);
                    expected[key] = (sum.W + rows[r].Weight, sum.W2 + rows[r].Weight * rows[r].Weight, sum.N + 1);
                }
                if (!merged)
                {
                    total!.Add(batch, classifier);
                    if (b % 3 == 1) total.ReturnKeyTable(); // given back between batches: the next Add rents one again
                }
                else
                {
                    // Sized as the pipeline sizes partials, and every other one too small, so that it grows.
                    var partial = new SurveyHistogram(plan, "test.csv", expectedEntries: partialSizes.Entries(rows.Length) / (1 + b % 2 * 3),
                                                      expectedPatterns: partialSizes.Patterns / (1 + b % 2 * 3));
                    partial.Add(batch, classifier);
                    if (b % 2 == 0) partial.ReturnKeyTable(); // as HistogramBuilder.Fill does: the merge rents one again
                    partialSizes.Observe(rows.Length, partial);
                    partials.Add(partial);
                }
            }
            // Merged in file order, one after another or pairwise (merged histograms merged again).
            if (!pairwise)
                for (var i = 1; i < partials.Count; i++) partials[0].Merge(partials[i]);
            while (pairwise && partials.Count > 1)
            {
                var next = new List<SurveyHistogram>();
                for (var i = 0; i < partials.Count; i += 2)
                {
                    if (i + 1 < partials.Count) partials[i].Merge(partials[i + 1]);
                    next.Add(partials[i]);
                }
                partials = next;
            }
            total ??= partials.Count > 0 ? partials[0] : new SurveyHistogram(plan, "test.csv");

            var entries = total.ToEntries();
            if (entries.Count != total.EntryCount || entries.Unit.Length != entries.Count) return false;
            var actual = new Dictionary<string, (double W, double W2, long N)>();
            for (var e = 0; e < entries.Count; e++)
            {
                var u = entries.Unit[e];
                var stratum = total.StratumDictionary![total.StratumCodes[total.UnitStratum[u]]];
                var psu = clustered ? total.ClusterDictionary![total.UnitPsu[u]] : "-";
                var code = total.Cells[entries.Cell[e]][0];
                var county = code < 0 ? "" : total.GroupByDictionaries[0]![code];
                var p = total.Patterns[entries.Pattern[e]];
                var key = $"{stratum}/{psu}/{county}/{p.Deprived}/{p.Observed}";
                actual.TryGetValue(key, out var sum);
                actual[key] = (sum.W + entries.Weight[e], sum.W2 + entries.Weight2[e], sum.N + entries.Children[e]);
            }
            // Released, its columns go back to the pools the next cases' histograms take theirs from
            // (arrays of any length a pool has: every column must still hold every entry).
            total.ReleaseEntries();
            // Each pattern once: a key table rented again knows the patterns made before it.
            return total.Patterns.Distinct().Count() == total.Patterns.Count &&
                total.EntryCount == 0 && total.Rows == children.Length && total.HasSquares == !clustered &&
                actual.Count == expected.Count && expected.All(kv =>
                actual.TryGetValue(kv.Key, out var a) && a.N == kv.Value.N && Math.Abs(a.W - kv.Value.W) <= 1e-9 * (1 + kv.Value.W) &&
                (clustered ? double.IsNaN(a.W2) : Math.Abs(a.W2 - kv.Value.W2) <= 1e-9 * (1 + kv.Value.W2)));
        });

    // A file sorted by unit whose breakdown cells change row by row within a unit (a breakdown by
    // sex): in one batch, each (unit, cell, pattern) is one entry, not one per stretch of rows.
    [Property(MaxTest = 200)]
    public Property AUnitsInterleavedCellsMakeOneEntryEach() =>
        Prop.ForAll(ChildGen().ArrayOf().ToArbitrary(), ArbMap.Default.ArbFor<bool>(), (children, clustered) =>
        {
            var plan = AnalysisPlan.Create(Profiles.Default, clustered ? Columns : Columns.Where(c => c != "psu").ToArray(), ["county"]);
            var rows = Ordered(children, 2);
            var batch = Batch(plan, rows, null, 0);
            var classifier = new ChildClassifier(plan);
            classifier.Classify(batch);
            var histogram = new SurveyHistogram(plan, "test.csv");
            histogram.Add(batch, classifier);
            var entries = histogram.ToEntries();
            var keys = Enumerable.Range(0, entries.Count).Select(e => (entries.Unit[e], entries.Cell[e], entries.Pattern[e])).ToList();
            var children2 = Enumerable.Range(0, entries.Count).Sum(e => entries.Children[e]);
            histogram.ReleaseEntries();
            return keys.Distinct().Count() == keys.Count && children2 == rows.Length;
        });

    [Property(MaxTest = 300)]
    public Property FirstBadWeightIsTheFirstMissingNegativeOrInfinite() =>
        // Bad weights rare enough that whole vectors of good ones come first.
        Prop.ForAll(Gen.Frequency((60, Gen.Elements(1.0, 0.0, -0.0, 2.5, 1e300, double.MaxValue, double.Epsilon)),
                (1, Gen.Elements(double.NaN, -1.0, double.NegativeInfinity, double.PositiveInfinity)))
            .ArrayOf().ToArbitrary(), weights =>
        {
            var expected = Array.FindIndex(weights, w => double.IsNaN(w) || w < 0 || double.IsInfinity(w));
            return SurveyHistogram.FirstBadWeight(weights) == (expected < 0 ? weights.Length : expected);
        });

    [Fact]
    public void AHistogramMergedIntoAnotherTakesNoMoreRows()
    {
        var plan = AnalysisPlan.Create(Profiles.Default, Columns);
        var child = new Child(new double[8], 1, "1", "1", "x");
        var batch = Batch(plan, [child], null, 0);
        var classifier = new ChildClassifier(plan);
        classifier.Classify(batch);
        var total = new SurveyHistogram(plan, "test.csv");
        var partial = new SurveyHistogram(plan, "test.csv");
        partial.Add(batch, classifier);
        total.Merge(partial);
        Assert.Throws<InvalidOperationException>(() => partial.Add(batch, classifier));
        Assert.Throws<InvalidOperationException>(() => total.Add(batch, classifier));
        Assert.Equal(1, total.ToEntries().Count);
    }

    // PSU codes spread over up to 3,000 values, met in any order, so that a histogram's window of
    // codes (WidenPsuWindow) starts anywhere and widens up and down, across batches and merges.
    private static Arbitrary<(Child[] Children, int[] Sizes)> WidePsuData() =>
        (from codes in Gen.Choose(1, 3000)
         from children in (from s in Gen.Elements("1", "2", "3")
                           from p in Gen.Choose(0, codes - 1)
                           from dims in Gen.Elements(0.0, 1.0).ArrayOf(8)
                           select new Child(dims, 1, s, $"p{p}", "x")).ArrayOf()
         from sizes in Gen.Choose(1, 40).ArrayOf(children.Length + 1)
         select (children, sizes)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property UnitsAreTheStratumPsuPairsInTheOrderFirstMet() =>
        Prop.ForAll(WidePsuData(), ArbMap.Default.ArbFor<bool>(), (data, merged) =>
        {
            var (children, sizes) = data;
            var plan = AnalysisPlan.Create(Profiles.Default, Columns);
            var shared = new CategoryDictionary?[plan.Requests.Count];
            for (var s = 0; s < shared.Length; s++) shared[s] = plan.Requests[s].Kind == ColumnKind.Categorical ? new CategoryDictionary() : null;
            var psuSlot = plan.Requests.ToList().FindIndex(r => r.Name == "psu");
            for (var p = 0; p < 3000; p++) shared[psuSlot]!.GetOrAdd($"p{p}"); // code p for "p{p}"
            var classifier = new ChildClassifier(plan);
            SurveyHistogram? total = null;
            for (int at = 0, b = 0; at < children.Length; at += sizes[b++])
            {
                var batch = Batch(plan, children.Skip(at).Take(sizes[b]).ToArray(), shared, at);
                classifier.Classify(batch);
                if (!merged)
                {
                    total ??= new SurveyHistogram(plan, "test.csv");
                    total.Add(batch, classifier);
                    continue;
                }
                var partial = new SurveyHistogram(plan, "test.csv");
                partial.Add(batch, classifier);
                if (total is null) total = partial;
                else total.Merge(partial);
            }
            var expected = children.Select(c => (c.Stratum, c.Psu)).Distinct().ToArray();
            if (total is null) return expected.Length == 0;
            var units = Enumerable.Range(0, total.UnitCount)
                .Select(u => (total.StratumDictionary![total.StratumCodes[total.UnitStratum[u]]], total.ClusterDictionary![total.UnitPsu[u]])).ToArray();
            var entries = total.ToEntries();
            var children1 = new long[total.UnitCount];
            for (var e = 0; e < entries.Count; e++) children1[entries.Unit[e]] += entries.Children[e];
            total.ReleaseEntries();
            return units.SequenceEqual(expected) &&
                   children1.SequenceEqual(expected.Select(pair => (long)children.Count(c => (c.Stratum, c.Psu) == pair)));
        });

    [Fact]
    public void ARunEndsWhereTheStratumChangesUnderTheSamePsuCode()
    {
        // PSU ids numbered within strata (R's nest = TRUE): PSU "1" of stratum 1, then PSU "1" of
        // stratum 2, with no change of PSU code between them, at every offset of the change within
        // and across the vector steps of the run-boundary scan. Each stratum's children must be
        // their own unit.
        var plan = AnalysisPlan.Create(Profiles.Default, Columns);
        var classifier = new ChildClassifier(plan);
        for (var before = 1; before <= 20; before++)
            for (var after = 1; after <= 20; after += 3)
            {
                var rows = Enumerable.Range(0, before + after)
                    .Select(r => new Child(new double[8], 1, r < before ? "1" : "2", "1", "x")).ToArray();
                var batch = Batch(plan, rows, null, 0);
                classifier.Classify(batch);
                var histogram = new SurveyHistogram(plan, "test.csv");
                histogram.Add(batch, classifier);
                var entries = histogram.ToEntries();
                Assert.Equal(2, histogram.UnitCount);
                var children = new long[2];
                for (var e = 0; e < entries.Count; e++)
                    children[histogram.StratumDictionary![histogram.StratumCodes[histogram.UnitStratum[entries.Unit[e]]]] == "1" ? 0 : 1] += entries.Children[e];
                Assert.Equal([before, after], children);
                histogram.ReleaseEntries();
            }
    }

    [Fact]
    public void AClassifierOfAnotherKeyLayoutIsRefused()
    {
        // The histogram counts by the classifier's pattern keys: a classifier of a plan with other
        // dimensions makes keys of another layout.
        var plan = AnalysisPlan.Create(Profiles.Default, Columns);
        var narrower = AnalysisPlan.Create(Profiles.Default, Columns.Where(c => c != "housing").ToArray());
        var child = new Child(new double[8], 1, "1", "1", "x");
        var classifier = new ChildClassifier(narrower);
        classifier.Classify(Batch(narrower, [child], null, 0));
        var histogram = new SurveyHistogram(plan, "test.csv");
        Assert.Throws<ArgumentException>(() => histogram.Add(Batch(plan, [child], null, 0), classifier));
        // One of the same layout, from another plan object, is taken.
        var same = new ChildClassifier(AnalysisPlan.Create(Profiles.Default, Columns));
        var batch = Batch(plan, [child], null, 0);
        same.Classify(batch);
        histogram.Add(batch, same);
        Assert.Equal(1, histogram.Rows);
    }

    [Fact]
    public void AHistogramWhoseAddFailedTakesNoMoreRowsAndIsNotMerged()
    {
        var plan = AnalysisPlan.Create(Profiles.Default, Columns);
        var good = new Child(new double[8], 1, "1", "1", "x");
        var bad = good with { Weight = -1 };
        var classifier = new ChildClassifier(plan);
        var batch = Batch(plan, [good, good, bad], null, 0);
        classifier.Classify(batch);
        var failed = new SurveyHistogram(plan, "test.csv");
        var error = Assert.Throws<ModaDataException>(() => failed.Add(batch, classifier));
        Assert.Contains("negative", error.Message);
        var fine = Batch(plan, [good], null, 3);
        classifier.Classify(fine);
        Assert.Throws<InvalidOperationException>(() => failed.Add(fine, classifier));
        var total = new SurveyHistogram(plan, "test.csv");
        Assert.Throws<InvalidOperationException>(() => total.Merge(failed));
        Assert.Throws<InvalidOperationException>(() => failed.Merge(total));
        total.Add(fine, classifier);
        Assert.Equal(1, total.Rows);
    }

    private static ColumnBatch Batch(AnalysisPlan plan, Child[] rows, CategoryDictionary?[]? shared, int firstRow)
    {
        var batch = new ColumnBatch(plan.Requests, Math.Max(rows.Length, 1)) { Count = rows.Length, FirstRow = firstRow };
        for (var s = 0; s < plan.Requests.Count; s++)
        {
            var request = plan.Requests[s];
            if (shared?[s] is { } dictionary) batch.Categories[s] = dictionary;
            for (var r = 0; r < rows.Length; r++)
            {
                var child = rows[r];
                batch.Lines[r] = firstRow + r + 2;
                if (request.Kind == ColumnKind.Numeric)
                {
                    var d = Array.IndexOf(Columns, request.Name);
                    batch.Numbers[s]![r] = d < 8 ? child.Dimensions[d] : child.Weight;
                }
                else
                {
                    var text = request.Name switch { "stratum" => child.Stratum, "psu" => child.Psu, _ => child.County };
                    batch.Codes[s]![r] = text.Length == 0 ? -1 : batch.Categories[s]!.GetOrAdd(text);
                }
            }
        }
        return batch;
    }
}
