namespace Gateway.Transforms.Caching.Stores;

/// <summary>Result of an invalidation.</summary>
/// <param name="Generation">The tenant's new generation.</param>
/// <param name="DeletedKeys">Live entries of older generations at the moment of the bump (reclaimed or about to be).</param>
public sealed record CacheInvalidationResult(long Generation, long DeletedKeys);
