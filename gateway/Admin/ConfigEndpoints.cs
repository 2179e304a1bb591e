using Gateway.Admin.Contracts;
using Gateway.Config.Reload;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary><c>GET /admin/config</c> (platform admin): the tier and tenant tables in force, their version, and the last reload.</summary>
internal static class ConfigEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapConfigEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/config", ConfigAsync)
            .WithName("GetConfig")
            .WithSummary("The configuration in force")
            .WithDescription("The tier table and tenant table this node applies, their version, when they were loaded, and the last reload "
                + "attempt with its errors (a rejected reload leaves the previous configuration in force). Platform admin scope only.")
            .Produces<ConfigResponse>()
            .ProducesAdminProblems();
    }

    private static async Task ConfigAsync(
        HttpContext context,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        ConfigurationStatus status,
        TenantCacheAdmin cache,
        AuditTrail audit)
    {
        if (await AdminAuthorization.AuthenticatePlatformAsync(context, validator, "The configuration view") is null)
        {
            return;
        }

        var current = settings.Current;
        var options = current.Options;
        var tenants = options.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TenantView(t.Key, t.Value.Tier, t.Value.AuditCacheAccess))
            .ToList();
        var tiers = current.Table.Tiers.Values.OrderBy(t => t.MaxQps).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new TierView(t.Name, (long)t.Timeout.TotalMilliseconds, (long)t.CacheTtl.TotalSeconds, t.MaxQps, t.Burst,
                t.CacheQuotaBytes, t.FairShareWeight, t.MaxBurstFactor, tenants.Count(x => x.Tier == t.Name)))
            .ToList();
        var last = status.Last;
        await context.Response.WriteAsJsonAsync(new ConfigResponse(
            current.Version,
            status.LoadedAt,
            status.StartedAt,
            last is null ? null : new ReloadView(last.At, last.Success ? "success" : "failure", last.Version, last.Errors),
            options.DefaultTier,
            cache.StoreName,
            audit.Destination,
            tiers,
            tenants));
    }
}
