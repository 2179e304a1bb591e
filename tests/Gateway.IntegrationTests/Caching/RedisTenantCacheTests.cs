namespace Gateway.IntegrationTests.Caching;

/// <summary>The cache scenarios on a real Redis shared by the collection.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisTenantCacheTests : TenantCacheScenarios
{
    private readonly RedisServerFixture _redis;

    public RedisTenantCacheTests(RedisServerFixture redis) => _redis = redis;

    protected override string? RedisConfiguration => _redis.ConnectionString;

    public override async Task InitializeAsync()
    {
        await _redis.StartAsync();
        await base.InitializeAsync();
    }
}
