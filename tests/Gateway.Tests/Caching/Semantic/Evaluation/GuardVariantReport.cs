using System.Globalization;
using System.Text;
using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Tests.Caching.Semantic.Evaluation;

/// <summary>The comparison of <see cref="GuardVariants"/> on every labelled set at one threshold, and the pairs each variant decides differently.</summary>
internal static class GuardVariantReport
{
    public static string Markdown(IReadOnlyList<(string File, IReadOnlyList<LabelledPair> Pairs)> sets, IReadOnlyDictionary<string, float[]> vectors, float threshold)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"### Words on one side only: the guard's strictness levels at {threshold:0.00}");
        sb.AppendLine();
        foreach (var (name, description, _) in GuardVariants.All)
        {
            sb.AppendLine(c, $"- **{name}**: {description}.");
        }

        sb.AppendLine();
        sb.AppendLine("| set | variant | precision | recall | hard negatives served | positives served |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|");
        var changes = new StringBuilder();
        foreach (var (file, pairs) in sets)
        {
            var baseline = PairEvaluation.Score(pairs, vectors, GuardVariants.All[0].Check);
            foreach (var (name, _, check) in GuardVariants.All)
            {
                var scored = PairEvaluation.Score(pairs, vectors, check);
                var outcome = PairEvaluation.Count(scored, threshold, useGuard: true);
                var hard = pairs.Count(p => p.Label == LabelledPair.HardNegative);
                sb.AppendLine(c, $"| {file} | {name} | {outcome.Precision:0.000} | {outcome.Recall:0.000} | {outcome.HardNegativesServed} of {hard} | {outcome.PositivesServed} of {outcome.Positives} |");
                for (var i = 0; i < scored.Count; i++)
                {
                    var before = baseline[i].Similarity >= threshold && baseline[i].Verdict == GuardVerdict.Allowed;
                    var after = scored[i].Similarity >= threshold && scored[i].Verdict == GuardVerdict.Allowed;
                    if (before != after)
                    {
                        var p = scored[i].Pair;
                        changes.AppendLine(c, $"{name,-13} {file,-14} {(after ? "now served " : "now refused")} {p.Label,-13} {scored[i].Similarity:0.000} [{p.Kind}] {p.A} || {p.B}");
                    }
                }
            }
        }

        sb.AppendLine();
        sb.AppendLine("Pairs each level decides differently from lenient (at or above the threshold):");
        sb.AppendLine();
        sb.AppendLine("```text");
        sb.Append(changes);
        sb.AppendLine("```");
        return sb.ToString();
    }
}
