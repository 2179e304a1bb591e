using Gateway.Tests.Support;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;
using Microsoft.Net.Http.Headers;

namespace Gateway.Tests.Caching;

public sealed class CacheLookupPrefetchTests
{
    private readonly TestGatewaySettings _settings = new();

    [Fact]
    public async Task Start_CacheableRequestWithItsBodyArrived_StartsTheLookupUnderTheStagesKeyUncounted()
    {
        // Arrange
        var store = new RecordingStore(shared: true);
        var (context, _) = await ArrivedBody.RequestAsync(_settings, "{\"query\":\"refund policy\"}");
        var request = context.GetGatewayRequest();

        // Act
        new CacheLookupPrefetch(store).Start(context, request);

        // Assert
        var prefetched = context.Features.Get<PrefetchedLookup>();
        Assert.NotNull(prefetched);
        Assert.Equal(CacheRequestBody.TryKeyOfArrivedBody(context, request, ArrivedBody.Route, 1024), prefetched.KeyHash);
        Assert.Equal([(TestGatewaySettings.Platinum, prefetched.KeyHash)], store.Lookups);
        Assert.Equal(CacheLookupStatus.Miss, (await prefetched.Lookup).Status);
        Assert.Equal(0, store.Counted);
    }

    [Fact]
    public async Task Start_ClientAskedNotToStore_StartsNothing()
    {
        // Arrange
        var store = new RecordingStore(shared: true);
        var (context, _) = await ArrivedBody.RequestAsync(_settings, "{\"query\":\"refund policy\"}");
        context.Request.Headers.CacheControl = "no-store";

        // Act
        new CacheLookupPrefetch(store).Start(context, context.GetGatewayRequest());

        // Assert
        Assert.Null(context.Features.Get<PrefetchedLookup>());
        Assert.Empty(store.Lookups);
    }

    [Fact]
    public async Task Start_ExpectContinue_StartsNothing()
    {
        // Arrange: reading the body would send 100 Continue before the admission is decided.
        var store = new RecordingStore(shared: true);
        var (context, _) = await ArrivedBody.RequestAsync(_settings, "{\"query\":\"refund policy\"}");
        context.Request.Headers[HeaderNames.Expect] = "100-continue";

        // Act
        new CacheLookupPrefetch(store).Start(context, context.GetGatewayRequest());

        // Assert
        Assert.Empty(store.Lookups);
    }

    [Fact]
    public async Task Start_InProcessStore_StartsNothing()
    {
        // Arrange: the embedded store answers at once; there is no round trip to overlap.
        var store = new RecordingStore(shared: false);
        var (context, _) = await ArrivedBody.RequestAsync(_settings, "{\"query\":\"refund policy\"}");

        // Act
        new CacheLookupPrefetch(store).Start(context, context.GetGatewayRequest());

        // Assert
        Assert.Empty(store.Lookups);
    }

    /// <summary>A store that answers every lookup with a miss and records what was asked.</summary>
    private sealed class RecordingStore(bool shared) : ITenantCacheStore
    {
        public List<(string Tenant, string Key)> Lookups { get; } = [];

        public int Counted { get; private set; }

        public string Name => "recording";

        public bool IsShared => shared;

        public bool IsAvailable => true;

        public void Start()
        {
        }

        public ValueTask<CacheLookupResult> LookupAsync(string tenantId, string keyHash, CancellationToken cancellationToken)
        {
            Lookups.Add((tenantId, keyHash));
            return new(new CacheLookupResult(CacheLookupStatus.Miss, 0, null));
        }

        public ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken) => new(0L);

        public void RecordLookup(string tenantId, bool hit) => Counted++;

        public ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheLookupResult> PeekAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheVectorPage?> ReadVectorsAsync(string tenantId, long generation, long after, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
