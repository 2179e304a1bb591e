namespace Gateway.Transforms.Caching;

/// <summary>What the client asked of the cache with its own <c>Cache-Control</c>.</summary>
internal enum ClientCacheDirective
{
    /// <summary>Normal lookup and store.</summary>
    None,

    /// <summary><c>no-cache</c>: skip the lookup, the fresh answer may still be stored.</summary>
    NoCache,

    /// <summary><c>no-store</c>: bypass the cache entirely.</summary>
    NoStore,
}
