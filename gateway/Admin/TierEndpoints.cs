using System.ComponentModel;
using Gateway.Admin.Contracts;
using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary><c>GET /admin/tiers/{tenant}</c>: the tier a tenant resolves to, its figures, and its limit and flags now.</summary>
internal static class TierEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapTierEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/tiers/{tenant}", TierAsync)
            .WithName("GetTier")
            .WithSummary("A tenant's tier and current limit")
            .WithDescription("The tier a tenant resolves to, its figures, the limit applied now (auto-throttle and burst grant included), "
                + "the hot and auto-throttled flags (per node) and the burst grant in force. A tenant's own token may read it.")
            .Produces<TierResponse>()
            .ProducesAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    /// <summary>The tier's figures as the reference design names them.</summary>
    public static TierConfig Config(Tier tier) => new(
        (long)tier.Timeout.TotalMilliseconds,
        (long)tier.CacheTtl.TotalSeconds,
        tier.MaxQps,
        Math.Round(tier.CacheQuotaBytes / (double)(1L << 30), 3));

    /// <summary>A grant as the admin API shows it.</summary>
    public static BurstView? View(BurstGrant? grant) =>
        grant is null ? null : new BurstView(grant.Factor, grant.ExpiresAt, grant.GrantedAt, grant.GrantedBy);

    private static async Task TierAsync(
        HttpContext context,
        [Description("The tenant id.")] string tenant,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        ITenantThrottleView throttle,
        BurstGrants bursts)
    {
        if (await AdminAuthorization.AuthorizeReadOfTenantAsync(context, validator, settings, tenant) is not { } resolved)
        {
            return;
        }

        var grant = await bursts.GetAsync(tenant, context.RequestAborted);
        var state = throttle.Describe(resolved);
        await context.Response.WriteAsJsonAsync(new TierResponse(
            tenant, resolved.Tier.Name, Config(resolved.Tier), state.EffectiveMaxQps, state.Hot, state.AutoThrottled, View(grant)));
    }
}
