using System.Diagnostics.Metrics;
using System.Text;
using Gateway.Config.Options;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Caching.Stores.Redis;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.IntegrationTests.Caching;

/// <summary>Builds cache stores outside a gateway, for the contract suite.</summary>
internal static class CacheTestSupport
{
    /// <summary>A tenant id no other test uses, so tests sharing one Redis never see each other's keys.</summary>
    public static string UniqueTenant(string prefix = "ct") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    /// <summary>A serialized entry for <paramref name="recordedTenant"/> whose body is <paramref name="bodyBytes"/> long.</summary>
    public static byte[] Value(string recordedTenant, int bodyBytes, char fill = 'x') =>
        CacheEntrySerializer.Serialize(new CacheEntry(recordedTenant, 200, DateTimeOffset.UtcNow,
            [new("Content-Type", "application/json")], Encoding.ASCII.GetBytes(new string(fill, bodyBytes))));

    /// <summary>A key hash (the store treats it as opaque hex).</summary>
    public static string Hash(string seed) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    /// <summary>Settings with the given Redis configuration and the default tiers.</summary>
    public static IGatewaySettings Settings(string? redis = null, int operationTimeoutMs = 250)
    {
        var options = new GatewayOptions
        {
            Jwt = new JwtOptions { Issuer = "i", Audience = "a", SigningKey = GatewayConfigBuilder.SigningKey, AllowSharedSecret = true },
            Redis = new RedisOptions { Configuration = redis, OperationTimeoutMs = operationTimeoutMs, BreakerFailureThreshold = 50 },
        };
        if (!GatewaySettingsBuilder.TryBuild(options, 1, out var settings, out var errors))
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        return new FixedSettings(settings!);
    }

    /// <summary>Redis metrics on a private meter factory.</summary>
    public static RedisMetrics Metrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    /// <summary>A started connection and a store over it; dispose both.</summary>
    public static async Task<(RedisConnection Connection, RedisGuard Guard, RedisCacheStore Store)> StartRedisStoreAsync(string configuration, TimeProvider? time = null)
    {
        var settings = Settings(configuration);
        var connection = new RedisConnection(settings, NullLogger<RedisConnection>.Instance);
        await connection.StartAsync(CancellationToken.None);
        var guard = new RedisGuard(connection, settings, Metrics(), time ?? TimeProvider.System, NullLogger<RedisGuard>.Instance);
        var store = new RedisCacheStore(guard, time ?? TimeProvider.System, NullLogger<RedisCacheStore>.Instance);
        return (connection, guard, store);
    }

    private sealed class FixedSettings(GatewaySettings current) : IGatewaySettings
    {
        public GatewaySettings Current => current;

        public event Action<GatewaySettings>? Changed
        {
            add { }
            remove { }
        }

        public event Action<IReadOnlyList<string>>? Rejected
        {
            add { }
            remove { }
        }
    }
}
