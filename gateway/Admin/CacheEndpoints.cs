using System.ComponentModel;
using System.Text.Json;
using Gateway.Admin.Contracts;
using Gateway.Config.Reload;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Tenancy;
using Gateway.Transforms.Throttling;

namespace Gateway.Admin;

/// <summary>
/// <c>POST /admin/cache/invalidate</c> (tenant-scoped, O(1) invalidation; needs the tenant-admin or platform scope and is
/// rate-limited per tenant; audited) and <c>GET /admin/cache/metrics/{tenant}</c> (figures shared by every node). While the
/// shared store is unavailable both answer a 503 problem.
/// </summary>
internal static partial class CacheEndpoints
{
    /// <summary>Maps both endpoints.</summary>
    public static void MapCacheEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPost("/cache/invalidate", InvalidateAsync)
            .Audited("cache.invalidate")
            .WithName("InvalidateCache")
            .WithSummary("Invalidate one tenant's cache")
            .WithDescription("Bumps the tenant's cache generation (O(1)): its next request misses on every node, other tenants are untouched, "
                + "old entries are reclaimed in the background. Needs the platform admin scope, or a token of that tenant with the tenant-admin "
                + "scope. Counted against Gateway:Admin:InvalidationsPerMinute for the tenant. Audited.")
            .WithJsonBody<InvalidateRequest>()
            .Produces<InvalidateResponse>()
            .ProducesAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status408RequestTimeout, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        admin.MapGet("/cache/metrics/{tenant}", MetricsAsync)
            .WithName("GetCacheMetrics")
            .WithSummary("A tenant's cache figures")
            .WithDescription("Hits, misses, bytes and entries of the tenant's cache, shared by every node. A tenant's own token may read it.")
            .Produces<CacheMetricsResponse>()
            .ProducesAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
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
            await AdminAudit.ProblemAsync(context, ProblemKind.BadRequest, "The body must be a JSON object with a string \"tenant_id\".");
            return;
        }

        AdminAudit.For(context)!.TargetTenant = tenantId;
        if (!await AdminAuthorization.AuthorizeAsync(context, principal, tenantId, AdminAccess.Write)
            || !await AdminWriteLimit.TryAcquireAsync(context, limiter, tenantId, "cache invalidations"))
        {
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
        AdminAudit.For(context)!.Parameters = new() { ["generation"] = result.Generation, ["deleted_keys"] = result.DeletedKeys };
        await context.Response.WriteAsJsonAsync(new InvalidateResponse(
            tenantId,
            result.DeletedKeys,
            $"Cache of tenant '{tenantId}' invalidated (generation {result.Generation}); other tenants are untouched and old entries are reclaimed in the background."));
    }

    private static async Task MetricsAsync(
        HttpContext context,
        [Description("The tenant id.")] string tenant,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        TenantCacheAdmin cache)
    {
        if (await AdminAuthorization.AuthorizeReadOfTenantAsync(context, validator, settings, tenant) is not { } resolved)
        {
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

        await context.Response.WriteAsJsonAsync(new CacheMetricsResponse(
            tenant, usage.Hits, usage.Misses, Math.Round(usage.HitRate, 4), usage.SizeBytes, usage.KeyCount, quota, effectiveQuota));
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

    /// <summary>The 503 problem while the shared store cannot be reached.</summary>
    public static Task StoreUnavailableAsync(HttpContext context, TenantCacheAdmin cache, string tenantId)
    {
        context.Response.Headers.RetryAfter = "5";
        return AdminAudit.ProblemAsync(context, ProblemKind.StoreUnavailable,
            $"The shared cache store ({cache.StoreName}) is unavailable; requests are being served without the cache. Retry shortly.", tenantId);
    }

    [LoggerMessage(EventId = 630, Level = LogLevel.Information, Message = "Cache of tenant {TenantId} invalidated by {Subject}: generation {Generation}, {DeletedKeys} entries to reclaim")]
    private static partial void LogInvalidated(ILogger logger, string tenantId, long generation, long deletedKeys, string? subject);
}
