using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Redis;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Decides admissions: the shared GCRA in Redis when Redis is configured and answers within the budget (through this
/// node's leases and remembered refusals, see <see cref="LeasedRateLimiter"/>), otherwise this node's local bucket at
/// the tier rate divided by <c>Gateway:Throttling:ExpectedNodes</c> (counted as a fallback). Without Redis configured
/// the local bucket has the whole tier rate: the node is the only one. Never throws because of Redis; only the
/// caller's cancellation propagates.
/// </summary>
internal sealed class TenantRateLimiter
{
    private readonly ISharedLimiter _shared;
    private readonly LeasedRateLimiter _leased;
    private readonly LocalRateLimiters _local;
    private readonly ThrottlingMetrics _metrics;

    /// <summary>Creates the limiter.</summary>
    public TenantRateLimiter(ISharedLimiter shared, LocalRateLimiters local, ThrottlingMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(metrics);
        _shared = shared;
        _leased = new LeasedRateLimiter(shared, time, static tenant => RedisKeys.RateLimit(tenant));
        _local = local;
        _metrics = metrics;
    }

    /// <summary>Decides one admission for the request's tenant under <paramref name="policy"/>.</summary>
    /// <remarks>Completes synchronously, without allocating, when no Redis call is needed (embedded mode, a lease, a remembered refusal).</remarks>
    public async ValueTask<RateLimitDecision> AcquireAsync(GatewayRequest request, RateLimitPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = request.TenantId ?? throw new InvalidOperationException("Throttling runs after tenant resolution.");
        if (!_shared.IsConfigured)
        {
            return _local.Acquire(tenantId, policy, RateLimitSource.Embedded);
        }

        var throttling = request.Settings.Options.Throttling;
        return await _leased.TryAcquireAsync(tenantId, policy, TimeSpan.FromMilliseconds(throttling.RedisBudgetMs), cancellationToken).ConfigureAwait(false)
            ?? Fallback(request, tenantId, policy, throttling.ExpectedNodes);
    }

    /// <summary>Drops the local buckets, leases and remembered refusals of tenants for which <paramref name="keep"/> is false.</summary>
    public void Retain(Func<string, bool> keep)
    {
        _local.Retain(keep);
        _leased.Retain(keep);
    }

    private RateLimitDecision Fallback(GatewayRequest request, string tenantId, RateLimitPolicy policy, int expectedNodes)
    {
        _metrics.Fallback(request.TenantLabel);
        return _local.Acquire(tenantId, policy.PerNode(expectedNodes), RateLimitSource.Fallback);
    }
}
