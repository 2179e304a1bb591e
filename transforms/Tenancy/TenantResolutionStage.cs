using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Model;

namespace Gateway.Transforms.Tenancy;

/// <summary>
/// Proxy stage: verifies the bearer token and resolves the tenant's tier. Nothing reaches the upstream
/// without a verified tenant (401) that is in the tier table or covered by a default tier (403).
/// </summary>
internal sealed partial class TenantResolutionStage : IGatewayStage
{
    private readonly TenantTokenValidator _validator;
    private readonly ILogger<TenantResolutionStage> _logger;
    private readonly ProblemBodies<(ProblemKind Kind, string Detail, string? Path, string? Tenant)> _bodies = new();

    /// <summary>Creates the stage.</summary>
    public TenantResolutionStage(TenantTokenValidator validator, ILogger<TenantResolutionStage> logger)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(logger);
        _validator = validator;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.GetGatewayRequest();
        request.RouteId = context.GetReverseProxyFeature().Route.Config.RouteId;

        var check = await _validator.ValidateHeaderAsync(context.Request.Headers.Authorization.ToString());
        if (!check.IsValid)
        {
            LogRejectedToken(_logger, request.RouteId, check.Failure!);
            await RejectAsync(context, request, RequestOutcome.Unauthorized, ProblemKind.Unauthorized, check.Failure!, tenant: null);
            return;
        }

        var principal = check.Principal!;
        if (principal.TenantId is null || !TenantId.IsValid(principal.TenantId))
        {
            await RejectAsync(context, request, RequestOutcome.Unauthorized, ProblemKind.Unauthorized,
                "The token's tenant claim is missing or not a valid tenant id.", tenant: null);
            return;
        }

        if (!request.Settings.Table.TryResolve(principal.TenantId, out var tenant))
        {
            await RejectAsync(context, request, RequestOutcome.Forbidden, ProblemKind.Forbidden,
                "The tenant is not configured on this gateway.", principal.TenantId);
            return;
        }

        request.SetTenant(tenant, principal.Subject);
        await next(context);
    }

    private Task RejectAsync(HttpContext context, GatewayRequest request, RequestOutcome outcome, ProblemKind kind, string detail, string? tenant)
    {
        request.Outcome = outcome;
        if (kind == ProblemKind.Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        // A flood of bad tokens gets the same few bodies: serialized once each.
        var body = _bodies.Get((kind, detail, context.Request.Path.Value, tenant), 0,
            static (key, _) => ProblemWriter.Serialize(key.Kind, key.Detail, key.Path, key.Tenant, tier: null, extensions: null));
        return ProblemWriter.WriteBodyAsync(context, kind, body);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Rejected a request on route {RouteId}: {Reason}")]
    private static partial void LogRejectedToken(ILogger logger, string? routeId, string reason);
}
