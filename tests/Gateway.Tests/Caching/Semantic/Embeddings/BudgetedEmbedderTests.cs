using Gateway.Config.Options;
using Gateway.Tests.Support;
using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Transforms.Caching.Semantic.Index;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Caching.Semantic.Embeddings;

public sealed class BudgetedEmbedderTests : IDisposable
{
    private const int MaxChars = 1_000;
    private static readonly TimeSpan Plenty = TimeSpan.FromSeconds(5);
    private static readonly float[] One = [1f];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly TestMeters _meters = new();
    private TimeSpan _budget = TimeSpan.FromMilliseconds(50);

    public void Dispose() => _meters.Dispose();

    /// <summary>An embedder over <paramref name="generator"/>, loaded; <c>Budget</c> is what each call gets.</summary>
    private async Task<BudgetedEmbedder> NewEmbedderAsync(FakeEmbeddingGenerator generator, int budgetMs = 50, int failures = 3, int cooldownSeconds = 30, int dimensions = 1, string provider = "fake")
    {
        _budget = TimeSpan.FromMilliseconds(budgetMs);
        var embeddings = new SemanticEmbeddings(provider, dimensions, () => generator, NullLogger<SemanticEmbeddings>.Instance);
        await embeddings.WarmUpAsync();
        var options = new EmbeddingsOptions { BudgetMs = budgetMs, BreakerFailureThreshold = failures, BreakerCooldownMs = cooldownSeconds * 1000 };
        var metrics = new SemanticMetrics(_meters.Factory, new TestGatewaySettings(), new TenantVectorIndex(dimensions, 10, 1 << 20));
        return new BudgetedEmbedder(embeddings, options, metrics, _time, NullLogger<BudgetedEmbedder>.Instance);
    }

    [Fact]
    public async Task EmbedAsync_ProviderAnswers_ReturnsVector()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Returning([0.6f, 0.8f]), dimensions: 2);

        var outcome = await embedder.EmbedAsync("refund policy", _budget, MaxChars, CancellationToken.None);

        Assert.True(outcome.IsEmbedded);
        Assert.Equal([0.6f, 0.8f], outcome.Vector.ToArray());
    }

    [Fact]
    public async Task EmbedAsync_ProviderSlowerThanBudget_SkipsWhenBudgetElapses()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Hanging(), budgetMs: 50);

        var pending = embedder.EmbedAsync("refund policy", _budget, MaxChars, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(49));
        await Task.Delay(20);
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await pending.WaitAsync(Plenty);

        Assert.Equal(EmbeddingSkipReason.BudgetExceeded, outcome.SkipReason);
    }

    [Fact]
    public async Task EmbedAsync_ProviderIgnoresCancellation_StillSkipsAtBudget()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.IgnoringCancellation(), budgetMs: 50);

        var pending = embedder.EmbedAsync("refund policy", _budget, MaxChars, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(50));
        var outcome = await pending.WaitAsync(Plenty);

        Assert.Equal(EmbeddingSkipReason.BudgetExceeded, outcome.SkipReason);
    }

    [Fact]
    public async Task EmbedAsync_NoTimeLeft_SkipsWithoutCallingProvider()
    {
        var generator = FakeEmbeddingGenerator.Returning([1f]);
        var embedder = await NewEmbedderAsync(generator);

        var outcome = await embedder.EmbedAsync("refund policy", TimeSpan.FromMicroseconds(500), MaxChars, CancellationToken.None);

        Assert.Equal(EmbeddingSkipReason.NoTimeLeft, outcome.SkipReason);
        Assert.Equal(0, generator.Calls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task EmbedAsync_BlankText_Skips(string text)
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Returning([1f]));

        Assert.Equal(EmbeddingSkipReason.EmptyText, (await embedder.EmbedAsync(text, _budget, MaxChars, CancellationToken.None)).SkipReason);
    }

    [Fact]
    public async Task EmbedAsync_TextOverLimit_Skips()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Returning([1f]));

        var outcome = await embedder.EmbedAsync(new string('x', 1_001), _budget, MaxChars, CancellationToken.None);

        Assert.Equal(EmbeddingSkipReason.TooLong, outcome.SkipReason);
    }

    [Fact]
    public async Task EmbedAsync_AfterThresholdFailures_OpensCircuitAndStopsCallingProvider()
    {
        var generator = FakeEmbeddingGenerator.Throwing();
        var embedder = await NewEmbedderAsync(generator, failures: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(EmbeddingSkipReason.ProviderFailed, (await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).SkipReason);
        }

        var outcome = await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);

        Assert.Equal(EmbeddingSkipReason.CircuitOpen, outcome.SkipReason);
        Assert.True(embedder.IsCircuitOpen);
        Assert.Equal(3, generator.Calls);
    }

    [Fact]
    public async Task EmbedAsync_RemoteProviderOverruns_CountAsFailures()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Hanging(), budgetMs: 10, failures: 2);

        for (var i = 0; i < 2; i++)
        {
            var pending = embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None).AsTask();
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await pending.WaitAsync(Plenty);
        }

        Assert.True(embedder.IsCircuitOpen);
    }

    [Fact]
    public async Task EmbedAsync_EmbeddedModelOverruns_CircuitStaysClosed()
    {
        // Arrange: the embedded model's overruns are callers queued behind a burst, not a failing provider.
        var generator = FakeEmbeddingGenerator.Hanging();
        var embedder = await NewEmbedderAsync(generator, budgetMs: 10, failures: 2, provider: SemanticEmbeddings.Embedded);

        // Act
        for (var i = 0; i < 4; i++)
        {
            var pending = embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None).AsTask();
            _time.Advance(TimeSpan.FromMilliseconds(10));
            Assert.Equal(EmbeddingSkipReason.BudgetExceeded, (await pending.WaitAsync(Plenty)).SkipReason);
        }

        // Assert
        Assert.False(embedder.IsCircuitOpen);
        Assert.Equal(4, generator.Calls);
    }

    [Fact]
    public async Task EmbedAsync_EmbeddedModelThrows_OpensCircuit()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Throwing(), failures: 2, provider: SemanticEmbeddings.Embedded);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(EmbeddingSkipReason.ProviderFailed, (await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).SkipReason);
        }

        Assert.True(embedder.IsCircuitOpen);
    }

    [Fact]
    public async Task EmbedAsync_AfterCooldown_ProbesAndClosesOnSuccess()
    {
        var healthy = false;
        var generator = new FakeEmbeddingGenerator((_, _) => healthy ? Task.FromResult(One) : Task.FromException<float[]>(new HttpRequestException("down")));
        var embedder = await NewEmbedderAsync(generator, failures: 2, cooldownSeconds: 30);
        await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);
        await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);
        healthy = true;

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(EmbeddingSkipReason.CircuitOpen, (await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).SkipReason);

        _time.Advance(TimeSpan.FromSeconds(1));
        var probe = await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);

        Assert.True(probe.IsEmbedded);
        Assert.False(embedder.IsCircuitOpen);
        Assert.True((await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).IsEmbedded);
    }

    [Fact]
    public async Task EmbedAsync_ProbeFails_ReopensForAnotherCooldown()
    {
        var generator = FakeEmbeddingGenerator.Throwing();
        var embedder = await NewEmbedderAsync(generator, failures: 1, cooldownSeconds: 30);
        await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(EmbeddingSkipReason.ProviderFailed, (await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).SkipReason);

        Assert.Equal(EmbeddingSkipReason.CircuitOpen, (await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).SkipReason);
        Assert.Equal(2, generator.Calls);
    }

    [Fact]
    public async Task EmbedAsync_WhileProbeInFlight_OthersSkip()
    {
        var release = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = true;
        var generator = new FakeEmbeddingGenerator((_, _) => failing ? Task.FromException<float[]>(new HttpRequestException("down")) : release.Task);
        var embedder = await NewEmbedderAsync(generator, failures: 1, cooldownSeconds: 30);
        await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);
        failing = false;
        _time.Advance(TimeSpan.FromSeconds(30));

        var probe = embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None).AsTask();
        var other = embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None).AsTask();
        var otherFinishedFirst = await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(2))) == other;
        release.SetResult([1f]);

        Assert.True(otherFinishedFirst, "a second caller waited on the provider while the probe was in flight");
        Assert.Equal(EmbeddingSkipReason.CircuitOpen, (await other.WaitAsync(Plenty)).SkipReason);
        Assert.True((await probe.WaitAsync(Plenty)).IsEmbedded);
        Assert.False(embedder.IsCircuitOpen);
    }

    [Fact]
    public async Task EmbedAsync_CallerCancels_SkipsWithoutCountingFailure()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Hanging(), failures: 1);
        using var cts = new CancellationTokenSource();

        var pending = embedder.EmbedAsync("q", _budget, MaxChars, cts.Token).AsTask();
        await cts.CancelAsync();
        var outcome = await pending.WaitAsync(Plenty);

        Assert.Equal(EmbeddingSkipReason.Cancelled, outcome.SkipReason);
        Assert.False(embedder.IsCircuitOpen);
    }

    [Fact]
    public async Task EmbedAsync_ProviderReturnsEmptyVector_SkipsAsFailure()
    {
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Returning([]));

        Assert.Equal(EmbeddingSkipReason.ProviderFailed, (await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None)).SkipReason);
    }

    [Fact]
    public async Task EmbedAsync_ProviderReturnsOtherDimensions_SkipsAsFailure()
    {
        // Arrange: configured for 384, the service answers with 2.
        var embedder = await NewEmbedderAsync(FakeEmbeddingGenerator.Returning([0.6f, 0.8f]), dimensions: 384);

        // Act
        var outcome = await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);

        // Assert
        Assert.Equal(EmbeddingSkipReason.ProviderFailed, outcome.SkipReason);
    }

    [Fact]
    public async Task EmbedAsync_ModelStillLoading_SkipsAsNotReadyUntilLoaded()
    {
        // Arrange: a provider whose loading blocks until released.
        using var loaded = new ManualResetEventSlim();
        var generator = FakeEmbeddingGenerator.Returning(One);
        var embeddings = new SemanticEmbeddings("fake", 1, () =>
        {
            loaded.Wait(TimeSpan.FromSeconds(30));
            return generator;
        }, NullLogger<SemanticEmbeddings>.Instance);
        var metrics = new SemanticMetrics(_meters.Factory, new TestGatewaySettings(), new TenantVectorIndex(1, 10, 1 << 20));
        var embedder = new BudgetedEmbedder(embeddings, new EmbeddingsOptions(), metrics, _time, NullLogger<BudgetedEmbedder>.Instance);

        // Act
        var whileLoading = await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);
        var callsWhileLoading = generator.Calls;
        loaded.Set();
        await embeddings.WarmUpAsync().WaitAsync(Plenty);
        var afterwards = await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);

        // Assert
        Assert.Equal(EmbeddingSkipReason.NotReady, whileLoading.SkipReason);
        Assert.Equal(0, callsWhileLoading);
        Assert.True(afterwards.IsEmbedded);
    }

    [Fact]
    public async Task EmbedAsync_ProbeCancelledByCaller_CircuitStaysOpenForTheNextCooldown()
    {
        // Arrange: open the circuit, wait out the cool-down, then let the probe's caller go away.
        var failing = true;
        var generator = new FakeEmbeddingGenerator(async (_, ct) =>
        {
            if (failing)
            {
                throw new HttpRequestException("down");
            }

            await Task.Delay(Timeout.Infinite, ct);
            return One;
        });
        var embedder = await NewEmbedderAsync(generator, failures: 1, cooldownSeconds: 30);
        await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);
        failing = false;
        _time.Advance(TimeSpan.FromSeconds(30));
        using var caller = new CancellationTokenSource();

        // Act
        var probe = embedder.EmbedAsync("q", _budget, MaxChars, caller.Token).AsTask();
        await caller.CancelAsync();
        var outcome = await probe.WaitAsync(Plenty);
        var next = await embedder.EmbedAsync("q", _budget, MaxChars, CancellationToken.None);

        // Assert: not stuck half-open, not closed on no evidence.
        Assert.Equal(EmbeddingSkipReason.Cancelled, outcome.SkipReason);
        Assert.Equal(EmbeddingSkipReason.CircuitOpen, next.SkipReason);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(embedder.IsCircuitOpen);
    }
}
