using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary><c>GET /admin/tiers/{tenant}</c>: the tier a tenant resolves to and its figures.</summary>
internal static class TierEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapTierEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/tiers/{tenant}", async (HttpContext context, string tenant, IGatewaySettings settings, TenantTokenValidator validator, IEnumerable<ITenantAdminDetails> details) =>
        {
            if (!await AdminAuthorization.AuthorizeAsync(context, validator, tenant, AdminAccess.Read))
            {
                return;
            }

            if (!settings.Current.Table.TryResolve(tenant, out var resolved))
            {
                await ProblemWriter.WriteAsync(context, ProblemKind.NotFound, "The tenant is not configured and there is no default tier.", tenant);
                return;
            }

            var tier = resolved.Tier;
            var body = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenant,
                ["tier"] = tier.Name,
                ["config"] = new Dictionary<string, object?>
                {
                    ["timeout_ms"] = (long)tier.Timeout.TotalMilliseconds,
                    ["cache_ttl"] = (long)tier.CacheTtl.TotalSeconds,
                    ["max_qps"] = tier.MaxQps,
                    ["cache_quota_gb"] = Math.Round(tier.CacheQuotaBytes / (double)(1L << 30), 3),
                },
            };
            foreach (var contributor in details)
            {
                contributor.Describe(resolved, body);
            }

            await context.Response.WriteAsJsonAsync(body);
        });
    }
}
