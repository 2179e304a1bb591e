using Gateway.Transforms.Caching.Stores;

namespace Gateway.Transforms.Caching;

/// <summary>A cache lookup <see cref="CacheLookupPrefetch"/> started for this request (a request feature), not yet counted.</summary>
internal sealed class PrefetchedLookup
{
    /// <summary>Keeps <paramref name="lookup"/>, started for <paramref name="keyHash"/>.</summary>
    public PrefetchedLookup(string keyHash, Task<CacheLookupResult> lookup)
    {
        KeyHash = keyHash;
        Lookup = lookup;

        // A request refused meanwhile never awaits it; its cancellation must not surface as an unobserved exception.
        lookup.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The key the lookup was made for.</summary>
    public string KeyHash { get; }

    /// <summary>The lookup in flight (or done).</summary>
    public Task<CacheLookupResult> Lookup { get; }
}
