using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Timeouts;

/// <summary>
/// Proxy stage: enforces the tier's hard timeout, counted from the request's arrival at the gateway.
/// The deadline replaces <see cref="HttpContext.RequestAborted"/>, so every later stage and YARP's
/// upstream call are cancelled when it passes (the backend sees the abort) and the client gets 504.
/// </summary>
/// <remarks>
/// YARP's own per-route timeout answers 400 rather than 504 (dotnet/yarp#2662), hence this stage.
/// For <c>text/event-stream</c> answers the deadline covers the time to the response headers only: a stream that has
/// started is governed by the tier's <c>MaxStreamSeconds</c> and <c>Gateway:Limits:StreamIdleSeconds</c>
/// (<see cref="StreamLimitTransformProvider"/>), and keeps its fair-queue slot while it lasts.
/// </remarks>
internal sealed partial class TierDeadlineStage : IGatewayStage
{
    private readonly TimeProvider _time;
    private readonly ILogger<TierDeadlineStage> _logger;
    private readonly DeadlineSources _sources;

    /// <summary>Creates the stage.</summary>
    public TierDeadlineStage(TimeProvider time, ILogger<TierDeadlineStage> logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _logger = logger;
        _sources = new DeadlineSources(time);
    }

    /// <inheritdoc />
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.GetGatewayRequest();
        _ = request.Tier ?? throw new InvalidOperationException("The deadline stage must run after tenant resolution.");
        var remaining = request.Remaining(_time);
        return remaining <= TimeSpan.Zero ? TimedOutAsync(context, request) : WithinDeadlineAsync(context, request, remaining, next);
    }

    private async Task WithinDeadlineAsync(HttpContext context, GatewayRequest request, TimeSpan remaining, RequestDelegate next)
    {
        // One source ends the request on the deadline or the client's abort: a pooled one, armed for this request, so a
        // request allocates no timer and no linked source.
        var deadline = _sources.Rent(remaining);
        var clientAborted = request.ClientAborted.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadline);
        request.Deadline = deadline;
        context.RequestAborted = deadline.Token;
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            if (EventStreams.Is(context.Response.ContentType) && context.GetGatewayRequest().Deadline is { } deadline)
            {
                deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            return Task.CompletedTask;
        }, context);

        var cutShort = true;
        var timedOut = false;
        try
        {
            try
            {
                await next(context);

                // YARP reports a body cut short by the deadline through its error feature rather than an exception.
                cutShort = ForwardingErrors.Failed(context);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !request.ClientAborted.IsCancellationRequested)
            {
                // A stage gave up because of the deadline; answered below.
            }
            finally
            {
                context.RequestAborted = request.ClientAborted;
            }

            // A response written in full just as the deadline passed is kept (the SLA metric counts it as over budget), and
            // so is one a stage completed itself; one cut short is answered with 504, or the connection aborted when headers
            // are already out. Upstream failures within the deadline are the edge's to answer.
            timedOut = deadline.IsCancellationRequested && !request.ClientAborted.IsCancellationRequested && !request.ResponseCompleted
                && (cutShort || !context.Response.HasStarted);
        }
        finally
        {
            // A response that starts after the stage has returned must not disarm a source another request holds by then.
            request.Deadline = null;
            await clientAborted.DisposeAsync();
            _sources.Return(deadline);
        }

        if (timedOut)
        {
            await TimedOutAsync(context, request);
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

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Tier timeout: tenant {TenantId} ({Tier}) exceeded its {BudgetMs} ms budget")]
    private static partial void LogTimedOut(ILogger logger, string tenantId, string tier, long budgetMs);
}
