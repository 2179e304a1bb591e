using System.Collections.Concurrent;
using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Stores;

namespace Gateway.Transforms.Caching.Semantic.Index;

/// <summary>
/// Fills this node's index with the vectors other nodes stored: for each tenant it reads the store's vector feed of
/// the current generation from where it left off, at most once a second (at once again while a backlog remains), on
/// the tenant's lookups. A new generation starts the tenant's partition and its feed afresh.
/// </summary>
internal sealed class SemanticFeedReader
{
    /// <summary>Longest time a tenant's partition may lag behind the shared feed while the tenant is being served.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private const int PageSize = 256;
    private const int PagesPerRefresh = 8;

    private readonly ITenantCacheStore _store;
    private readonly TenantVectorIndex _index;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TenantFeed> _tenants = new(StringComparer.Ordinal);

    /// <summary>Creates the reader.</summary>
    public SemanticFeedReader(ITenantCacheStore store, TenantVectorIndex index, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _index = index;
        _time = time;
    }

    /// <summary>
    /// Brings the tenant's partition up to date with <paramref name="generation"/>'s feed unless that was done within
    /// <see cref="Interval"/>; the task completes when the read is done (at once when none is due). One read per tenant
    /// runs at a time; concurrent callers share it. Never throws: an unavailable store just leaves the partition as it is.
    /// </summary>
    public Task RefreshAsync(string tenantId, long generation)
    {
        if (!_store.IsShared)
        {
            return Task.CompletedTask;
        }

        var feed = _tenants.GetOrAdd(tenantId, static _ => new TenantFeed());
        lock (feed)
        {
            if (feed.Running is { IsCompleted: false } running)
            {
                return running;
            }

            var now = _time.GetTimestamp();
            if (generation < feed.Generation
                || (generation == feed.Generation && !feed.More && feed.LastRead != 0 && _time.GetElapsedTime(feed.LastRead, now) < Interval))
            {
                return Task.CompletedTask;
            }

            if (generation > feed.Generation)
            {
                _index.AdvanceGeneration(tenantId, generation);
                feed.Generation = generation;
                feed.After = 0;
            }

            feed.LastRead = now;
            return feed.Running = ReadAsync(tenantId, generation, feed);
        }
    }

    private async Task ReadAsync(string tenantId, long generation, TenantFeed feed)
    {
        var after = feed.After;
        var more = false;
        for (var page = 0; page < PagesPerRefresh; page++)
        {
            // Not the request's token: concurrent lookups share this read; each Redis call has its own budget.
            if (await _store.ReadVectorsAsync(tenantId, generation, after, PageSize, CancellationToken.None).ConfigureAwait(false) is not { } read)
            {
                break;
            }

            foreach (var record in read.Records)
            {
                // Entries this node stored itself, or read before, are indexed already.
                if (!_index.Contains(tenantId, generation, record.KeyHash)
                    && SemanticRecord.TryRead(record.Record, _index.Dimensions, out var context, out var vector, out var text))
                {
                    _index.Add(tenantId, new SemanticEntry(record.KeyHash, context, generation, DetailExtractor.Extract(text), vector));
                }
            }

            after = read.Last;
            more = read.More;
            if (!more)
            {
                break;
            }
        }

        lock (feed)
        {
            if (feed.Generation == generation)
            {
                feed.After = after;
                feed.More = more;
            }
        }
    }

    private sealed class TenantFeed
    {
        public long Generation = -1;
        public long After;
        public bool More;
        public long LastRead;
        public Task? Running;
    }
}
