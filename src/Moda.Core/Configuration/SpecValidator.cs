using Moda.Rules;

namespace Moda.Configuration;

/// <summary>Checks a specification before any data is read; every error names its key path.</summary>
public static class SpecValidator
{
    /// <summary>The most dimensions a specification may have (masks are 32-bit).</summary>
    public const int MaxDimensions = 32;

    /// <summary>Throws <see cref="ModaConfigurationException"/> for the first problem found.</summary>
    public static void Validate(ModaSpec spec, string? file = null)
    {
        ModaConfigurationException Error(string path, string message) => new(path, message, file);

        if (spec.Dimensions.Count == 0) throw Error("dimensions", "must list at least one dimension");
        if (spec.Dimensions.Count > MaxDimensions) throw Error("dimensions", $"has {spec.Dimensions.Count} dimensions; at most {MaxDimensions} are supported");

        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        for (var g = 0; g < spec.AgeGroups.Count; g++)
        {
            var group = spec.AgeGroups[g];
            var path = $"ageGroups[{g}]";
            if (string.Equals(group.Name, "all", StringComparison.Ordinal)) throw Error($"{path}.name", "'all' is reserved for the pooled group");
            if (!groupNames.Add(group.Name)) throw Error($"{path}.name", $"'{group.Name}' is used twice");
            if (group.Min < 0) throw Error($"{path}.min", "must not be negative");
            if (group.Max < group.Min) throw Error($"{path}.max", $"must not be below min ({group.Min})");
            for (var h = 0; h < g; h++)
            {
                var other = spec.AgeGroups[h];
                if (group.Min <= other.Max && other.Min <= group.Max)
                    throw Error(path, $"overlaps ageGroups[{h}] ('{other.Name}'); a child belongs to one age group");
            }
        }
        if (spec.AgeGroups.Count > 0 && string.IsNullOrWhiteSpace(spec.Age))
            throw Error("age", "is required when ageGroups are given: name the column with the child's age");

        var dimensionNames = new HashSet<string>(StringComparer.Ordinal);
        var indicatorNames = new HashSet<string>(StringComparer.Ordinal);
        var weighted = spec.Dimensions.Count(d => d.Weight is not null);
        if (weighted != 0 && weighted != spec.Dimensions.Count)
        {
            var i = spec.Dimensions.ToList().FindIndex(d => d.Weight is null);
            throw Error($"dimensions[{i}].weight", "is missing: give every dimension a weight, or none for equal weights");
        }
        for (var d = 0; d < spec.Dimensions.Count; d++)
        {
            var dim = spec.Dimensions[d];
            var path = $"dimensions[{d}]";
            if (!dimensionNames.Add(dim.Name)) throw Error($"{path}.name", $"'{dim.Name}' is used twice");
            if (dim.Weight is { } w && !(w > 0 && double.IsFinite(w))) throw Error($"{path}.weight", "must be a positive number");
            if (dim.Indicators.Count == 0) throw Error($"{path}.indicators", "must list at least one indicator");
            for (var i = 0; i < dim.Indicators.Count; i++)
            {
                var ind = dim.Indicators[i];
                var ipath = $"{path}.indicators[{i}]";
                if (!indicatorNames.Add(ind.Name)) throw Error($"{ipath}.name", $"'{ind.Name}' is used twice; indicator names are unique");
                CheckRule(ind, ipath, Error);
                if (ind.AgeGroups is { } groups)
                {
                    if (groups.Count == 0) throw Error($"{ipath}.ageGroups", "is empty; leave it out to apply to every age group");
                    for (var a = 0; a < groups.Count; a++)
                        if (!groupNames.Contains(groups[a]))
                            throw Error($"{ipath}.ageGroups[{a}]", groupNames.Count == 0
                                ? $"names '{groups[a]}' but no ageGroups are defined"
                                : $"'{groups[a]}' is not an age group; defined: {string.Join(", ", groupNames)}");
                }
            }
        }
        for (var g = 0; g < spec.AgeGroups.Count; g++)
        {
            var name = spec.AgeGroups[g].Name;
            if (!spec.Dimensions.Any(d => d.Indicators.Any(i => i.AgeGroups is null || i.AgeGroups.Contains(name))))
                throw Error($"ageGroups[{g}]", $"no indicator applies to age group '{name}'");
        }

        for (var i = 0; i < spec.GroupBy.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(spec.GroupBy[i])) throw Error($"groupBy[{i}]", "must name a column");
            if (spec.GroupBy.Take(i).Contains(spec.GroupBy[i])) throw Error($"groupBy[{i}]", $"'{spec.GroupBy[i]}' is listed twice");
        }

        for (var i = 0; i < spec.Contrasts.Count; i++)
        {
            var c = spec.Contrasts[i];
            if (!spec.GroupBy.Contains(c.Column))
                throw Error($"contrasts[{i}].column", $"'{c.Column}' is not a breakdown column; add it to groupBy");
            if (c.A == c.B) throw Error($"contrasts[{i}].b", "must differ from a");
        }

        if (spec.Monetary is { } m)
        {
            try { Rule.Condition(m.Column, m.DeprivedIf); }
            catch (RuleSyntaxException e) { throw Error("monetary.deprivedIf", Describe(m.DeprivedIf, e)); }
        }

        var d0 = spec.Dimensions.Count;
        if (spec.Cutoffs is { } cutoffs)
        {
            if (cutoffs.Count == 0) throw Error("cutoffs", "is empty; leave it out for every k from 1 to d");
            for (var i = 0; i < cutoffs.Count; i++)
            {
                if (cutoffs[i] < 1 || cutoffs[i] > d0) throw Error($"cutoffs[{i}]", $"must be between 1 and the number of dimensions ({d0}), not {cutoffs[i]}");
                if (cutoffs.Take(i).Contains(cutoffs[i])) throw Error($"cutoffs[{i}]", $"{cutoffs[i]} is listed twice");
            }
        }
        for (var i = 0; i < spec.CutoffShares.Count; i++)
        {
            var s = spec.CutoffShares[i];
            if (!(s > 0 && s <= 1)) throw Error($"cutoffShares[{i}]", $"must be a share in (0, 1], not {SpecReader.FormatNumber(s)}");
        }
        if (spec.K < 1 || spec.K > d0) throw Error("k", $"must be between 1 and the number of dimensions ({d0}), not {spec.K}");

        var v = spec.Variance;
        if (!(v.Level > 0 && v.Level < 1)) throw Error("confidenceLevel", "must be between 0 and 1, e.g. 0.95");
        if (v.Replicates < 2 || v.Replicates > 100_000) throw Error("replicates", "must be between 2 and 100000");
        if (v.Method == VarianceMethod.Bootstrap && v.Fpc is not null)
            throw Error("fpc", "is not supported with the bootstrap; use \"variance\": \"linearization\"");
        foreach (var (key, column) in new[] { ("weight", spec.Weight), ("strata", spec.Strata), ("cluster", spec.Cluster), ("age", spec.Age), ("fpc", v.Fpc) })
            if (column is not null && string.IsNullOrWhiteSpace(column)) throw Error(key, "must name a column");
    }

    private static void CheckRule(IndicatorSpec ind, string path, Func<string, string, ModaConfigurationException> error)
    {
        var hasCondition = ind.DeprivedIf is not null;
        var hasExpr = ind.Expr is not null;
        if (hasCondition == hasExpr)
            throw error(path, "needs either \"column\" with \"deprivedIf\", or \"expr\" (not both)");
        if (hasCondition)
        {
            if (string.IsNullOrWhiteSpace(ind.Column)) throw error($"{path}.column", "is required with deprivedIf");
            try { Rule.Condition(ind.Column, ind.DeprivedIf!, ind.MissingValues); }
            catch (RuleSyntaxException e) { throw error($"{path}.deprivedIf", Describe(ind.DeprivedIf!, e)); }
        }
        else
        {
            if (ind.Column is not null) throw error($"{path}.column", "goes with deprivedIf; an expr names its columns itself");
            try { Rule.Expression(ind.Expr!, ind.MissingValues); }
            catch (RuleSyntaxException e) { throw error($"{path}.expr", Describe(ind.Expr!, e)); }
        }
    }

    private static string Describe(string text, RuleSyntaxException e) =>
        $"{e.Message} (in \"{text}\" at character {e.Position + 1})";
}
