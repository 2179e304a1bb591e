using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Redis;

/// <summary>The shared Redis fixture: reachable, scripts work, and it can be taken down and brought back on the same port.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisServerFixtureTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Fixture_Running_AnswersCommandsAndScripts()
    {
        // Arrange
        output.WriteLine($"server: {redis.Kind} on port {redis.Port}");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();

        // Act
        await db.StringSetAsync("fixture:{t}:k", "v");
        var value = await db.StringGetAsync("fixture:{t}:k");
        var scriptResult = await EvalShaRoundTripAsync(connection);

        // Assert
        Assert.Equal("v", value.ToString());
        Assert.Equal(42, scriptResult);
    }

    [Fact]
    public async Task StopAsyncThenStartAsync_SamePort_ServesAgain()
    {
        // Arrange
        var port = redis.Port;

        // Act
        await redis.StopAsync();
        var whileDown = await Record.ExceptionAsync(() => RespClient.SendAsync(redis.Port, "PING"));
        await redis.StartAsync();
        var afterRestart = await RespClient.SendAsync(redis.Port, "PING");

        // Assert
        Assert.NotNull(whileDown);
        Assert.Equal(port, redis.Port);
        Assert.Equal("PONG", afterRestart);
    }

    /// <summary>Loads a script and runs it by SHA, as the gateway's Lua-based stores do.</summary>
    internal static async Task<long> EvalShaRoundTripAsync(IConnectionMultiplexer connection)
    {
        var db = connection.GetDatabase();
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        const string script = "redis.call('SET', KEYS[1], ARGV[1]); return tonumber(redis.call('GET', KEYS[1]))";
        var sha = await server.ScriptLoadAsync(script);
        var result = await db.ExecuteAsync("EVALSHA", Convert.ToHexString(sha).ToLowerInvariant(), 1, "fixture:{t}:n", 42);
        return (long)result;
    }
}

/// <summary>The fallback server: Garnet in-process, with Lua, when <c>redis-server</c> is not installed.</summary>
public sealed class GarnetFallbackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Create_GarnetKind_ServesLuaScriptsByShaOnLoopback()
    {
        // Arrange
        var garnet = RedisServerFixture.Create(RedisServerKind.Garnet);
        await garnet.StartAsync();
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
            output.WriteLine($"server: {garnet.Kind} on port {garnet.Port}");

            // Act
            var result = await RedisServerFixtureTests.EvalShaRoundTripAsync(connection);

            // Assert
            Assert.Equal(RedisServerKind.Garnet, garnet.Kind);
            Assert.Equal(42, result);
        }
        finally
        {
            await garnet.DisposeAsync();
        }
    }
}
