using Gateway.Transforms.Caching.Stores;

namespace Gateway.IntegrationTests.Caching;

/// <summary>
/// The store contract, run against every implementation: lookups, TTL expiry, tenant isolation, quota, exact
/// accounting after overwrite, expiry and invalidation, O(1) invalidation with background reclaim, and detection
/// of entries recorded for another tenant. Accounting is always compared with what the store really holds.
/// </summary>
public abstract class CacheStoreContractTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Meta = TimeSpan.FromMinutes(20);

    /// <summary>The store under test.</summary>
    private protected abstract ITenantCacheStore Store { get; }

    /// <summary>A lifetime short enough to wait out in a test.</summary>
    protected abstract TimeSpan ShortTtl { get; }

    /// <summary>Lets <paramref name="time"/> pass (controlled time or a real wait).</summary>
    protected abstract Task AdvanceAsync(TimeSpan time);

    /// <summary>Bytes the tenant really holds among <paramref name="hashes"/> of <paramref name="generation"/>, read from the store's storage itself.</summary>
    protected abstract Task<long> StoredBytesAsync(string tenantId, long generation, IEnumerable<string> hashes);

    /// <summary>Whether the entry still occupies storage.</summary>
    protected abstract Task<bool> ExistsAsync(string tenantId, long generation, string hash);

    [Fact]
    public async Task GetAsync_AfterSet_HitWithTheStoredEntry()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var value = CacheTestSupport.Value(tenant, 100);

        // Act
        var before = await Store.GetAsync(tenant, CacheTestSupport.Hash("q"), default);
        var write = await Store.SetAsync(Write(tenant, "q", before.Generation, value, Long), default);
        var after = await Store.GetAsync(tenant, CacheTestSupport.Hash("q"), default);

        // Assert
        Assert.Equal(CacheLookupStatus.Miss, before.Status);
        Assert.Equal(CacheWriteStatus.Stored, write.Status);
        Assert.Equal(value.Length, write.UsedBytes);
        Assert.Equal(1, write.KeyCount);
        Assert.Equal(CacheLookupStatus.Hit, after.Status);
        Assert.Equal(tenant, after.Entry!.TenantId);
        Assert.Equal(100, after.Entry.Body.Length);
        var usage = await Store.GetUsageAsync(tenant, default);
        Assert.Equal((1, 1, value.Length, 1), (usage!.Hits, usage.Misses, usage.SizeBytes, usage.KeyCount));
    }

    [Fact]
    public async Task GetAsync_TtlPassed_MissAndAccountingBackToZero()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        await Store.SetAsync(Write(tenant, "q", 0, CacheTestSupport.Value(tenant, 50), ShortTtl), default);
        Assert.Equal(CacheLookupStatus.Hit, (await Store.GetAsync(tenant, CacheTestSupport.Hash("q"), default)).Status);

        // Act
        await AdvanceAsync(ShortTtl + ShortTtl);
        var lookup = await Store.GetAsync(tenant, CacheTestSupport.Hash("q"), default);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Equal(CacheLookupStatus.Miss, lookup.Status);
        Assert.Equal(0, usage!.SizeBytes);
        Assert.Equal(0, usage.KeyCount);
        Assert.False(await ExistsAsync(tenant, 0, CacheTestSupport.Hash("q")));
    }

    [Fact]
    public async Task GetAsync_SameHashStoredByAnotherTenant_Miss()
    {
        // Arrange
        var tenantA = CacheTestSupport.UniqueTenant("a");
        var tenantB = CacheTestSupport.UniqueTenant("b");
        await Store.SetAsync(Write(tenantA, "same", 0, CacheTestSupport.Value(tenantA, 10, 'a'), Long), default);

        // Act
        var lookupB = await Store.GetAsync(tenantB, CacheTestSupport.Hash("same"), default);
        await Store.SetAsync(Write(tenantB, "same", 0, CacheTestSupport.Value(tenantB, 10, 'b'), Long), default);
        var lookupA = await Store.GetAsync(tenantA, CacheTestSupport.Hash("same"), default);
        var lookupB2 = await Store.GetAsync(tenantB, CacheTestSupport.Hash("same"), default);

        // Assert
        Assert.Equal(CacheLookupStatus.Miss, lookupB.Status);
        Assert.Equal(tenantA, lookupA.Entry!.TenantId);
        Assert.Equal((byte)'a', lookupA.Entry.Body.Span[0]);
        Assert.Equal(tenantB, lookupB2.Entry!.TenantId);
        Assert.Equal((byte)'b', lookupB2.Entry.Body.Span[0]);
    }

    [Fact]
    public async Task SetAsync_TenantAtQuotaThreshold_SkippedWhileOtherTenantStoresAndKeepsItsEntries()
    {
        // Arrange: each value is the same size; the limit (quota x 0.95) fits four and a half of them.
        var full = CacheTestSupport.UniqueTenant("full");
        var other = CacheTestSupport.UniqueTenant("other");
        var size = CacheTestSupport.Value(full, 200).Length;
        var quota = size * 4.5 / 0.95;
        var limit = (long)Math.Floor(quota * 0.95);
        var statuses = new List<CacheWriteStatus>();

        // Act
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await Store.SetAsync(Write(full, $"f{i}", 0, CacheTestSupport.Value(full, 200), Long, limit), default)).Status);
            var otherWrite = await Store.SetAsync(Write(other, $"o{i}", 0, CacheTestSupport.Value(other, 200), Long, long.MaxValue), default);
            Assert.Equal(CacheWriteStatus.Stored, otherWrite.Status);
        }

        // Assert
        Assert.Equal([.. Enumerable.Repeat(CacheWriteStatus.Stored, 4), .. Enumerable.Repeat(CacheWriteStatus.SkippedQuota, 4)], statuses);
        var fullUsage = await Store.GetUsageAsync(full, default);
        Assert.Equal(4L * size, fullUsage!.SizeBytes);
        Assert.True(fullUsage.SizeBytes <= limit);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(i < 4 ? CacheLookupStatus.Hit : CacheLookupStatus.Miss, (await Store.GetAsync(full, CacheTestSupport.Hash($"f{i}"), default)).Status);
            Assert.Equal(CacheLookupStatus.Hit, (await Store.GetAsync(other, CacheTestSupport.Hash($"o{i}"), default)).Status);
        }

        Assert.Equal(8L * CacheTestSupport.Value(other, 200).Length, (await Store.GetUsageAsync(other, default))!.SizeBytes);
    }

    [Fact]
    public async Task SetAsync_Overwrite_CountsOnlyTheNewSizeAndAllowsReplacingAtTheLimit()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var small = CacheTestSupport.Value(tenant, 100);
        var large = CacheTestSupport.Value(tenant, 300);
        await Store.SetAsync(Write(tenant, "k", 0, small, Long), default);

        // Act: the limit only fits the large value if the replaced one is not counted twice.
        var overwrite = await Store.SetAsync(Write(tenant, "k", 0, large, Long, limit: large.Length), default);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Equal(CacheWriteStatus.Stored, overwrite.Status);
        Assert.Equal(large.Length, usage!.SizeBytes);
        Assert.Equal(1, usage.KeyCount);
        Assert.Equal(large.Length, await StoredBytesAsync(tenant, 0, [CacheTestSupport.Hash("k")]));
    }

    [Fact]
    public async Task GetUsageAsync_AfterSomeEntriesExpired_EqualsBytesReallyStored()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var hashes = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var ttl = i % 3 == 0 ? Long : ShortTtl;
            await Store.SetAsync(Write(tenant, $"k{i}", 0, CacheTestSupport.Value(tenant, 40 + i), ttl), default);
            hashes.Add(CacheTestSupport.Hash($"k{i}"));
        }

        // Act
        await AdvanceAsync(ShortTtl + ShortTtl);
        var usage = await Store.GetUsageAsync(tenant, default);
        var stored = await StoredBytesAsync(tenant, 0, hashes);

        // Assert
        Assert.True(stored > 0);
        Assert.Equal(stored, usage!.SizeBytes);
        Assert.Equal(4, usage.KeyCount);
    }

    [Fact]
    public async Task SetAsync_AfterEntriesExpired_QuotaFreedForNewWrites()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var value = CacheTestSupport.Value(tenant, 200);
        await Store.SetAsync(Write(tenant, "old", 0, value, ShortTtl, limit: value.Length), default);
        var refused = await Store.SetAsync(Write(tenant, "new", 0, value, Long, limit: value.Length), default);

        // Act
        await AdvanceAsync(ShortTtl + ShortTtl);
        var accepted = await Store.SetAsync(Write(tenant, "new", 0, value, Long, limit: value.Length), default);

        // Assert
        Assert.Equal(CacheWriteStatus.SkippedQuota, refused.Status);
        Assert.Equal(CacheWriteStatus.Stored, accepted.Status);
        Assert.Equal(value.Length, accepted.UsedBytes);
    }

    [Fact]
    public async Task InvalidateAsync_Tenant_NextLookupMissesOldEntriesReclaimedOtherTenantUntouched()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant("inv");
        var bystander = CacheTestSupport.UniqueTenant("by");
        var hashes = Enumerable.Range(0, 30).Select(i => CacheTestSupport.Hash($"k{i}")).ToList();
        for (var i = 0; i < hashes.Count; i++)
        {
            await Store.SetAsync(Write(tenant, $"k{i}", 0, CacheTestSupport.Value(tenant, 64), Long), default);
            await Store.SetAsync(Write(bystander, $"k{i}", 0, CacheTestSupport.Value(bystander, 64), Long), default);
        }

        var bystanderBytes = (await Store.GetUsageAsync(bystander, default))!.SizeBytes;

        // Act
        var result = await Store.InvalidateAsync(tenant, Meta, default);
        var next = await Store.GetAsync(tenant, hashes[0], default);

        // Assert
        Assert.NotNull(result);
        Assert.Equal(30, result.DeletedKeys);
        Assert.Equal(1, result.Generation);
        Assert.Equal(CacheLookupStatus.Miss, next.Status);
        Assert.Equal(1, next.Generation);
        Assert.True(await WaitUntilReclaimedAsync(tenant, hashes), "old-generation entries still occupy storage");
        var usage = await Store.GetUsageAsync(tenant, default);
        Assert.Equal((0L, 0L), (usage!.SizeBytes, usage.KeyCount));
        Assert.Equal(0, await StoredBytesAsync(tenant, 0, hashes));
        Assert.Equal(CacheLookupStatus.Hit, (await Store.GetAsync(bystander, hashes[0], default)).Status);
        Assert.Equal(bystanderBytes, (await Store.GetUsageAsync(bystander, default))!.SizeBytes);
        Assert.Equal(bystanderBytes, await StoredBytesAsync(bystander, 0, hashes));
    }

    [Fact]
    public async Task InvalidateAsync_ThenNewWrites_AccountingCountsOnlyTheNewGeneration()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var oldHashes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await Store.SetAsync(Write(tenant, $"old{i}", 0, CacheTestSupport.Value(tenant, 80), Long), default);
            oldHashes.Add(CacheTestSupport.Hash($"old{i}"));
        }

        // Act
        var invalidated = await Store.InvalidateAsync(tenant, Meta, default);
        await Store.ReclaimAsync(tenant, default);
        var fresh = CacheTestSupport.Value(tenant, 120);
        var write = await Store.SetAsync(Write(tenant, "new", invalidated!.Generation, fresh, Long), default);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Equal(CacheWriteStatus.Stored, write.Status);
        Assert.Equal(fresh.Length, usage!.SizeBytes);
        Assert.Equal(1, usage.KeyCount);
        Assert.Equal(fresh.Length, await StoredBytesAsync(tenant, invalidated.Generation, [CacheTestSupport.Hash("new")]));
        Assert.Equal(0, await StoredBytesAsync(tenant, 0, oldHashes));
    }

    [Fact]
    public async Task SetAsync_GenerationMovedSinceLookup_RefusedAsStale()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var lookup = await Store.GetAsync(tenant, CacheTestSupport.Hash("k"), default);
        await Store.InvalidateAsync(tenant, Meta, default);

        // Act
        var write = await Store.SetAsync(Write(tenant, "k", lookup.Generation, CacheTestSupport.Value(tenant, 10), Long), default);
        var after = await Store.GetAsync(tenant, CacheTestSupport.Hash("k"), default);

        // Assert
        Assert.Equal(CacheWriteStatus.StaleGeneration, write.Status);
        Assert.Equal(CacheLookupStatus.Miss, after.Status);
    }

    [Fact]
    public async Task GetAsync_EntryRecordedForAnotherTenant_TenantMismatchCountedAsMiss()
    {
        // Arrange: an entry of tenant B's under tenant A's key (what a key-building bug would produce).
        var tenantA = CacheTestSupport.UniqueTenant("a");
        var tenantB = CacheTestSupport.UniqueTenant("b");
        await Store.SetAsync(Write(tenantA, "k", 0, CacheTestSupport.Value(tenantB, 10), Long), default);

        // Act
        var lookup = await Store.GetAsync(tenantA, CacheTestSupport.Hash("k"), default);
        var usage = await Store.GetUsageAsync(tenantA, default);

        // Assert
        Assert.Equal(CacheLookupStatus.TenantMismatch, lookup.Status);
        Assert.Null(lookup.Entry);
        Assert.Equal((0L, 1L), (usage!.Hits, usage.Misses));
    }

    [Fact]
    public async Task RecordLookup_MissCountedWithLookups_HitRateShared()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        await Store.SetAsync(Write(tenant, "k", 0, CacheTestSupport.Value(tenant, 10), Long), default);

        // Act
        for (var i = 0; i < 3; i++)
        {
            await Store.GetAsync(tenant, CacheTestSupport.Hash("k"), default);
        }

        Store.RecordLookup(tenant, hit: false);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Equal((3L, 1L), (usage!.Hits, usage.Misses));
        Assert.Equal(0.75, usage.HitRate, 3);
    }

    /// <summary>Polls (bounded) until none of the entries of generation 0 occupies storage.</summary>
    protected async Task<bool> WaitUntilReclaimedAsync(string tenantId, IEnumerable<string> hashes)
    {
        var list = hashes.ToList();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var anyLeft = false;
            foreach (var hash in list)
            {
                if (await ExistsAsync(tenantId, 0, hash))
                {
                    anyLeft = true;
                    break;
                }
            }

            if (!anyLeft)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>A write request with the suite's defaults.</summary>
    [Fact]
    public async Task SetAsync_WithVectorRecord_ChargedWithTheEntryAndExpiresWithIt()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var value = CacheTestSupport.Value(tenant, 100);

        // Act
        var write = await Store.SetAsync(Write(tenant, "q", 0, value, ShortTtl) with { Vector = Vector(200) }, default);
        var stored = await StoredBytesAsync(tenant, 0, [CacheTestSupport.Hash("q")]);
        await AdvanceAsync(ShortTtl + ShortTtl);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Equal((CacheWriteStatus.Stored, true), (write.Status, write.VectorStored));
        Assert.Equal(value.Length + 200, write.UsedBytes);
        Assert.Equal(write.UsedBytes, stored);
        Assert.Equal((0L, 0L), (usage!.SizeBytes, usage.KeyCount));
        Assert.Equal(0, await StoredBytesAsync(tenant, 0, [CacheTestSupport.Hash("q")]));
    }

    [Fact]
    public async Task SetAsync_RoomForEntryButNotVector_EntryStoredAloneAndChargedAlone()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var value = CacheTestSupport.Value(tenant, 100);
        var limit = value.Length + 199L;

        // Act
        var write = await Store.SetAsync(Write(tenant, "q", 0, value, Long, limit) with { Vector = Vector(200) }, default);
        var stored = await StoredBytesAsync(tenant, 0, [CacheTestSupport.Hash("q")]);
        var lookup = await Store.GetAsync(tenant, CacheTestSupport.Hash("q"), default);

        // Assert
        Assert.Equal((CacheWriteStatus.Stored, false), (write.Status, write.VectorStored));
        Assert.Equal(value.Length, write.UsedBytes);
        Assert.Equal(value.Length, stored);
        Assert.Equal(CacheLookupStatus.Hit, lookup.Status);
    }

    [Fact]
    public async Task SetAsync_RewrittenWithoutVector_RecordDroppedFromStorageAndAccounting()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var value = CacheTestSupport.Value(tenant, 100);
        await Store.SetAsync(Write(tenant, "q", 0, value, Long) with { Vector = Vector(200) }, default);

        // Act: a semantic route's write that could not embed (an empty record).
        var rewrite = await Store.SetAsync(Write(tenant, "q", 0, value, Long) with { Vector = Vector(0) }, default);
        var stored = await StoredBytesAsync(tenant, 0, [CacheTestSupport.Hash("q")]);

        // Assert
        Assert.Equal((CacheWriteStatus.Stored, false, (long)value.Length), (rewrite.Status, rewrite.VectorStored, rewrite.UsedBytes));
        Assert.Equal(value.Length, stored);
    }

    [Fact]
    public async Task PeekAsync_StoredEntry_ReadWithoutCountingALookup()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        await Store.SetAsync(Write(tenant, "q", 0, CacheTestSupport.Value(tenant, 10), Long), default);

        // Act
        var peek = await Store.PeekAsync(tenant, CacheTestSupport.Hash("q"), 0, default);
        var otherGeneration = await Store.PeekAsync(tenant, CacheTestSupport.Hash("q"), 1, default);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Equal(CacheLookupStatus.Hit, peek.Status);
        Assert.Equal(tenant, peek.Entry!.TenantId);
        Assert.Equal(CacheLookupStatus.Miss, otherGeneration.Status);
        Assert.Equal((0L, 0L), (usage!.Hits, usage.Misses));
    }

    private protected static CacheWriteRequest Write(string tenant, string seed, long generation, byte[] value, TimeSpan ttl, long limit = long.MaxValue) =>
        new(tenant, CacheTestSupport.Hash(seed), generation, value, ttl, limit, Meta);

    /// <summary>A vector record of <paramref name="bytes"/> bytes (opaque to the store).</summary>
    private protected static CacheVectorWrite Vector(int bytes) => new(Enumerable.Repeat((byte)'v', bytes).ToArray(), 1000);
}
