using System.Globalization;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Throttling;

namespace Gateway.Admin;

/// <summary>The per-tenant limit on admin writes (<c>Gateway:Admin:InvalidationsPerMinute</c>) as the write endpoints apply it.</summary>
internal static class AdminWriteLimit
{
    /// <summary>True when one more admin write on <paramref name="tenantId"/> is admitted; otherwise writes the 429 problem.</summary>
    public static async Task<bool> TryAcquireAsync(HttpContext context, TenantAdminLimiter limiter, string tenantId, string what)
    {
        if (await limiter.TryAcquireAsync(tenantId, context.RequestAborted) is not { } retryAfter)
        {
            return true;
        }

        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await AdminAudit.ProblemAsync(context, ProblemKind.RateLimited,
            $"Tenant '{tenantId}' is over its rate of admin writes ({what}; Gateway:Admin:InvalidationsPerMinute); retry in {seconds} s.", tenantId);
        return false;
    }
}
