using Gateway.Transforms.Infrastructure.Context;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Decides admissions: the shared GCRA in Redis when Redis is configured and answers within the budget, otherwise
/// this node's local bucket at the tier rate divided by <c>Gateway:Throttling:ExpectedNodes</c> (counted as a
/// fallback). Without Redis configured the local bucket has the whole tier rate: the node is the only one.
/// Never throws because of Redis; only the caller's cancellation propagates.
/// </summary>
internal sealed class TenantRateLimiter
{
    private readonly SharedRateLimiter _shared;
    private readonly LocalRateLimiters _local;
    private readonly ThrottlingMetrics _metrics;

    /// <summary>Creates the limiter.</summary>
    public TenantRateLimiter(SharedRateLimiter shared, LocalRateLimiters local, ThrottlingMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(metrics);
        _shared = shared;
        _local = local;
        _metrics = metrics;
    }

    /// <summary>Decides one admission for the request's tenant under <paramref name="policy"/>.</summary>
    public ValueTask<RateLimitDecision> AcquireAsync(GatewayRequest request, RateLimitPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = request.TenantId ?? throw new InvalidOperationException("Throttling runs after tenant resolution.");
        if (!_shared.IsConfigured)
        {
            return new ValueTask<RateLimitDecision>(_local.Acquire(tenantId, policy, RateLimitSource.Embedded));
        }

        return AcquireSharedAsync(request, tenantId, policy, cancellationToken);
    }

    private async ValueTask<RateLimitDecision> AcquireSharedAsync(GatewayRequest request, string tenantId, RateLimitPolicy policy, CancellationToken cancellationToken)
    {
        var throttling = request.Settings.Options.Throttling;
        var budget = TimeSpan.FromMilliseconds(throttling.RedisBudgetMs);
        if (await _shared.TryAcquireAsync(tenantId, policy, budget, cancellationToken).ConfigureAwait(false) is { } shared)
        {
            return shared;
        }

        _metrics.Fallback(request.TenantLabel);
        return _local.Acquire(tenantId, policy.PerNode(throttling.ExpectedNodes), RateLimitSource.Fallback);
    }
}
