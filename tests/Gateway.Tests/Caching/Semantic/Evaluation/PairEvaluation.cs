using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Tests.Caching.Semantic.Evaluation;

/// <summary>One pair scored: its similarity and the guard's verdict (the b side looks up, the a side is stored).</summary>
internal sealed record ScoredPair(LabelledPair Pair, float Similarity, GuardVerdict Verdict);

/// <summary>Precision, recall and hard negatives served at one threshold, for similarity alone or with the guard.</summary>
internal sealed record ThresholdRow(float Threshold, Outcome SimilarityOnly, Outcome WithGuard);

internal sealed record Outcome(int PositivesServed, int Positives, int HardNegativesServed, int EasyNegativesServed)
{
    public int Served => PositivesServed + HardNegativesServed + EasyNegativesServed;

    public double Precision => Served == 0 ? 1.0 : (double)PositivesServed / Served;

    public double Recall => Positives == 0 ? 0.0 : (double)PositivesServed / Positives;
}

/// <summary>Scores the labelled pairs and picks the default threshold.</summary>
internal static class PairEvaluation
{
    public static readonly float[] Thresholds = [0.70f, 0.75f, 0.80f, 0.85f, 0.90f, 0.95f];

    public static IReadOnlyList<ScoredPair> Score(IReadOnlyList<LabelledPair> pairs, IReadOnlyDictionary<string, float[]> vectors) =>
        Score(pairs, vectors, static (q, s) => DetailGuard.Check(q, s));

    /// <summary>Scores with another guard (for comparing variants); the b side is the lookup, the a side the stored query.</summary>
    public static IReadOnlyList<ScoredPair> Score(IReadOnlyList<LabelledPair> pairs, IReadOnlyDictionary<string, float[]> vectors, Func<QueryDetails, QueryDetails, GuardVerdict> guard) =>
        pairs.Select(p => new ScoredPair(
            p,
            TensorPrimitives.Dot<float>(vectors[p.A], vectors[p.B]),
            guard(DetailExtractor.Extract(p.B), DetailExtractor.Extract(p.A)))).ToArray();

    public static IReadOnlyList<ThresholdRow> Table(IReadOnlyList<ScoredPair> scored) =>
        Thresholds.Select(t => new ThresholdRow(t, Count(scored, t, useGuard: false), Count(scored, t, useGuard: true))).ToArray();

    /// <summary>Best recall among thresholds that serve no hard negative with the guard; the higher threshold on a tie.</summary>
    public static float? ChooseDefault(IReadOnlyList<ThresholdRow> table) =>
        table.Where(r => r.WithGuard.HardNegativesServed == 0)
            .OrderByDescending(r => r.WithGuard.Recall)
            .ThenByDescending(r => r.Threshold)
            .Select(r => (float?)r.Threshold)
            .FirstOrDefault();

    public static Outcome Count(IReadOnlyList<ScoredPair> scored, float threshold, bool useGuard)
    {
        int positives = 0, positivesServed = 0, hardServed = 0, easyServed = 0;
        foreach (var s in scored)
        {
            var served = s.Similarity >= threshold && (!useGuard || s.Verdict == GuardVerdict.Allowed);
            switch (s.Pair.Label)
            {
                case LabelledPair.Positive:
                    positives++;
                    positivesServed += served ? 1 : 0;
                    break;
                case LabelledPair.HardNegative:
                    hardServed += served ? 1 : 0;
                    break;
                default:
                    easyServed += served ? 1 : 0;
                    break;
            }
        }

        return new Outcome(positivesServed, positives, hardServed, easyServed);
    }

    public static string Markdown(IReadOnlyList<ScoredPair> scored, IReadOnlyList<ThresholdRow> table, float? chosen, string title, bool chosenHere = true)
    {
        var c = CultureInfo.InvariantCulture;
        var counts = scored.GroupBy(s => s.Pair.Label).ToDictionary(g => g.Key, g => g.Count());
        var domains = scored.Select(s => s.Pair.Domain).Distinct().Count();
        var sb = new StringBuilder();
        sb.AppendLine(c, $"### {title}");
        sb.AppendLine();
        sb.AppendLine(c, $"{scored.Count} pairs in {domains} domains: {counts.GetValueOrDefault(LabelledPair.Positive)} positives, {counts.GetValueOrDefault(LabelledPair.HardNegative)} hard negatives, {counts.GetValueOrDefault(LabelledPair.EasyNegative)} easy negatives. Model all-MiniLM-L6-v2; a pair is served when similarity >= threshold (and, with the guard, the guard allows it).");
        sb.AppendLine();
        sb.AppendLine("| threshold | similarity only: precision | recall | hard neg. served | easy neg. served | + guard: precision | recall | hard neg. served | easy neg. served |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in table)
        {
            var mark = chosen == row.Threshold ? " **(default)**" : "";
            sb.AppendLine(c, $"| {row.Threshold:0.00}{mark} | {row.SimilarityOnly.Precision:0.000} | {row.SimilarityOnly.Recall:0.000} | {row.SimilarityOnly.HardNegativesServed} | {row.SimilarityOnly.EasyNegativesServed} | {row.WithGuard.Precision:0.000} | {row.WithGuard.Recall:0.000} | {row.WithGuard.HardNegativesServed} | {row.WithGuard.EasyNegativesServed} |");
        }

        sb.AppendLine();
        sb.AppendLine(chosen is not { } t
            ? "No threshold serves zero hard negatives with the guard."
            : chosenHere
                ? string.Create(c, $"Chosen default: **{t:0.00}**, the best recall with the guard among thresholds that serve no hard negative of this set.")
                : string.Create(c, $"Marked: the default **{t:0.00}** chosen on pairs.json; this set did not take part in choosing it."));
        sb.AppendLine();
        var verdicts = scored.GroupBy(s => (s.Pair.Label, s.Verdict)).OrderBy(g => g.Key.Label).ThenBy(g => g.Key.Verdict)
            .Select(g => string.Create(c, $"{g.Key.Label}/{g.Key.Verdict}: {g.Count()}"));
        sb.AppendLine("Guard verdicts (label/verdict: pairs): " + string.Join(", ", verdicts) + ".");
        return sb.ToString();
    }

    /// <summary>Pairs the guard got wrong or that decide the threshold, for the README and for reading failures.</summary>
    public static string Misjudged(IReadOnlyList<ScoredPair> scored, float threshold)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Hard negatives the guard allows (served when similarity >= threshold; * = at or above {threshold:0.00}):");
        foreach (var s in scored.Where(s => s.Pair.Label == LabelledPair.HardNegative && s.Verdict == GuardVerdict.Allowed).OrderByDescending(s => s.Similarity))
        {
            sb.AppendLine(c, $"  {(s.Similarity >= threshold ? "*" : " ")} {s.Similarity:0.000} [{s.Pair.Kind}] {s.Pair.A} || {s.Pair.B}");
        }

        sb.AppendLine("Positives the guard refuses:");
        foreach (var s in scored.Where(s => s.Pair.Label == LabelledPair.Positive && s.Verdict != GuardVerdict.Allowed).OrderByDescending(s => s.Similarity))
        {
            sb.AppendLine(c, $"    {s.Similarity:0.000} {s.Verdict} [{s.Pair.Kind}] {s.Pair.A} || {s.Pair.B}");
        }

        return sb.ToString();
    }
}
