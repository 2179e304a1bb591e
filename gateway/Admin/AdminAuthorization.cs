using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary>Admin rule: a token with the admin scope may act on any tenant; a tenant's token only on its own tenant.</summary>
internal static class AdminAuthorization
{
    /// <summary>True when the request may act on <paramref name="tenantId"/>; otherwise writes the 400/401/403 problem and returns false.</summary>
    public static async Task<bool> AuthorizeAsync(HttpContext context, TenantTokenValidator validator, string? tenantId)
    {
        if (!TenantId.IsValid(tenantId))
        {
            await ProblemWriter.WriteAsync(context, ProblemKind.BadRequest, "tenant_id must be 1-64 letters, digits, '.', '_' or '-'.");
            return false;
        }

        var check = await validator.ValidateHeaderAsync(context.Request.Headers.Authorization.ToString());
        if (!check.IsValid)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await ProblemWriter.WriteAsync(context, ProblemKind.Unauthorized, check.Failure!);
            return false;
        }

        if (!check.Principal!.MayAdminister(tenantId!))
        {
            await ProblemWriter.WriteAsync(context, ProblemKind.Forbidden, "This token may only act on its own tenant.", tenantId);
            return false;
        }

        return true;
    }
}
