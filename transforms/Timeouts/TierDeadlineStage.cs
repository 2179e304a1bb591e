using Gateway.Transforms.Pipeline;
using Gateway.Transforms.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Transforms.Timeouts;

/// <summary>
/// Proxy stage: enforces the tier's hard timeout, counted from the request's arrival at the gateway.
/// The deadline replaces <see cref="HttpContext.RequestAborted"/>, so every later stage and YARP's
/// upstream call are cancelled when it passes (the backend sees the abort) and the client gets 504.
/// </summary>
/// <remarks>
/// YARP's own per-route timeout answers 400 rather than 504 (dotnet/yarp#2662), hence this stage.
/// For <c>text/event-stream</c> answers the deadline covers the time to the response headers only:
/// a stream that has started is governed by the cluster's activity timeout instead.
/// </remarks>
public sealed partial class TierDeadlineStage
{
    private readonly TimeProvider _time;
    private readonly ILogger<TierDeadlineStage> _logger;

    /// <summary>Creates the stage.</summary>
    public TierDeadlineStage(TimeProvider time, ILogger<TierDeadlineStage> logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs the stage.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.GetGatewayRequest();
        var tier = request.Tier ?? throw new InvalidOperationException("The deadline stage must run after tenant resolution.");
        var remaining = request.Remaining(_time);
        if (remaining <= TimeSpan.Zero)
        {
            await TimedOutAsync(context, request);
            return;
        }

        using var deadline = new CancellationTokenSource(remaining, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(request.ClientAborted, deadline.Token);
        context.RequestAborted = linked.Token;
        context.Response.OnStarting(static state =>
        {
            var (response, deadline) = ((HttpResponse, CancellationTokenSource))state;
            if (IsEventStream(response.ContentType))
            {
                try
                {
                    deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                    // The stage has already finished; nothing left to disarm.
                }
            }

            return Task.CompletedTask;
        }, (context.Response, deadline));

        var completed = false;
        try
        {
            await next();

            // YARP reports a body cut short by the deadline through the error feature rather than an exception.
            completed = context.Features.Get<IForwarderErrorFeature>() is null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !request.ClientAborted.IsCancellationRequested)
        {
            // A stage gave up because of the deadline; answered below.
        }
        finally
        {
            context.RequestAborted = request.ClientAborted;
        }

        if (deadline.IsCancellationRequested && !request.ClientAborted.IsCancellationRequested && request.Outcome != RequestOutcome.CacheHit)
        {
            // A response written in full just as the deadline passed is kept (the SLA metric counts it as over
            // budget); one cut short is answered with 504, or the connection aborted when headers are already out.
            if (!completed || !context.Response.HasStarted)
            {
                await TimedOutAsync(context, request);
                return;
            }
        }

        if (context.Features.Get<IForwarderErrorFeature>() is { } failure && !context.Response.HasStarted
            && !request.ClientAborted.IsCancellationRequested)
        {
            // YARP sets a bare 502/504 status; give the client the same problem body as every other error.
            request.Outcome = RequestOutcome.UpstreamError;
            LogUpstreamFailed(_logger, request.TenantId!, failure.Error.ToString());
            await ProblemWriter.WriteAsync(context, ProblemKind.UpstreamError,
                $"The upstream could not answer ({failure.Error}).", request.TenantId, tier.Name);
        }
    }

    private Task TimedOutAsync(HttpContext context, GatewayRequest request)
    {
        var tier = request.Tier!;
        request.Outcome = RequestOutcome.Timeout;
        var budgetMs = (long)tier.Timeout.TotalMilliseconds;
        LogTimedOut(_logger, request.TenantId!, tier.Name, budgetMs);
        return ProblemWriter.WriteAsync(
            context,
            ProblemKind.Timeout,
            $"Tenant '{request.TenantId}' ({tier.Name} tier) has a {budgetMs} ms budget; the request did not complete within it.",
            request.TenantId,
            tier.Name,
            new Dictionary<string, object?> { ["budget_ms"] = budgetMs });
    }

    private static bool IsEventStream(string? contentType) =>
        contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Upstream failure for tenant {TenantId}: {Error}")]
    private static partial void LogUpstreamFailed(ILogger logger, string tenantId, string error);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Tier timeout: tenant {TenantId} ({Tier}) exceeded its {BudgetMs} ms budget")]
    private static partial void LogTimedOut(ILogger logger, string tenantId, string tier, long budgetMs);
}
