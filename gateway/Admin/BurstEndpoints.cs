using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Gateway.Admin.Contracts;
using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Tenancy;
using Gateway.Transforms.Throttling;

namespace Gateway.Admin;

/// <summary>
/// <c>POST /admin/tenants/{tenant}/burst</c> grants a configured tenant a temporary factor on its limit, shared by every
/// node and ending by itself; <c>DELETE</c> ends it early. Platform admin scope only; audited. A grant counts against the
/// tenant's admin write limit (<c>Gateway:Admin:InvalidationsPerMinute</c>); ending one never does, so a grant can always be
/// taken back at once.
/// </summary>
internal static class BurstEndpoints
{
    /// <summary>Longest grant, in seconds.</summary>
    public static readonly int MaxDurationSeconds = (int)BurstGrants.MaxDuration.TotalSeconds;

    /// <summary>Maps both endpoints.</summary>
    public static void MapBurstEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapPost("/tenants/{tenant}/burst", GrantAsync)
            .Audited("burst.grant")
            .WithName("GrantBurst")
            .WithSummary("Grant a tenant a temporary burst")
            .WithDescription("Multiplies the tenant's limit by `factor` (above 1, at most its tier's MaxBurstFactor) for `duration_seconds` "
                + "(at most 86400) on every node, replacing any grant in force; every node applies it within a second and it ends by itself. "
                + "Platform admin scope only. Counted against Gateway:Admin:InvalidationsPerMinute for the tenant. Audited.")
            .WithJsonBody<BurstRequest>()
            .Produces<BurstResponse>()
            .ProducesAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status408RequestTimeout,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        admin.MapDelete("/tenants/{tenant}/burst", EndAsync)
            .Audited("burst.end")
            .WithName("EndBurst")
            .WithSummary("End a tenant's burst early")
            .WithDescription("Ends the grant in force (if any) on every node within a second. Platform admin scope only; never rate-limited. Audited.")
            .Produces<BurstResponse>()
            .ProducesAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task GrantAsync(
        HttpContext context,
        [Description("The tenant id (a tenant listed in Gateway:Tenants).")] string tenant,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        BurstGrants bursts,
        ITenantThrottleView throttle,
        TenantAdminLimiter limiter,
        TimeProvider time)
    {
        if (await AuthorizeAsync(context, validator, tenant, "Granting a burst") is not { } principal
            || await AdminRequestBody.ReadAsync(context, time) is not { } body
            || await ConfiguredAsync(context, settings, tenant) is not { } resolved
            || await ReadAsync(context, body, resolved.Tier) is not { } request)
        {
            return;
        }

        AdminAudit.For(context)!.Parameters = new() { ["factor"] = request.Factor, ["duration_seconds"] = request.DurationSeconds };
        if (!await AdminWriteLimit.TryAcquireAsync(context, limiter, tenant, "burst grants"))
        {
            return;
        }

        var grant = await bursts.GrantAsync(tenant, request.Factor, TimeSpan.FromSeconds(request.DurationSeconds), principal.Subject, context.RequestAborted);
        if (grant is null)
        {
            await UnavailableAsync(context, tenant);
            return;
        }

        var state = throttle.Describe(resolved);
        await context.Response.WriteAsJsonAsync(new BurstResponse(
            tenant, resolved.Tier.Name, resolved.Tier.MaxQps, state.EffectiveMaxQps, TierEndpoints.View(grant),
            string.Create(CultureInfo.InvariantCulture,
                $"Tenant '{tenant}' may send {grant.Factor:0.##}x its limit ({resolved.Tier.MaxQps * grant.Factor:0.##} req/s) until {grant.ExpiresAt:u}; every node applies it within a second.")));
    }

    private static async Task EndAsync(
        HttpContext context,
        [Description("The tenant id.")] string tenant,
        IGatewaySettings settings,
        TenantTokenValidator validator,
        BurstGrants bursts,
        ITenantThrottleView throttle)
    {
        if (await AuthorizeAsync(context, validator, tenant, "Ending a burst") is null
            || await ConfiguredAsync(context, settings, tenant) is not { } resolved)
        {
            return;
        }

        var (failed, ended) = await bursts.EndAsync(tenant, context.RequestAborted);
        if (failed)
        {
            await UnavailableAsync(context, tenant);
            return;
        }

        AdminAudit.For(context)!.Parameters = new() { ["ended_factor"] = ended?.Factor };
        var state = throttle.Describe(resolved);
        var message = ended is null
            ? $"Tenant '{tenant}' had no burst grant in force; its limit is unchanged."
            : string.Create(CultureInfo.InvariantCulture, $"Burst grant of tenant '{tenant}' (x{ended.Factor:0.##}) ended; every node applies its tier limit again within a second.");
        await context.Response.WriteAsJsonAsync(new BurstResponse(tenant, resolved.Tier.Name, resolved.Tier.MaxQps, state.EffectiveMaxQps, null, message));
    }

    private static async Task<TenantPrincipal?> AuthorizeAsync(HttpContext context, TenantTokenValidator validator, string tenant, string what)
    {
        if (await AdminAuthorization.AuthenticateAsync(context, validator) is not { } principal)
        {
            return null;
        }

        if (!TenantId.IsValid(tenant))
        {
            await AdminAudit.ProblemAsync(context, ProblemKind.BadRequest, "The tenant id must be 1-64 letters, digits, '.', '_' or '-'.");
            return null;
        }

        return await AdminAuthorization.AuthorizePlatformAsync(context, principal, what) ? principal : null;
    }

    private static async Task<TenantTier?> ConfiguredAsync(HttpContext context, IGatewaySettings settings, string tenant)
    {
        var table = settings.Current.Table;
        if (table.IsKnownTenant(tenant) && table.TryResolve(tenant, out var resolved))
        {
            return resolved;
        }

        await AdminAudit.ProblemAsync(context, ProblemKind.NotFound,
            $"Tenant '{tenant}' is not listed in Gateway:Tenants; burst grants are for configured tenants only.", tenant);
        return null;
    }

    /// <summary>The grant asked for, validated against <paramref name="tier"/>; null after writing the 400 problem.</summary>
    private static async Task<BurstRequest?> ReadAsync(HttpContext context, ReadOnlyMemory<byte> body, Tier tier)
    {
        string? problem;
        BurstRequest? request = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("factor", out var factorValue) || !factorValue.TryGetDouble(out var factor)
                || !root.TryGetProperty("duration_seconds", out var durationValue) || !durationValue.TryGetInt32(out var duration))
            {
                problem = "The body must be a JSON object with a number \"factor\" and an integer \"duration_seconds\".";
            }
            else if (tier.MaxBurstFactor <= 1)
            {
                problem = $"Tier '{tier.Name}' allows no burst grants (Gateway:Tiers:{tier.Name}:MaxBurstFactor is 1).";
            }
            else if (!(factor > 1 && factor <= tier.MaxBurstFactor))
            {
                problem = string.Create(CultureInfo.InvariantCulture,
                    $"factor must be above 1 and at most {tier.MaxBurstFactor:0.##} for tier '{tier.Name}' (Gateway:Tiers:{tier.Name}:MaxBurstFactor); got {factor:0.###}.");
            }
            else if (duration < 1 || duration > MaxDurationSeconds)
            {
                problem = $"duration_seconds must be between 1 and {MaxDurationSeconds}; got {duration}.";
            }
            else
            {
                problem = null;
                request = new BurstRequest(factor, duration);
            }
        }
        catch (JsonException)
        {
            problem = "The body is not valid JSON.";
        }

        if (problem is not null)
        {
            await AdminAudit.ProblemAsync(context, ProblemKind.BadRequest, problem);
        }

        return request;
    }

    private static Task UnavailableAsync(HttpContext context, string tenant)
    {
        context.Response.Headers.RetryAfter = "5";
        return AdminAudit.ProblemAsync(context, ProblemKind.StoreUnavailable,
            "The shared store (Redis) is unavailable, so the grant cannot reach every node; nothing was changed. Retry shortly.", tenant);
    }
}
