using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Semantic.Guard;
using Xunit.Abstractions;

namespace Gateway.Tests.Caching.Semantic.Evaluation;

/// <summary>
/// The labelled evaluation. <c>dotnet test tests/Gateway.Tests --filter Category=SemanticEvaluation</c> writes the
/// tables to docs/semantic-cache-evaluation.md (and prints them with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
[Collection(MiniLmTests.Name)]
[Trait("Category", "SemanticEvaluation")]
public sealed class EvaluationTests(MiniLmFixture model, ITestOutputHelper output)
{
    [Fact]
    public async Task Evaluate_LabelledPairs_WritesPrecisionRecallTable()
    {
        var pairs = LabelledPairs.Load();
        var scored = PairEvaluation.Score(pairs, await model.EmbedAllAsync(pairs.SelectMany(p => new[] { p.A, p.B })));
        var table = PairEvaluation.Table(scored);
        var chosen = PairEvaluation.ChooseDefault(table);
        var markdown = PairEvaluation.Markdown(scored, table, chosen, "Evaluation set (pairs.json)");
        var misjudged = PairEvaluation.Misjudged(scored, chosen ?? SemanticDefaults.Threshold);

        output.WriteLine(markdown);
        output.WriteLine(misjudged);
        await ReportFile.WriteSectionAsync("evaluation", markdown + "\n```text\n" + misjudged + "```\n");

        Assert.True(pairs.Count >= 240, $"the set must keep at least 240 pairs, has {pairs.Count}");
        Assert.True(pairs.Select(p => p.Domain).Distinct().Count() >= 6, "the set must cover at least 6 domains");
        Assert.Equal(SemanticDefaults.Threshold, chosen);
    }

    [Fact]
    public async Task Evaluate_HeldOutPairs_WritesTableWithoutChangingTheDefault()
    {
        var pairs = LabelledPairs.Load("heldout.json");
        var scored = PairEvaluation.Score(pairs, await model.EmbedAllAsync(pairs.SelectMany(p => new[] { p.A, p.B })));
        var table = PairEvaluation.Table(scored);

        // Reported at the default chosen on pairs.json; the held-out set never chooses it.
        var markdown = PairEvaluation.Markdown(scored, table, SemanticDefaults.Threshold, "Held-out set (heldout.json), written after the first guard; its one served hard negative (an added qualifier) led to the balanced rule, so it no longer measures that rule independently", chosenHere: false);
        var misjudged = PairEvaluation.Misjudged(scored, SemanticDefaults.Threshold);

        output.WriteLine(markdown);
        output.WriteLine(misjudged);
        await ReportFile.WriteSectionAsync("heldout", markdown + "\n```text\n" + misjudged + "```\n");

        Assert.True(pairs.Count >= 50, $"the held-out set must keep at least 50 pairs, has {pairs.Count}");
        Assert.Contains(pairs, p => p.Label == LabelledPair.HardNegative);
        Assert.Contains(pairs, p => p.Label == LabelledPair.Positive);
    }

    [Fact]
    public async Task Evaluate_SecondHeldOutPairs_WritesTable()
    {
        var pairs = LabelledPairs.Load("heldout2.json");
        var scored = PairEvaluation.Score(pairs, await model.EmbedAllAsync(pairs.SelectMany(p => new[] { p.A, p.B })));
        var table = PairEvaluation.Table(scored);

        var markdown = PairEvaluation.Markdown(scored, table, SemanticDefaults.Threshold, "Second held-out set (heldout2.json), committed before the balanced rule was implemented (the rule was thought of while writing it)", chosenHere: false);
        var misjudged = PairEvaluation.Misjudged(scored, SemanticDefaults.Threshold);

        output.WriteLine(markdown);
        output.WriteLine(misjudged);
        await ReportFile.WriteSectionAsync("heldout2", markdown + "\n```text\n" + misjudged + "```\n");

        Assert.True(pairs.Count >= 60, $"the second held-out set must keep at least 60 pairs, has {pairs.Count}");
    }

    [Fact]
    public async Task Evaluate_GuardVariants_WritesComparisonAtTheDefaultThreshold()
    {
        var sets = new[] { "pairs.json", "heldout.json", "heldout2.json" }.Select(f => (File: f, Pairs: LabelledPairs.Load(f))).ToList();
        var vectors = await model.EmbedAllAsync(sets.SelectMany(s => s.Pairs).SelectMany(p => new[] { p.A, p.B }));

        var markdown = GuardVariantReport.Markdown(sets, vectors, SemanticDefaults.Threshold);

        output.WriteLine(markdown);
        await ReportFile.WriteSectionAsync("variants", markdown);
        Assert.Contains("current", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultThreshold_WithGuard_ServesNoHardNegative()
    {
        var pairs = LabelledPairs.Load();
        var scored = PairEvaluation.Score(pairs, await model.EmbedAllAsync(pairs.SelectMany(p => new[] { p.A, p.B })));

        var served = scored
            .Where(s => s.Pair.Label == LabelledPair.HardNegative && s.Similarity >= SemanticDefaults.Threshold && s.Verdict == GuardVerdict.Allowed)
            .Select(s => $"{s.Similarity:0.000} {s.Pair.A} || {s.Pair.B}")
            .ToArray();

        Assert.True(served.Length == 0, "hard negatives served at the default threshold:\n" + string.Join('\n', served));
    }
}
