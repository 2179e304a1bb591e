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
    private readonly ProblemBodies<RefusalBody> _bodies = new();

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

    private Task Decide(HttpContext context, GatewayRequest request, RateLimitDecision decision, bool autoThrottled, RequestDelegate next)
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

        // A tenant over its limit is refused many times with the same figures: the body is serialized once per set.
        var key = new RefusalBody(request.TenantId!, tier.Name, tier.MaxQps, decision.Policy.Rate, decision.Policy.Burst,
            RateLimitHeaders.RetryAfterSeconds(decision.RetryAfter), request.ThrottleDecision, context.Request.Path.Value);
        return ProblemWriter.WriteBodyAsync(context, ProblemKind.RateLimited, _bodies.Get(key, 0, static (k, _) => k.Serialize()));
    }

    /// <summary>Everything a 429 body depends on.</summary>
    private readonly record struct RefusalBody(string TenantId, string Tier, int MaxQps, double Limit, int Burst, long RetryAfter, ThrottleDecision Reason, string? Path)
    {
        public byte[] Serialize()
        {
            var detail = Reason == ThrottleDecision.AutoThrottle
                ? string.Create(CultureInfo.InvariantCulture,
                    $"Tenant '{TenantId}' ({Tier} tier) is auto-throttled to {Limit:0.##} requests per second (of {MaxQps}) for taking more than its share of a saturated upstream; retry after {RetryAfter} s.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"Tenant '{TenantId}' ({Tier} tier) is limited to {Limit:0.##} requests per second; retry after {RetryAfter} s.");
            return ProblemWriter.Serialize(ProblemKind.RateLimited, detail, Path, TenantId, Tier,
                new Dictionary<string, object?>
                {
                    ["limit_qps"] = Math.Round(Limit, 3),
                    ["max_qps"] = MaxQps,
                    ["burst"] = Burst,
                    ["retry_after_s"] = RetryAfter,
                    ["reason"] = Reason.Label(),
                });
        }
    }
}
