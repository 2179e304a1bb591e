using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary>What an admin call does to a tenant.</summary>
internal enum AdminAccess
{
    /// <summary>Reads the tenant's figures: any token of the tenant, or the platform admin.</summary>
    Read,

    /// <summary>Changes the tenant (invalidation): the platform admin, or the tenant's token with the tenant-admin scope.</summary>
    Write,
}

/// <summary>
/// Admin rules: the platform admin scope may act on any tenant; a tenant's token may read its own tenant; write actions
/// on a tenant need the tenant-admin scope for the token's own tenant (or the platform scope).
/// </summary>
internal static class AdminAuthorization
{
    /// <summary>
    /// Verifies the bearer token before anything else about the request is looked at (its body included); writes the 401
    /// problem and returns null when it is not valid.
    /// </summary>
    public static async Task<TenantPrincipal?> AuthenticateAsync(HttpContext context, TenantTokenValidator validator)
    {
        var check = await validator.ValidateHeaderAsync(context.Request.Headers.Authorization.ToString());
        if (check.IsValid)
        {
            if (AdminAudit.For(context) is { } record)
            {
                record.Principal = check.Principal;
            }

            return check.Principal;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            // The body is never read: close the connection instead of letting the server drain it.
            context.Response.Headers.Connection = "close";
        }

        await AdminAudit.ProblemAsync(context, ProblemKind.Unauthorized, check.Failure!);
        return null;
    }

    /// <summary>True when <paramref name="principal"/> may have <paramref name="access"/> to <paramref name="tenantId"/>; otherwise writes the 400/403 problem.</summary>
    public static async Task<bool> AuthorizeAsync(HttpContext context, TenantPrincipal principal, string? tenantId, AdminAccess access)
    {
        if (!TenantId.IsValid(tenantId))
        {
            await AdminAudit.ProblemAsync(context, ProblemKind.BadRequest, "tenant_id must be 1-64 letters, digits, '.', '_' or '-'.");
            return false;
        }

        if (access == AdminAccess.Read ? principal.MayRead(tenantId!) : principal.MayWrite(tenantId!))
        {
            return true;
        }

        var jwt = context.RequestServices.GetRequiredService<IGatewaySettings>().Current.Options.Jwt;
        var detail = access == AdminAccess.Read
            ? "This token may only read its own tenant."
            : $"Changing a tenant needs the '{jwt.TenantAdminScope}' scope in a token of that tenant, or the '{jwt.AdminScope}' scope.";
        await AdminAudit.ProblemAsync(context, ProblemKind.Forbidden, detail, tenantId);
        return false;
    }

    /// <summary>
    /// The caller when its token is valid and carries the platform admin scope (what <paramref name="what"/> needs);
    /// otherwise null after writing the 401 or 403 problem.
    /// </summary>
    public static async Task<TenantPrincipal?> AuthenticatePlatformAsync(HttpContext context, TenantTokenValidator validator, string what) =>
        await AuthenticateAsync(context, validator) is { } principal && await AuthorizePlatformAsync(context, principal, what) ? principal : null;

    /// <summary>
    /// True when <paramref name="principal"/> carries the platform admin scope (what <paramref name="what"/> needs);
    /// otherwise writes the 403 problem, which names the scope.
    /// </summary>
    public static async Task<bool> AuthorizePlatformAsync(HttpContext context, TenantPrincipal principal, string what)
    {
        if (principal.IsAdmin)
        {
            return true;
        }

        var jwt = context.RequestServices.GetRequiredService<IGatewaySettings>().Current.Options.Jwt;
        await AdminAudit.ProblemAsync(context, ProblemKind.Forbidden,
            $"{what} needs a platform admin token (scope '{jwt.AdminScope}'); this token is limited to its own tenant.");
        return false;
    }

    /// <summary>Both steps, for calls without a body: true when the caller may have <paramref name="access"/> to <paramref name="tenantId"/>.</summary>
    public static async Task<bool> AuthorizeAsync(HttpContext context, TenantTokenValidator validator, string? tenantId, AdminAccess access) =>
        await AuthenticateAsync(context, validator) is { } principal && await AuthorizeAsync(context, principal, tenantId, access);

    /// <summary>
    /// For reads of one tenant's figures: authorizes the caller (<see cref="AdminAccess.Read"/>) and resolves the tenant's
    /// tier. Null, with the 401/403, or a 404 when the tenant is not configured and there is no default tier, written.
    /// </summary>
    public static async Task<TenantTier?> AuthorizeReadOfTenantAsync(HttpContext context, TenantTokenValidator validator, IGatewaySettings settings, string tenantId)
    {
        if (!await AuthorizeAsync(context, validator, tenantId, AdminAccess.Read))
        {
            return null;
        }

        if (settings.Current.Table.TryResolve(tenantId, out var resolved))
        {
            return resolved;
        }

        await ProblemWriter.WriteAsync(context, ProblemKind.NotFound, "The tenant is not configured and there is no default tier.", tenantId);
        return null;
    }
}
