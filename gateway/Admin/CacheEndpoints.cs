using System.Globalization;
using System.Text.Json;
using Gateway.Config.Reload;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Tenancy;
using Gateway.Transforms.Throttling;

namespace Gateway.Admin;

/// <summary>
/// <c>POST /admin/cache/invalidate</c> (tenant-scoped, O(1) invalidation; needs the tenant-admin or platform scope and is
/// rate-limited per tenant) and <c>GET /admin/cache/metrics/{tenant}</c> (figures shared by every node). While the shared
/// store is unavailable both answer a 503 problem.
/// </summary>
internal static partial class CacheEndpoints
{
    /// <summary>Maps both endpoints.</summary>
    public static void MapCacheEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPost("/cache/invalidate", InvalidateAsync);
        admin.MapGet("/cache/metrics/{tenant}", MetricsAsync);
    }

    private static async Task InvalidateAsync(
        HttpContext context,
        TenantTokenValidator validator,
        TenantCacheAdmin cache,
        TenantAdminLimiter limiter,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        // The token first: an anonymous caller gets its 401 before a byte of its body is read.
        if (await AdminAuthorization.AuthenticateAsync(context, validator) is not { } principal
            || await AdminRequestBody.ReadAsync(context, time) is not { } body)
        {
            return;
        }

        var tenantId = ReadTenantId(body);
        if (tenantId is null)
        {
            await ProblemWriter.WriteAsync(context, ProblemKind.BadRequest, "The body must be a JSON object with a string \"tenant_id\".");
            return;
        }

        if (!await AdminAuthorization.AuthorizeAsync(context, principal, tenantId, AdminAccess.Write))
        {
            return;
        }

        if (await limiter.TryAcquireAsync(tenantId, context.RequestAborted) is { } retryAfter)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ProblemWriter.WriteAsync(context, ProblemKind.RateLimited,
                $"Tenant '{tenantId}' is over its rate of cache invalidations (Gateway:Admin:InvalidationsPerMinute); retry in {seconds} s.", tenantId);
            return;
        }

        var result = await cache.InvalidateAsync(tenantId, context.RequestAborted);
        if (result is null)
        {
            await StoreUnavailableAsync(context, cache, tenantId);
            return;
        }

        var logger = loggers.CreateLogger("Gateway.Admin.Cache");
        LogInvalidated(logger, tenantId, result.Generation, result.DeletedKeys, principal.Subject);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["tenant_id"] = tenantId,
            ["deleted_keys"] = result.DeletedKeys,
            ["message"] = $"Cache of tenant '{tenantId}' invalidated (generation {result.Generation}); other tenants are untouched and old entries are reclaimed in the background.",
        });
    }

    private static async Task MetricsAsync(
        HttpContext context,
        string tenant,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        TenantCacheAdmin cache)
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

        var quota = resolved.Tier.CacheQuotaBytes;
        var effectiveQuota = cache.EffectiveQuotaBytes(resolved.Tier);
        var usage = await cache.GetUsageAsync(tenant, effectiveQuota, context.RequestAborted);
        if (usage is null)
        {
            await StoreUnavailableAsync(context, cache, tenant);
            return;
        }

        await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["tenant_id"] = tenant,
            ["hits"] = usage.Hits,
            ["misses"] = usage.Misses,
            ["hit_rate"] = Math.Round(usage.HitRate, 4),
            ["size_bytes"] = usage.SizeBytes,
            ["key_count"] = usage.KeyCount,
            ["quota_bytes"] = quota,
            ["effective_quota_bytes"] = effectiveQuota,
        });
    }

    /// <summary>The <c>tenant_id</c> of a JSON object body; null when the body is not that.</summary>
    private static string? ReadTenantId(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("tenant_id", out var id)
                && id.ValueKind == JsonValueKind.String
                    ? id.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task StoreUnavailableAsync(HttpContext context, TenantCacheAdmin cache, string tenantId)
    {
        context.Response.Headers.RetryAfter = "5";
        return ProblemWriter.WriteAsync(context, ProblemKind.StoreUnavailable,
            $"The shared cache store ({cache.StoreName}) is unavailable; requests are being served without the cache. Retry shortly.", tenantId);
    }

    [LoggerMessage(EventId = 630, Level = LogLevel.Information, Message = "Cache of tenant {TenantId} invalidated by {Subject}: generation {Generation}, {DeletedKeys} entries to reclaim")]
    private static partial void LogInvalidated(ILogger logger, string tenantId, long generation, long deletedKeys, string? subject);
}
