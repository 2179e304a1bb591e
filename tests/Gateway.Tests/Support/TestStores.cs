using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Redis;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Support;

/// <summary>The shared-store components of unit tests, built without Redis (the embedded, single-node mode).</summary>
internal static class TestStores
{
    /// <summary>A guard over a connection with no Redis configured.</summary>
    public static RedisGuard NoRedis(IGatewaySettings settings, IMeterFactory meters, TimeProvider time) =>
        new(new RedisConnection(settings, NullLogger<RedisConnection>.Instance), settings, new RedisMetrics(meters), time, NullLogger<RedisGuard>.Instance);

    /// <summary>Burst grants held by this process only.</summary>
    public static BurstGrants Bursts(IGatewaySettings settings, IMeterFactory meters, TimeProvider time) =>
        new(NoRedis(settings, meters, time), settings, meters, time, NullLogger<BurstGrants>.Instance);
}
