using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Tenancy;

namespace Gateway.Admin;

/// <summary>
/// The audit of admin write endpoints: <c>.Audited("action")</c> on an endpoint records exactly one <see cref="AuditEvent"/>
/// per call, however it ends (done, 401/403, 429, bad request, store unavailable, exception), once the handler has finished.
/// The handler and <see cref="AdminAuthorization"/> fill in what they learn on the way through <see cref="For"/>.
/// </summary>
internal static class AdminAudit
{
    /// <summary>Audits every call of <paramref name="builder"/>'s endpoint as <paramref name="action"/>.</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action) =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var record = new Record();
            if (context.Request.RouteValues.TryGetValue("tenant", out var tenant) && tenant is string target)
            {
                record.TargetTenant = target;
            }

            context.Features.Set(record);
            var failed = true;
            try
            {
                var result = await next(invocation);
                failed = false;
                return result;
            }
            finally
            {
                await WriteAsync(context, action, record, failed);
            }
        });

    /// <summary>The audit record of the call in progress; null on endpoints that are not audited.</summary>
    public static Record? For(HttpContext context) => context.Features.Get<Record>();

    /// <summary>Writes an admin problem and keeps its detail as the audit event's reason.</summary>
    public static Task ProblemAsync(HttpContext context, ProblemKind kind, string detail, string? tenant = null)
    {
        if (For(context) is { } record)
        {
            record.Reason = detail;
        }

        return ProblemWriter.WriteAsync(context, kind, detail, tenant);
    }

    private static async Task WriteAsync(HttpContext context, string action, Record record, bool failed)
    {
        var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var services = context.RequestServices;
        var jwt = services.GetRequiredService<IGatewaySettings>().Current.Options.Jwt;
        var principal = record.Principal;
        var scope = principal switch
        {
            { IsAdmin: true } => jwt.AdminScope,
            { IsTenantAdmin: true } => jwt.TenantAdminScope,
            _ => null,
        };
        var auditEvent = new AuditEvent(
            services.GetRequiredService<TimeProvider>().GetUtcNow(),
            action,
            AuditResults.ForStatus(status),
            status,
            principal is null ? null : new AuditActor(principal.Subject, principal.TenantId),
            scope,
            record.TargetTenant,
            record.Parameters,
            status is >= 200 and < 300 ? null : record.Reason ?? (failed ? "The gateway failed to handle the request." : null),
            context.Connection.RemoteIpAddress?.ToString());
        await services.GetRequiredService<AuditTrail>().RecordAsync(auditEvent, CancellationToken.None);
    }

    /// <summary>What an audited call has learnt so far.</summary>
    public sealed class Record
    {
        /// <summary>The verified caller; null until (or unless) the token was accepted.</summary>
        public TenantPrincipal? Principal { get; set; }

        /// <summary>The tenant acted on, once known.</summary>
        public string? TargetTenant { get; set; }

        /// <summary>The action's arguments.</summary>
        public Dictionary<string, object?>? Parameters { get; set; }

        /// <summary>Why the call was refused or failed.</summary>
        public string? Reason { get; set; }
    }
}
