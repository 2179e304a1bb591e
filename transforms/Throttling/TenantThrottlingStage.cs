using System.Globalization;
using Gateway.Transforms.Diagnostics;
using Gateway.Transforms.Pipeline;
using Gateway.Transforms.Problems;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Proxy stage: admits each request at its tenant's tier rate, shared by every node through Redis. A refused
/// request gets 429 problem+json with <c>Retry-After</c> and the <c>RateLimit</c> headers and costs nothing more
/// (no cache lookup, no upstream call). Admitted responses carry the <c>RateLimit</c> headers too.
/// </summary>
public sealed class TenantThrottlingStage
{
    private readonly TenantRateLimiter _limiter;
    private readonly HotTenantDetector _hot;
    private readonly AutoThrottleController _autoThrottle;
    private readonly GatewayMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    public TenantThrottlingStage(TenantRateLimiter limiter, HotTenantDetector hot, AutoThrottleController autoThrottle, GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(hot);
        ArgumentNullException.ThrowIfNull(autoThrottle);
        ArgumentNullException.ThrowIfNull(metrics);
        _limiter = limiter;
        _hot = hot;
        _autoThrottle = autoThrottle;
        _metrics = metrics;
    }

    /// <summary>Runs the stage.</summary>
    public Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.GetGatewayRequest();
        var throttling = request.Settings.Options.Throttling;
        return throttling.Enabled ? ThrottleAsync(context, request, throttling.HotWindowSeconds, next) : next();
    }

    private async Task ThrottleAsync(HttpContext context, GatewayRequest request, int hotWindowSeconds, Func<Task> next)
    {
        var tenantId = request.TenantId ?? throw new InvalidOperationException("Throttling must run after tenant resolution.");
        var autoThrottled = _autoThrottle.IsThrottled(tenantId);
        var policy = RateLimitPolicy.For(request.Tier!, autoThrottled ? request.Settings.Options.Fairness.AutoThrottleFactor : 1);
        _hot.Record(tenantId, hotWindowSeconds);

        var decision = await _limiter.AcquireAsync(request, policy, context.RequestAborted).ConfigureAwait(false);
        await Decide(context, request, decision, autoThrottled, next).ConfigureAwait(false);
    }

    private Task Decide(HttpContext context, GatewayRequest request, RateLimitDecision decision, bool autoThrottled, Func<Task> next)
    {
        var tier = request.Tier!;
        RateLimitHeaders.Apply(context.Response.Headers, tier.Name, decision);
        if (decision.Allowed)
        {
            request.ThrottleDecision = decision.Source == RateLimitSource.Fallback ? "admitted_local" : "admitted";
            return next();
        }

        var reason = autoThrottled ? "auto_throttle" : "rate_limit";
        request.Outcome = RequestOutcome.Throttled;
        request.ThrottleDecision = reason;
        _metrics.Throttled(request.TenantLabel, request.TierLabel, reason);

        var limit = decision.Policy.Rate;
        var retryAfter = RateLimitHeaders.RetryAfterSeconds(decision.RetryAfter);
        var detail = autoThrottled
            ? string.Create(CultureInfo.InvariantCulture,
                $"Tenant '{request.TenantId}' ({tier.Name} tier) is auto-throttled to {limit:0.##} requests per second (of {tier.MaxQps}) for taking more than its share of a saturated upstream; retry after {retryAfter} s.")
            : string.Create(CultureInfo.InvariantCulture,
                $"Tenant '{request.TenantId}' ({tier.Name} tier) is limited to {limit:0.##} requests per second; retry after {retryAfter} s.");
        return ProblemWriter.WriteAsync(context, ProblemKind.RateLimited, detail, request.TenantId, tier.Name,
            new Dictionary<string, object?>
            {
                ["limit_qps"] = Math.Round(limit, 3),
                ["max_qps"] = tier.MaxQps,
                ["burst"] = decision.Policy.Burst,
                ["retry_after_s"] = retryAfter,
                ["reason"] = reason,
            });
    }
}
