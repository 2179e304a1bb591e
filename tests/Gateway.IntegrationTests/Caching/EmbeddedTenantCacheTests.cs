namespace Gateway.IntegrationTests.Caching;

/// <summary>The cache scenarios with the embedded in-process store (no Redis configured).</summary>
public sealed class EmbeddedTenantCacheTests : TenantCacheScenarios
{
    protected override string? RedisConfiguration => null;
}
