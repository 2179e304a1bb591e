using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Redis;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// The rate of admin write actions (cache invalidations) per tenant, <c>Gateway:Admin:InvalidationsPerMinute</c>:
/// the same GCRA as request admission, on its own key (<c>ratelimit:{tenant}:admin</c>) so every node counts together;
/// this node's local bucket decides while Redis cannot (at the rate divided by <c>Throttling:ExpectedNodes</c>) or when
/// none is configured. Each write on a tenant counts against that tenant, whoever makes it, so one token cannot keep a
/// tenant's cache cold and push its load onto the shared backend.
/// </summary>
public sealed class TenantAdminLimiter
{
    private readonly SharedRateLimiter _shared;
    private readonly LocalRateLimiters _local = new();
    private readonly IGatewaySettings _settings;

    /// <summary>Creates the limiter.</summary>
    internal TenantAdminLimiter(SharedRateLimiter shared, IGatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(settings);
        _shared = shared;
        _settings = settings;
    }

    /// <summary>
    /// Counts one write on <paramref name="tenantId"/>. Returns null when it is admitted, otherwise the time until the
    /// next one would be. Only the caller's cancellation throws.
    /// </summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string tenantId, CancellationToken cancellationToken)
    {
        var options = _settings.Current.Options;
        var perMinute = options.Admin.InvalidationsPerMinute;
        var policy = new RateLimitPolicy(perMinute / 60.0, perMinute);
        RateLimitDecision decision;
        if (!_shared.IsConfigured)
        {
            decision = _local.Acquire(tenantId, policy, RateLimitSource.Embedded);
        }
        else if (await _shared.TryAcquireAtAsync(RedisKeys.AdminRateLimit(tenantId), policy,
                     TimeSpan.FromMilliseconds(options.Redis.OperationTimeoutMs), cancellationToken).ConfigureAwait(false) is { } shared)
        {
            decision = shared;
        }
        else
        {
            decision = _local.Acquire(tenantId, policy.PerNode(options.Throttling.ExpectedNodes), RateLimitSource.Fallback);
        }

        return decision.Allowed ? null : decision.RetryAfter;
    }
}
