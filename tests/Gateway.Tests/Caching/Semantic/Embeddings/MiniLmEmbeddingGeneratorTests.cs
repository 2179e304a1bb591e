using System.Numerics.Tensors;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Tests.Caching.Semantic.Evaluation;
using Microsoft.Extensions.AI;

namespace Gateway.Tests.Caching.Semantic.Embeddings;

[Collection(MiniLmTests.Name)]
public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture model)
{
    private async Task<float[]> EmbedAsync(string text) => (await model.Generator.GenerateAsync([text]))[0].Vector.ToArray();

    [Fact]
    public async Task GenerateAsync_Query_Returns384DimensionUnitVector()
    {
        var v = await EmbedAsync("what is our refund policy?");

        Assert.Equal(384, v.Length);
        Assert.Equal(1f, TensorPrimitives.Norm<float>(v), 3);
    }

    [Fact]
    public async Task GenerateAsync_ParaphraseAndUnrelated_ScoreAsExpected()
    {
        var a = await EmbedAsync("what is our refund policy?");
        var b = await EmbedAsync("What's the refund policy");
        var c = await EmbedAsync("How do I deploy to staging?");

        Assert.InRange(TensorPrimitives.Dot<float>(a, b), 0.9f, 1f);
        Assert.InRange(TensorPrimitives.Dot<float>(a, c), -0.3f, 0.3f);
    }

    [Fact]
    public async Task GenerateAsync_TabsAndNewlines_EmbedLikeSpaces()
    {
        var spaced = await EmbedAsync("refund policy in the EU");
        var tabbed = await EmbedAsync("refund\tpolicy\nin  the EU ");

        Assert.Equal(1f, TensorPrimitives.Dot<float>(spaced, tabbed), 4);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCallers_GetSameVectorsAsSequential()
    {
        string[] texts = ["refund policy", "VPN from Linux", "Q3 revenue in EMEA", "parental leave in Germany"];
        var sequential = new List<float[]>();
        foreach (var text in texts)
        {
            sequential.Add(await EmbedAsync(text));
        }

        // 4 callers x 10 rounds on one shared session: bounded, and enough to interleave runs.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var mismatches = 0;
            for (var round = 0; round < 10; round++)
            {
                var i = (w + round) % texts.Length;
                var v = (await model.Generator.GenerateAsync([texts[i]]))[0].Vector.ToArray();
                mismatches += TensorPrimitives.Dot<float>(v, sequential[i]) > 0.9999f ? 0 : 1;
            }

            return mismatches;
        })));

        Assert.All(concurrent, m => Assert.Equal(0, m));
    }

    [Fact]
    public async Task GenerateAsync_EmptyBatch_ReturnsNothing()
    {
        Assert.Empty(await model.Generator.GenerateAsync([]));
    }

    [Fact]
    public async Task GenerateAsync_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.Generator.GenerateAsync(["q"], null, cts.Token));
    }

    [Fact]
    public void GetService_Metadata_NamesModelAndDimensions()
    {
        var metadata = model.Generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.Equal("all-MiniLM-L6-v2", metadata?.DefaultModelId);
        Assert.Equal(384, metadata?.DefaultModelDimensions);
    }

    [Theory]
    [InlineData("a\tb", "a b")]
    [InlineData(" a  b ", "a b")]
    [InlineData("a b", "a b")]
    public void NormalizeWhitespace_CollapsesRuns(string input, string expected) =>
        Assert.Equal(expected, MiniLmEmbeddingGenerator.NormalizeWhitespace(input));
}
