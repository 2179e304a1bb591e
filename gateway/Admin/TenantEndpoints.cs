using System.ComponentModel;
using Gateway.Admin.Contracts;
using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Infrastructure.Traffic;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary>
/// <c>GET /admin/tenants</c> (platform admin: every configured tenant in one table, what the console shows) and
/// <c>GET /admin/tenants/{tenant}/history</c> (the last ten minutes of one tenant, for the console's charts).
/// </summary>
internal static class TenantEndpoints
{
    /// <summary>Hit rate the SPEC asks of every tenant (75%), drawn on the console's chart.</summary>
    public const double HitRateTarget = 0.75;

    /// <summary>This node, as the per-node figures name it: host name and process id.</summary>
    public static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Maps both endpoints.</summary>
    public static void MapTenantEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/tenants", ListAsync)
            .WithName("ListTenants")
            .WithSummary("Every configured tenant, as the console's table shows it")
            .WithDescription("One row per tenant of Gateway:Tenants: tier, limit and effective limit, burst grant, request rate, hot and "
                + "auto-throttled flags, cache hit rate, bytes against quota, p95 latency against the tier timeout and SLA compliance. "
                + "Rate, p95, SLA, hot and throttled are the answering node's own (see `node`); cache figures and grants are shared. "
                + "Platform admin scope only.")
            .Produces<TenantsResponse>()
            .ProducesAdminProblems();
        admin.MapGet("/tenants/{tenant}/history", HistoryAsync)
            .WithName("GetTenantHistory")
            .WithSummary("The last ten minutes of one tenant")
            .WithDescription("Request rate, refusals, p95 latency, hit rate and SLA compliance in 5-second intervals on the answering node, "
                + "with the tier's limits to draw as lines. A tenant's own token may read it.")
            .Produces<TenantHistoryResponse>()
            .ProducesAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    private static async Task ListAsync(
        HttpContext context,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        TenantCacheAdmin cache,
        BurstGrants bursts,
        ITenantThrottleView throttle,
        TenantTraffic traffic,
        TimeProvider time)
    {
        if (await AdminAuthorization.AuthenticatePlatformAsync(context, validator, "The tenants table") is null)
        {
            return;
        }

        var table = settings.Current.Table;
        var tenants = table.TenantIds.Order(StringComparer.Ordinal)
            .Select(id => table.TryResolve(id, out var resolved) ? resolved : default)
            .Where(t => t.Tier is not null)
            .ToList();

        // One store round trip per tenant for the shared figures, all at once.
        var rows = await Task.WhenAll(tenants.Select(t => RowAsync(t, cache, bursts, throttle, traffic, context.RequestAborted)));
        await context.Response.WriteAsJsonAsync(new TenantsResponse(
            Node,
            time.GetUtcNow(),
            cache.StoreName,
            new WindowsView(TenantTraffic.RateWindow.TotalSeconds, TenantTraffic.LatencyWindow.TotalSeconds, TenantTraffic.HistoryLength.TotalSeconds),
            rows));
    }

    private static async Task<TenantRow> RowAsync(
        TenantTier tenant, TenantCacheAdmin cache, BurstGrants bursts, ITenantThrottleView throttle, TenantTraffic traffic, CancellationToken cancellationToken)
    {
        var tier = tenant.Tier;
        var effectiveQuota = cache.EffectiveQuotaBytes(tier);
        var usageTask = cache.GetUsageAsync(tenant.TenantId, effectiveQuota, cancellationToken).AsTask();
        var grant = await bursts.GetAsync(tenant.TenantId, cancellationToken);
        var usage = await usageTask;
        var state = throttle.Describe(tenant);
        var seen = traffic.Snapshot(tenant.TenantId);
        return new TenantRow(
            tenant.TenantId,
            tier.Name,
            tier.MaxQps,
            state.EffectiveMaxQps,
            TierEndpoints.View(grant),
            Math.Round(seen.Current.Rate, 2),
            Math.Round(seen.Current.RefusedRate, 2),
            state.Hot,
            state.AutoThrottled,
            Math.Round(state.Utilization, 3),
            usage?.Hits,
            usage?.Misses,
            usage is null || usage.Hits + usage.Misses == 0 ? null : Math.Round(usage.HitRate, 4),
            usage?.SizeBytes,
            usage?.KeyCount,
            tier.CacheQuotaBytes,
            effectiveQuota,
            Milliseconds(seen.Latency.P95Seconds),
            (long)tier.Timeout.TotalMilliseconds,
            Ratio(seen.History.SlaCompliance),
            seen.History.WithinSla + seen.History.OverSla);
    }

    private static async Task HistoryAsync(
        HttpContext context,
        [Description("The tenant id.")] string tenant,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        ITenantThrottleView throttle,
        TenantTraffic traffic)
    {
        if (!await AdminAuthorization.AuthorizeAsync(context, validator, tenant, AdminAccess.Read))
        {
            return;
        }

        var table = settings.Current.Table;
        if (!table.IsKnownTenant(tenant) || !table.TryResolve(tenant, out var resolved))
        {
            await ProblemWriter.WriteAsync(context, ProblemKind.NotFound, $"Tenant '{tenant}' is not listed in Gateway:Tenants; only configured tenants have a history.", tenant);
            return;
        }

        var points = traffic.History(tenant)
            .Select(s => new HistoryPoint(s.Start, s.Requests, Math.Round(s.Rate, 2), Math.Round(s.RefusedRate, 2), Milliseconds(s.P95Seconds), Ratio(s.HitRate), Ratio(s.SlaCompliance)))
            .ToList();
        var state = throttle.Describe(resolved);
        await context.Response.WriteAsJsonAsync(new TenantHistoryResponse(
            tenant, resolved.Tier.Name, Node, TenantTraffic.Resolution.TotalSeconds, resolved.Tier.MaxQps, state.EffectiveMaxQps,
            (long)resolved.Tier.Timeout.TotalMilliseconds, HitRateTarget, points));
    }

    private static double? Milliseconds(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 2) : null;

    private static double? Ratio(double? value) => value is { } v ? Math.Round(v, 4) : null;
}
