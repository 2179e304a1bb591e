using System.Globalization;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.Registration;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Proxy stage: admits each request at its tenant's <see cref="EffectiveLimit"/>, shared by every node through Redis.
/// A refused request gets 429 problem+json with <c>Retry-After</c> and the <c>RateLimit</c> headers and costs nothing
/// more (no cache lookup, no upstream call). Admitted responses carry the <c>RateLimit</c> headers too.
/// </summary>
internal sealed class TenantThrottlingStage : IGatewayStage
{
    private readonly TenantRateLimiter _limiter;
    private readonly HotTenantDetector _hot;
    private readonly TenantLimitPolicy _limits;
    private readonly IRequestPrefetch[] _prefetches;

    /// <summary>Creates the stage; <paramref name="prefetches"/> start later stages' Redis work while an admission waits on Redis.</summary>
    public TenantThrottlingStage(TenantRateLimiter limiter, HotTenantDetector hot, TenantLimitPolicy limits, IEnumerable<IRequestPrefetch> prefetches)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(hot);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(prefetches);
        _limiter = limiter;
        _hot = hot;
        _limits = limits;
        _prefetches = prefetches.ToArray();
    }

    /// <inheritdoc />
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.GetGatewayRequest();
        var throttling = request.Settings.Options.Throttling;
        return throttling.Enabled ? ThrottleAsync(context, request, throttling.HotWindowSeconds, next) : next(context);
    }

    private async Task ThrottleAsync(HttpContext context, GatewayRequest request, int hotWindowSeconds, RequestDelegate next)
    {
        var tenantId = request.TenantId ?? throw new InvalidOperationException("Throttling must run after tenant resolution.");
        var limit = _limits.For(tenantId, request.Tier!, request.Settings);
        _hot.Record(tenantId, hotWindowSeconds);

        var admission = _limiter.AcquireAsync(request, RateLimitPolicy.From(limit), context.RequestAborted);
        if (!admission.IsCompleted)
        {
            // The admission went to Redis: what later stages will ask Redis for goes out now, with it.
            foreach (var prefetch in _prefetches)
            {
                prefetch.Start(context, request);
            }
        }

        var decision = await admission.ConfigureAwait(false);
        await Decide(context, request, decision, limit.AutoThrottled, next).ConfigureAwait(false);
    }

    private static Task Decide(HttpContext context, GatewayRequest request, RateLimitDecision decision, bool autoThrottled, RequestDelegate next)
    {
        var tier = request.Tier!;
        RateLimitHeaders.Apply(context.Response.Headers, tier.Name, decision);
        if (decision.Allowed)
        {
            request.ThrottleDecision = decision.Source == RateLimitSource.Fallback ? ThrottleDecision.AdmittedLocal : ThrottleDecision.Admitted;
            return next(context);
        }

        request.Outcome = RequestOutcome.Throttled;
        request.ThrottleDecision = autoThrottled ? ThrottleDecision.AutoThrottle : ThrottleDecision.RateLimit;

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
                ["reason"] = request.ThrottleDecision.Label(),
            });
    }
}
