using Gateway.Transforms.Infrastructure.Redis;
using Gateway.Transforms.Throttling;
using StackExchange.Redis;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>The GCRA Lua script itself, against a real Redis: burst, refusal figures, refusals not counted, key expiry.</summary>
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

        // Assert: {allowed, remaining, retry_after_ms, reset_after_ms}. The server's clock moved by at most
        // elapsedMs between the first and the last call, which is all the figures may be short by.
        Assert.Equal([1L, 1L, 1L, 0L], results.Select(r => r[0]));
        Assert.Equal([2L, 1L, 0L, 0L], results.Select(r => r[1]));
        Assert.All(results.Take(3), r => Assert.Equal(0, r[2]));
        Assert.InRange(results[3][2], 1000 - elapsedMs - 2, 1000);
        Assert.InRange(results[3][3], 3000 - elapsedMs - 2, 3000);
        Assert.InRange(results[2][3], 3000 - elapsedMs - 2, 3000);
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

        await Task.Delay(TimeSpan.FromMilliseconds(retryAfter + 20));
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
        Assert.InRange(result[3], 499, 500);
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

    private async Task<long[]> RunAsync(string tenant, double rate, int burst)
    {
        var reply = await Db.ScriptEvaluateAsync(GcraScript.Text, [RedisKeys.RateLimit(tenant)], [rate, burst, 1]);
        return (long[])reply!;
    }

    private static string Unique() => "gcra-" + Guid.NewGuid().ToString("N")[..12];
}
