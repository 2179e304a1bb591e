namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>What the cache stage did with a request.</summary>
public enum CacheResult
{
    /// <summary>The route does not cache, or the cache stage did not decide.</summary>
    None,

    /// <summary>Answered from the tenant's cache.</summary>
    Hit,

    /// <summary>Looked up and not found (coalesced followers included): forwarded, maybe stored.</summary>
    Miss,

    /// <summary>The cache was skipped (client <c>no-store</c>, store unavailable, body too large, ...).</summary>
    Bypass,

    /// <summary>Answered from the tenant's cache with the entry of another query of the same meaning (semantic cache).</summary>
    SemanticHit,
}
