using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// What YARP's forwarder reports through <see cref="IForwarderErrorFeature"/>: a failed upstream call (connect error,
/// reset, a response body cut short) for which YARP sets a bare 502/504 status instead of throwing.
/// </summary>
internal static partial class ForwardingErrors
{
    /// <summary>Whether the forwarder failed, including a response body cut short after the headers went out.</summary>
    public static bool Failed(HttpContext context) => context.Features.Get<IForwarderErrorFeature>() is not null;

    /// <summary>
    /// When the forwarder failed and nothing has been sent to the client yet, answers with the 502 problem body every
    /// other error has and records the outcome; otherwise does nothing.
    /// </summary>
    public static Task AnswerAsync(HttpContext context, GatewayRequest request, ILogger logger)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is not { } failure || context.Response.HasStarted
            || request.ClientAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        request.Outcome = RequestOutcome.UpstreamError;
        LogUpstreamFailed(logger, request.TenantId!, failure.Error.ToString());
        return ProblemWriter.WriteAsync(context, ProblemKind.UpstreamError,
            $"The upstream could not answer ({failure.Error}).", request.TenantId, request.Tier?.Name);
    }

    // Event id 301 (the timeouts range) is kept from when the deadline stage mapped these errors, so log queries still match.
    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Upstream failure for tenant {TenantId}: {Error}")]
    private static partial void LogUpstreamFailed(ILogger logger, string tenantId, string error);
}
