using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Gateway.IntegrationTests.Caching;

/// <summary>
/// The cache through the real gateway, run against each store: isolation, hit after miss, TTL per tier, every
/// non-cacheable case, request-side directives, quota, invalidation, coalescing and the admin endpoints.
/// Each test starts its own gateway with tenants nobody else uses.
/// </summary>
public abstract class TenantCacheScenarios : IAsyncLifetime
{
    private CacheGateway? _cache;

    /// <summary>The gateway under test.</summary>
    protected CacheGateway Cache => _cache ?? throw new InvalidOperationException("Not started.");

    /// <summary>Redis configuration, or null for the embedded store.</summary>
    protected abstract string? RedisConfiguration { get; }

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _cache = await CacheGateway.StartAsync(RedisConfiguration);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_cache is not null)
        {
            await _cache.DisposeAsync();
        }
    }

    [Fact]
    public async Task Proxy_TwoTenantsSameQuery_EachGetsItsOwnUpstreamAnswer()
    {
        // Arrange
        var tokenA = CacheGateway.Token(Cache.TenantA);
        var tokenB = CacheGateway.Token(Cache.TenantB);

        // Act
        var firstA = await Cache.SendAsync("/c/same", tokenA);
        var firstB = await Cache.SendAsync("/c/same", tokenB);
        var againA = await Cache.SendAsync("/c/same", tokenA);
        var againB = await Cache.SendAsync("/c/same", tokenB);

        // Assert
        Assert.Equal(("MISS", Cache.TenantA), (firstA.Cache, firstA.Tenant));
        Assert.Equal(("MISS", Cache.TenantB), (firstB.Cache, firstB.Tenant));
        Assert.Equal(("HIT", Cache.TenantA), (againA.Cache, againA.Tenant));
        Assert.Equal(("HIT", Cache.TenantB), (againB.Cache, againB.Tenant));
        Assert.Equal(2, Cache.UpstreamCalls("/c/same"));
    }

    [Fact]
    public async Task Proxy_ThousandRequestsTwoTenantsFiftyQueries_ZeroCrossTenantAnswers()
    {
        // Arrange: 2 tenants x 50 queries x 10 rounds, interleaved and concurrent.
        var tenants = new[] { Cache.TenantA, Cache.TenantB };
        var tokens = tenants.ToDictionary(t => t, t => CacheGateway.Token(t));
        var work = Enumerable.Range(0, 10)
            .SelectMany(round => Enumerable.Range(0, 50).SelectMany(q => tenants.Select(t => (Tenant: t, Path: $"/c/q{q}"))))
            .ToList();
        var wrong = new ConcurrentBag<string>();
        var hits = 0;
        var shared = 0;
        var failures = 0;

        // Act
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, _) =>
        {
            var answer = await Cache.SendAsync(item.Path, tokens[item.Tenant], body: $"{{\"query\":\"{item.Path}\"}}");
            if (answer.Status != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref failures);
                wrong.Add($"{item.Tenant} {item.Path}: {(int)answer.Status} {answer.Body}");
            }
            else if (answer.Tenant != item.Tenant || answer.Path != item.Path)
            {
                wrong.Add($"{item.Tenant} {item.Path} got {answer.Body}");
            }

            if (answer.Cache == "HIT")
            {
                Interlocked.Increment(ref hits);
            }
            else if (answer.Coalesced)
            {
                Interlocked.Increment(ref shared);
            }
        });

        // Assert
        Assert.Equal(1000, work.Count);
        Assert.True(failures == 0 && wrong.IsEmpty, string.Join("\n", wrong.Take(10)));
        Assert.True(hits + shared >= 800, $"only {hits} hits and {shared} coalesced answers out of 1000");
        var upstreamCalls = Cache.Upstream.LogEntries.Count;
        Assert.True(upstreamCalls <= 200, $"{upstreamCalls} upstream calls");
    }

    [Fact]
    public async Task Proxy_RepeatedQuery_HitAfterMissWithAgeAndUpstreamCalledOnce()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantA);

        // Act
        var miss = await Cache.SendAsync("/c/age", token);
        await Task.Delay(1100);
        var hit = await Cache.SendAsync("/c/age", token);

        // Assert
        Assert.Equal(HttpStatusCode.OK, miss.Status);
        Assert.Equal("MISS", miss.Cache);
        Assert.Null(miss.Age);
        Assert.Equal("HIT", hit.Cache);
        Assert.Equal(miss.Body, hit.Body);
        Assert.NotNull(hit.Age);
        Assert.InRange(hit.Age!.Value, 1, 5);
        Assert.Equal(1, Cache.UpstreamCalls("/c/age"));
    }

    [Fact]
    public async Task Proxy_PostBody_PartOfKeyAndForwardedIntact()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantA);
        var bodyOne = "{\"query\":\"first question\",\"top_k\":3}";
        var bodyTwo = "{\"query\":\"second question\",\"top_k\":3}";

        // Act
        var one = await Cache.SendAsync("/c/body", token, bodyOne);
        var two = await Cache.SendAsync("/c/body", token, bodyTwo);
        var oneAgain = await Cache.SendAsync("/c/body", token, bodyOne);

        // Assert
        Assert.Equal(("MISS", "MISS", "HIT"), (one.Cache, two.Cache, oneAgain.Cache));
        var received = Cache.Upstream.LogEntries.Where(e => e.RequestMessage.Path == "/c/body").Select(e => e.RequestMessage.Body).ToList();
        Assert.Equal([bodyOne, bodyTwo], received);
    }

    [Fact]
    public async Task Proxy_TierTtlOfOneSecond_ExpiresWhileLongerTierStillHits()
    {
        // Arrange
        var shortToken = CacheGateway.Token(Cache.TenantShort);
        var longToken = CacheGateway.Token(Cache.TenantA);
        await Cache.SendAsync("/c/ttl", shortToken);
        await Cache.SendAsync("/c/ttl", longToken);
        var shortHit = await Cache.SendAsync("/c/ttl", shortToken);

        // Act
        await Task.Delay(1300);
        var shortAfter = await Cache.SendAsync("/c/ttl", shortToken);
        var longAfter = await Cache.SendAsync("/c/ttl", longToken);

        // Assert
        Assert.Equal("HIT", shortHit.Cache);
        Assert.Equal("MISS", shortAfter.Cache);
        Assert.Equal("HIT", longAfter.Cache);
    }

    [Fact]
    public async Task Proxy_UpstreamMaxAgeShorterThanTier_EntryExpiresWithUpstreamLifetime()
    {
        // Arrange
        Cache.Map("/c/maxage", r => r.WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithHeader("Cache-Control", "public, max-age=1").WithBody("{\"tenant\":\"x\"}"));
        var token = CacheGateway.Token(Cache.TenantA);
        await Cache.SendAsync("/c/maxage", token);
        var hit = await Cache.SendAsync("/c/maxage", token);

        // Act
        await Task.Delay(1300);
        var after = await Cache.SendAsync("/c/maxage", token);

        // Assert
        Assert.Equal("HIT", hit.Cache);
        Assert.Equal("MISS", after.Cache);
        Assert.Equal(2, Cache.UpstreamCalls("/c/maxage"));
    }

    [Theory]
    [InlineData("status-500")]
    [InlineData("status-404")]
    [InlineData("status-201")]
    [InlineData("set-cookie")]
    [InlineData("private")]
    [InlineData("no-store")]
    [InlineData("no-cache")]
    [InlineData("vary-star")]
    [InlineData("vary-unkeyed")]
    [InlineData("too-large")]
    [InlineData("event-stream")]
    public async Task Proxy_NonCacheableResponse_NotStoredAndUpstreamAskedEachTime(string kind)
    {
        // Arrange
        var path = "/c/nc-" + kind;
        Cache.Map(path, r =>
        {
            var ok = r.WithStatusCode(200).WithHeader("Content-Type", "application/json");
            return kind switch
            {
                "status-500" => r.WithStatusCode(500).WithBody("{}"),
                "status-404" => r.WithStatusCode(404).WithBody("{}"),
                "status-201" => r.WithStatusCode(201).WithBody("{}"),
                "set-cookie" => ok.WithHeader("Set-Cookie", "session=secret").WithBody("{}"),
                "private" => ok.WithHeader("Cache-Control", "private, max-age=60").WithBody("{}"),
                "no-store" => ok.WithHeader("Cache-Control", "no-store").WithBody("{}"),
                "no-cache" => ok.WithHeader("Cache-Control", "no-cache").WithBody("{}"),
                "vary-star" => ok.WithHeader("Vary", "*").WithBody("{}"),
                "vary-unkeyed" => ok.WithHeader("Vary", "Cookie").WithBody("{}"),
                "too-large" => ok.WithBody(new string('x', CacheGateway.MaxEntryBytes + 1)),
                "event-stream" => r.WithStatusCode(200).WithHeader("Content-Type", "text/event-stream").WithBody("data: token\n\n"),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        });
        var token = CacheGateway.Token(Cache.TenantA);

        // Act
        var first = await Cache.SendAsync(path, token);
        var second = await Cache.SendAsync(path, token);

        // Assert
        Assert.Equal("MISS", first.Cache);
        Assert.Equal("MISS", second.Cache);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(2, Cache.UpstreamCalls(path));
    }

    [Fact]
    public async Task Proxy_VaryOnConfiguredHeader_OneEntryPerHeaderValue()
    {
        // Arrange
        Cache.Map("/c/vary", r => r.WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("Vary", "Accept-Language")
            .WithBody("{\"lang\":\"{{request.headers.Accept-Language}}\"}").WithTransformer());
        var token = CacheGateway.Token(Cache.TenantA);

        // Act
        var german = await Cache.SendAsync("/c/vary", token, configure: r => r.Headers.AcceptLanguage.ParseAdd("de"));
        var french = await Cache.SendAsync("/c/vary", token, configure: r => r.Headers.AcceptLanguage.ParseAdd("fr"));
        var germanAgain = await Cache.SendAsync("/c/vary", token, configure: r => r.Headers.AcceptLanguage.ParseAdd("de"));

        // Assert
        Assert.Equal(("MISS", "MISS", "HIT"), (german.Cache, french.Cache, germanAgain.Cache));
        Assert.Contains("de", germanAgain.Body, StringComparison.Ordinal);
        Assert.Contains("fr", french.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_ClientNoStore_BypassesLookupAndStore()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantA);
        await Cache.SendAsync("/c/nostore", token);

        // Act
        var bypassed = await Cache.SendAsync("/c/nostore", token, configure: r => r.Headers.CacheControl = CacheGateway.CacheControl("no-store"));
        var bypassedOther = await Cache.SendAsync("/c/nostore-2", token, configure: r => r.Headers.CacheControl = CacheGateway.CacheControl("no-store"));
        var afterOther = await Cache.SendAsync("/c/nostore-2", token);

        // Assert
        Assert.Equal("BYPASS", bypassed.Cache);
        Assert.Equal(2, Cache.UpstreamCalls("/c/nostore"));
        Assert.Equal("BYPASS", bypassedOther.Cache);
        Assert.Equal("MISS", afterOther.Cache);
    }

    [Fact]
    public async Task Proxy_ClientNoCache_SkipsLookupButStoresTheFreshAnswer()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantA);
        await Cache.SendAsync("/c/nocache", token);

        // Act
        var fresh = await Cache.SendAsync("/c/nocache", token, configure: r => r.Headers.CacheControl = CacheGateway.CacheControl("no-cache"));
        var next = await Cache.SendAsync("/c/nocache", token);

        // Assert
        Assert.Equal("MISS", fresh.Cache);
        Assert.Equal("HIT", next.Cache);
        Assert.Equal(2, Cache.UpstreamCalls("/c/nocache"));
    }

    [Fact]
    public async Task Proxy_RequestBodyOverCacheCap_BypassedAndForwardedWhole()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantA);
        var body = "{\"query\":\"" + new string('q', CacheGateway.MaxRequestBodyBytes) + "\"}";

        // Act
        var first = await Cache.SendAsync("/c/bigbody", token, body);
        var second = await Cache.SendAsync("/c/bigbody", token, body);

        // Assert
        Assert.Equal(("BYPASS", "BYPASS"), (first.Cache, second.Cache));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.All(Cache.Upstream.LogEntries.Where(e => e.RequestMessage.Path == "/c/bigbody"), e => Assert.Equal(body, e.RequestMessage.Body));
        Assert.Equal(2, Cache.UpstreamCalls("/c/bigbody"));
    }

    [Fact]
    public async Task Proxy_RouteWithoutCacheMetadata_NoXCacheAndNeverStored()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantA);

        // Act
        var first = await Cache.SendAsync("/p/plain", token);
        var second = await Cache.SendAsync("/p/plain", token);

        // Assert
        Assert.Null(first.Cache);
        Assert.Null(second.Cache);
        Assert.Equal(2, Cache.UpstreamCalls("/p/plain"));
    }

    [Fact]
    public async Task Proxy_UserScopedRoute_SubjectsOfOneTenantDoNotShareEntries()
    {
        // Arrange
        var alice = CacheGateway.Token(Cache.TenantA, "alice");
        var bob = CacheGateway.Token(Cache.TenantA, "bob");

        // Act
        var aliceFirst = await Cache.SendAsync("/u/docs", alice);
        var bobFirst = await Cache.SendAsync("/u/docs", bob);
        var aliceAgain = await Cache.SendAsync("/u/docs", alice);
        var bobAgain = await Cache.SendAsync("/u/docs", bob);

        // Assert
        Assert.Equal(("MISS", "MISS", "HIT", "HIT"), (aliceFirst.Cache, bobFirst.Cache, aliceAgain.Cache, bobAgain.Cache));
        Assert.Equal(2, Cache.UpstreamCalls("/u/docs"));
    }

    [Fact]
    public async Task Proxy_HundredConcurrentIdenticalMisses_OneUpstreamCall()
    {
        // Arrange
        Cache.Map("/c/coalesce", r => r.WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("{\"tenant\":\"coalesced\"}").WithDelay(300));
        var token = CacheGateway.Token(Cache.TenantA);

        // Act
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => Cache.SendAsync("/c/coalesce", token))));

        // Assert
        Assert.Equal(1, Cache.UpstreamCalls("/c/coalesce"));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers, a => Assert.Equal("{\"tenant\":\"coalesced\"}", a.Body));
        Assert.Single(answers, a => a.Cache == "MISS" && !a.Coalesced);
        Assert.Contains(answers, a => a.Coalesced);
    }

    [Fact]
    public async Task Proxy_ConcurrentIdenticalMissesOfTwoTenants_NeverShareAnUpstreamCall()
    {
        // Arrange
        Cache.Map("/c/coalesce-two", r => r.WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("{\"tenant\":\"{{request.headers.X-Tenant-Id}}\"}").WithTransformer().WithDelay(300));
        var tenants = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? Cache.TenantA : Cache.TenantB).ToList();

        // Act
        var answers = await Task.WhenAll(tenants.Select(t => Task.Run(async () => (Tenant: t, Answer: await Cache.SendAsync("/c/coalesce-two", CacheGateway.Token(t))))));

        // Assert
        Assert.All(answers, a => Assert.Equal(a.Tenant, a.Answer.Tenant));
        Assert.Equal(2, Cache.UpstreamCalls("/c/coalesce-two"));
    }

    [Fact]
    public async Task Proxy_ConcurrentMissesOnNonCacheableAnswer_FollowersGoUpstreamThemselves()
    {
        // Arrange
        Cache.Map("/c/coalesce-private", r => r.WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithHeader("Cache-Control", "private").WithBody("{\"tenant\":\"private\"}").WithDelay(200));
        var token = CacheGateway.Token(Cache.TenantA);

        // Act
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Cache.SendAsync("/c/coalesce-private", token))));

        // Assert
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.DoesNotContain(answers, a => a.Coalesced);
        Assert.Equal(5, Cache.UpstreamCalls("/c/coalesce-private"));
    }

    [Fact]
    public async Task Proxy_UpstreamSlowerThanTier_TimeoutProblemCarriesXCache()
    {
        // Arrange
        Cache.Map("/c/slow", r => r.WithStatusCode(200).WithBody("{}").WithDelay(1000));

        // Act
        var answer = await Cache.SendAsync("/c/slow", CacheGateway.Token(Cache.TenantStrict));

        // Assert
        Assert.Equal(HttpStatusCode.GatewayTimeout, answer.Status);
        Assert.Equal("MISS", answer.Cache);
    }

    [Fact]
    public async Task Proxy_TenantFillsTinyQuota_WritesSkippedFrom95PercentWhileOtherTenantKeepsHitting()
    {
        // Arrange: tenant B caches ten answers first; the tiny tenant's answers are about 1 KB each. The store write
        // follows the answer, and the very first writes of a run can run past the Redis budget on a loaded machine,
        // so B's entries are confirmed stored (re-sent if need be) before the tiny tenant starts.
        var tokenB = CacheGateway.Token(Cache.TenantB);
        var tokenTiny = CacheGateway.Token(Cache.TenantTiny);
        var arrangeRequestsB = 0;
        var arrangeHitsB = 0;
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                var answer = await Cache.SendAsync($"/c/b{i}", tokenB);
                arrangeRequestsB++;
                arrangeHitsB += answer.Cache == "HIT" ? 1 : 0;
            }

            var storedB = await Poll.UntilAsync(
                async () => (await Cache.CacheMetricsAsync(Cache.TenantB)).GetProperty("key_count").GetInt64(),
                count => count == 10,
                TimeSpan.FromSeconds(2));
            if (storedB == 10)
            {
                break;
            }
        }

        for (var i = 0; i < 12; i++)
        {
            Cache.Map($"/c/big{i}", r => r.WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"pad\":\"" + new string('p', 1000) + "\"}"));
        }

        // Act
        var tinyAnswers = new List<CacheAnswer>();
        for (var i = 0; i < 12; i++)
        {
            tinyAnswers.Add(await Cache.SendAsync($"/c/big{i}", tokenTiny));
        }

        var tinyRepeat = new List<CacheAnswer>();
        for (var i = 0; i < 12; i++)
        {
            tinyRepeat.Add(await Cache.SendAsync($"/c/big{i}", tokenTiny));
        }

        var bAnswers = new List<CacheAnswer>();
        for (var i = 0; i < 10; i++)
        {
            bAnswers.Add(await Cache.SendAsync($"/c/b{i}", tokenB));
        }

        var tiny = await Cache.CacheMetricsAsync(Cache.TenantTiny);
        var other = await Cache.CacheMetricsAsync(Cache.TenantB);

        // Assert
        var limit = (long)(CacheGateway.TinyQuotaBytes * 0.95);
        var stored = tiny.GetProperty("key_count").GetInt64();
        var size = tiny.GetProperty("size_bytes").GetInt64();
        Assert.All(tinyAnswers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.InRange(stored, 5, 8);
        Assert.InRange(size, limit - 1200, limit);
        Assert.Equal(CacheGateway.TinyQuotaBytes, tiny.GetProperty("quota_bytes").GetInt64());
        Assert.Equal(stored, tinyRepeat.Count(a => a.Cache == "HIT"));
        Assert.All(tinyRepeat.Skip((int)stored), a => Assert.Equal("MISS", a.Cache));
        Assert.All(bAnswers, a => Assert.Equal("HIT", a.Cache));
        Assert.Equal(10, other.GetProperty("key_count").GetInt64());
        Assert.Equal((arrangeHitsB + 10.0) / (arrangeRequestsB + 10), other.GetProperty("hit_rate").GetDouble(), 3);
    }

    [Fact]
    public async Task Invalidate_TenantA_AMissesNextBKeepsHittingAndAMemoryReclaimed()
    {
        // Arrange
        var tokenA = CacheGateway.Token(Cache.TenantA);
        var tokenB = CacheGateway.Token(Cache.TenantB);
        for (var i = 0; i < 5; i++)
        {
            await Cache.SendAsync($"/c/inv{i}", tokenA);
            await Cache.SendAsync($"/c/inv{i}", tokenB);
        }

        var bBefore = await Cache.CacheMetricsAsync(Cache.TenantB);

        // Act
        var result = await Cache.InvalidateTenantAsync(Cache.TenantA);
        var aNext = await Cache.SendAsync("/c/inv0", tokenA);
        var bNext = await Cache.SendAsync("/c/inv0", tokenB);
        var aMetrics = await Poll.UntilAsync(
            () => Cache.CacheMetricsAsync(Cache.TenantA),
            m => m.GetProperty("key_count").GetInt64() == 1,
            TimeSpan.FromSeconds(5));
        var bAfter = await Cache.CacheMetricsAsync(Cache.TenantB);

        // Assert
        Assert.Equal(Cache.TenantA, result.GetProperty("tenant_id").GetString());
        Assert.Equal(5, result.GetProperty("deleted_keys").GetInt64());
        Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("message").GetString()));
        Assert.Equal("MISS", aNext.Cache);
        Assert.Equal("HIT", bNext.Cache);
        Assert.Equal(1, aMetrics.GetProperty("key_count").GetInt64());
        Assert.True(aMetrics.GetProperty("size_bytes").GetInt64() < bAfter.GetProperty("size_bytes").GetInt64() / 4);
        Assert.Equal(bBefore.GetProperty("size_bytes").GetInt64(), bAfter.GetProperty("size_bytes").GetInt64());
        Assert.Equal(5, bAfter.GetProperty("key_count").GetInt64());
    }

    [Fact]
    public async Task Invalidate_Callers_TenantAdminOfOwnTenantOrAdminAllowedOthers403Or401Or400()
    {
        // Arrange
        var body = JsonSerializer.Serialize(new { tenant_id = Cache.TenantA });

        // Act
        var other = await Cache.InvalidateAsync(TestTokens.TenantAdmin(Cache.TenantB), body);
        var anonymous = await Cache.InvalidateAsync(null, body);
        var badJson = await Cache.InvalidateAsync(CacheGateway.Token(Cache.TenantA), "{not json");
        var missing = await Cache.InvalidateAsync(CacheGateway.Token(Cache.TenantA), "{\"tenant\":\"x\"}");
        var ownUser = await Cache.InvalidateAsync(CacheGateway.Token(Cache.TenantA), body);
        var own = await Cache.InvalidateAsync(TestTokens.TenantAdmin(Cache.TenantA), body);
        var admin = await Cache.InvalidateAsync(TestTokens.Admin(), body);
        var metricsOfOther = await Cache.Gateway.Client.SendAsync(
            GatewayInstance.Request(HttpMethod.Get, $"/admin/cache/metrics/{Cache.TenantA}", CacheGateway.Token(Cache.TenantB)));

        // Assert
        await ProblemAssert.IsProblemAsync(other.Response, HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(ownUser.Response, HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(anonymous.Response, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsProblemAsync(badJson.Response, HttpStatusCode.BadRequest, "bad-request");
        await ProblemAssert.IsProblemAsync(missing.Response, HttpStatusCode.BadRequest, "bad-request");
        await ProblemAssert.IsProblemAsync(metricsOfOther, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
    }

    [Fact]
    public async Task Metrics_AfterTraffic_SharedCountsAndExactUsage()
    {
        // Arrange
        var token = CacheGateway.Token(Cache.TenantB);
        await Cache.SendAsync("/c/m1", token);
        await Cache.SendAsync("/c/m1", token);
        await Cache.SendAsync("/c/m1", token);
        await Cache.SendAsync("/c/m2", token);

        // Act
        var metrics = await Cache.CacheMetricsAsync(Cache.TenantB);
        var asAdmin = await Cache.Gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Get, $"/admin/cache/metrics/{Cache.TenantB}", TestTokens.Admin()));

        // Assert
        Assert.Equal(Cache.TenantB, metrics.GetProperty("tenant_id").GetString());
        Assert.Equal(2, metrics.GetProperty("hits").GetInt64());
        Assert.Equal(2, metrics.GetProperty("misses").GetInt64());
        Assert.Equal(0.5, metrics.GetProperty("hit_rate").GetDouble(), 3);
        Assert.Equal(2, metrics.GetProperty("key_count").GetInt64());
        Assert.InRange(metrics.GetProperty("size_bytes").GetInt64(), 100, 2000);
        Assert.Equal(10L << 30, metrics.GetProperty("quota_bytes").GetInt64());
        var effective = metrics.GetProperty("effective_quota_bytes").GetInt64();
        if (RedisConfiguration is null)
        {
            // The embedded store's bound (256 MB by default) shared among the configured tenants.
            Assert.InRange(effective, 1, 256L << 20);
        }
        else
        {
            Assert.Equal(10L << 30, effective);
        }

        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        var fields = JsonDocument.Parse(await asAdmin.Content.ReadAsStringAsync()).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(["tenant_id", "hits", "misses", "hit_rate", "size_bytes", "key_count", "quota_bytes", "effective_quota_bytes"], fields);
    }

    [Fact]
    public async Task Readyz_CacheComponent_Reported()
    {
        // Act
        using var response = await Cache.Gateway.GetAsync("/readyz");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // Assert
        var cache = document.RootElement.GetProperty("components").GetProperty("cache");
        Assert.Equal("ok", cache.GetProperty("status").GetString());
        Assert.Contains(RedisConfiguration is null ? "embedded" : "redis", cache.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
