using Gateway.Transforms.Infrastructure.Redis;
using Gateway.Transforms.Throttling;
using StackExchange.Redis;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>
/// The GCRA Lua script itself, against a real Redis: burst, refusal figures, refusals not counted, key expiry, leases,
/// and rates in the millions (where a double of microseconds since 1970 could no longer hold the interval).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class GcraScriptTests(RedisServerFixture redis) : IAsyncLifetime
{
    private ConnectionMultiplexer? _connection;

    private IDatabase Db => _connection!.GetDatabase();

    public async Task InitializeAsync() => _connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Script_BurstThenRefusal_CountsDownAndGivesRetryAndReset()
    {
        // Arrange: 1 req/s, bucket of 3; the script is loaded first so the timed calls are only the four below.
        var tenant = Unique();
        await RunAsync(Unique(), rate: 1, burst: 3);

        // Act
        var results = new List<long[]>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await RunAsync(tenant, rate: 1, burst: 3));
        }

        var elapsedMs = clock.ElapsedMilliseconds;

        // Assert: {granted, remaining, retry_after_us, reset_after_us}. The server's clock moved by at most
        // elapsedMs between the first and the last call, which is all the figures may be short by.
        Assert.Equal([1L, 1L, 1L, 0L], results.Select(r => r[0]));
        Assert.Equal([2L, 1L, 0L, 0L], results.Select(r => r[1]));
        Assert.All(results.Take(3), r => Assert.Equal(0, r[2]));
        Assert.InRange(results[3][2], (1000 - elapsedMs - 2) * 1000, 1_000_000);
        Assert.InRange(results[3][3], (3000 - elapsedMs - 2) * 1000, 3_000_000);
        Assert.InRange(results[2][3], (3000 - elapsedMs - 2) * 1000, 3_000_000);
    }

    [Fact]
    public async Task Script_Refusals_DoNotPushReopeningBack()
    {
        // Arrange: 5 req/s, bucket of 1; the first call uses it.
        var tenant = Unique();
        Assert.Equal(1, (await RunAsync(tenant, 5, 1))[0]);

        // Act: hammer the closed door, then wait as long as the first refusal said.
        long retryAfter = 0;
        for (var i = 0; i < 20; i++)
        {
            var refused = await RunAsync(tenant, 5, 1);
            Assert.Equal(0, refused[0]);
            retryAfter = i == 0 ? refused[2] : retryAfter;
        }

        await Task.Delay(TimeSpan.FromMilliseconds((retryAfter / 1000) + 20));
        var reopened = await RunAsync(tenant, 5, 1);

        // Assert
        Assert.Equal(1, reopened[0]);
    }

    [Fact]
    public async Task Script_Admission_KeyExpiresWhenBucketWouldBeFull()
    {
        // Arrange
        var tenant = Unique();

        // Act
        var result = await RunAsync(tenant, rate: 2, burst: 2);
        var ttl = await Db.KeyTimeToLiveAsync(RedisKeys.RateLimit(tenant));

        // Assert: after one admission the bucket is full again in one interval (500 ms).
        Assert.Equal(1, result[0]);
        Assert.Equal(500_000, result[3]);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalMilliseconds, 1, 500);
    }

    [Fact]
    public async Task Script_TwoTenants_KeysIndependent()
    {
        // Arrange
        var a = Unique();
        var b = Unique();
        await RunAsync(a, 1, 1);

        // Act
        var other = await RunAsync(b, 1, 1);
        var again = await RunAsync(a, 1, 1);

        // Assert
        Assert.Equal(1, other[0]);
        Assert.Equal(0, again[0]);
    }

    [Fact]
    public async Task Script_TenMillionPerSecond_AdmitsTheBurstThenRefusesWithoutError()
    {
        // Arrange: an interval of 0.1 µs. The previous script lost it in the clock's double and wrote SET ... PX 0,
        // which Redis rejects: every call failed.
        var tenant = Unique();

        // Act
        var results = new List<long[]>();
        for (var i = 0; i < 12; i++)
        {
            results.Add(await RunAsync(tenant, rate: 10_000_000, burst: 10));
        }

        // Assert: no call failed (RunAsync would throw), the first saw the whole burst of 10 and moved the state by one
        // interval (rounded up to 1 µs); later calls may find the bucket refilled, since a call takes far longer than 1 µs.
        Assert.Equal([1L, 9L, 0L, 1L], results[0]);
        Assert.All(results, r => Assert.InRange(r[0], 0, 1));
    }

    [Fact]
    public async Task Script_ManyMillionsPerSecond_ExactCountWithinOneBurst()
    {
        // Arrange: 4.5M req/s with a burst of 1000: a window of 222 µs, far shorter than one call, so the count is exact
        // only if every interval (0.222 µs) is added exactly.
        var tenant = Unique();

        // Act: one lease call asks for everything the fraction allows, the next for the rest.
        var first = await RunAsync(tenant, rate: 4_500_000, burst: 1000, want: 1000, fraction: 1);

        // Assert: the whole burst, with nothing left and the reset time its 1000 intervals (222.2 µs, rounded up).
        Assert.Equal([1000L, 0L, 0L, 223L], first);
    }

    [Fact]
    public async Task Script_LeaseFarBelowLimit_GrantsAtMostTheFractionOfWhatIsAvailable()
    {
        // Arrange: 1 req/s with a burst of 100: 100 available at once, and a whole second before one more is.
        var tenant = Unique();

        // Act
        var lease = await RunAsync(tenant, rate: 1, burst: 100, want: 50, fraction: 0.1);
        var second = await RunAsync(tenant, rate: 1, burst: 100, want: 50, fraction: 0.1);

        // Assert: a tenth of 100, then a tenth of the 90 left; each moved the state by what it granted.
        Assert.Equal([10L, 90L, 0L, 10_000_000L], lease);
        Assert.Equal(9, second[0]);
        Assert.Equal(81, second[1]);
    }

    [Fact]
    public async Task Script_LeaseNearLimit_GrantsOneAtATime()
    {
        // Arrange: a burst of 5, of which 4 are used.
        var tenant = Unique();
        for (var i = 0; i < 4; i++)
        {
            await RunAsync(tenant, rate: 1, burst: 5);
        }

        // Act
        var lease = await RunAsync(tenant, rate: 1, burst: 5, want: 100, fraction: 0.1);
        var refused = await RunAsync(tenant, rate: 1, burst: 5, want: 100, fraction: 0.1);

        // Assert
        Assert.Equal(1, lease[0]);
        Assert.Equal(0, lease[1]);
        Assert.Equal(0, refused[0]);
    }

    private async Task<long[]> RunAsync(string tenant, double rate, int burst, long want = 1, double fraction = 0.1)
    {
        var reply = await Db.ScriptEvaluateAsync(GcraScript.Text, [RedisKeys.RateLimit(tenant)], [rate, burst, want, fraction]);
        return (long[])reply!;
    }

    private static string Unique() => "gcra-" + Guid.NewGuid().ToString("N")[..12];
}
