using System.Globalization;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Model;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// Proxy stage, last before the upstream call: takes a slot of the cluster's capacity, waiting in the tenant's
/// fair-queue lane when the cluster is saturated, and gives it back when the rest of the pipeline has finished
/// (however it finished). A request that cannot meet its deadline is shed with 503 problem+json and <c>Retry-After</c>.
/// </summary>
internal sealed partial class FairUpstreamStage : IGatewayStage
{
    private readonly FairQueueRegistry _registry;
    private readonly FairnessMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<FairUpstreamStage> _logger;

    /// <summary>Creates the stage.</summary>
    public FairUpstreamStage(FairQueueRegistry registry, FairnessMetrics metrics, TimeProvider time, ILogger<FairUpstreamStage> logger)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _registry = registry;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.GetGatewayRequest();
        var fairness = request.Settings.Options.Fairness;
        if (!fairness.Enabled)
        {
            return next(context);
        }

        var tier = request.Tier ?? throw new InvalidOperationException("The fair queue must run after tenant resolution.");
        var queue = _registry.For(ClusterId(context));
        var entry = queue.TryEnter(request.TenantId!, request.TenantLabel, tier, fairness, request.Remaining(_time));
        return entry.Status switch
        {
            QueueEntryStatus.Granted => RunAsync(context, queue, entry.Slot, next),
            QueueEntryStatus.Queued => WaitAsync(context, request, queue, entry, next),
            _ => ShedAsync(context, request, queue, entry.Reason, entry.EstimatedWait),
        };
    }

    private static string ClusterId(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        return proxy.Cluster?.Config.ClusterId ?? proxy.Route.Config.ClusterId ?? "";
    }

    private async Task RunAsync(HttpContext context, FairQueue queue, Slot slot, RequestDelegate next)
    {
        // Held until the whole response has been forwarded, so a stream counts against its tenant's share while it lasts.
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            queue.Release(slot, _time.GetElapsedTime(slot.StartedAt));
        }
    }

    private async Task WaitAsync(HttpContext context, GatewayRequest request, FairQueue queue, QueueEntry entry, RequestDelegate next)
    {
        var waiter = entry.Waiter!;
        waiter.Arm(entry.ShedAfter, _time, context.RequestAborted);
        QueueResult result;
        try
        {
            result = await waiter.Completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Left the queue because the client went away or the deadline passed; the deadline stage answers (504) or not at all.
            return;
        }
        finally
        {
            waiter.Disarm();
        }

        var waited = _time.GetElapsedTime(waiter.EnqueuedAt);
        if (result == QueueResult.Granted)
        {
            _metrics.QueueWaited(request.TenantLabel, waited.TotalSeconds);
            await RunAsync(context, queue, waiter.Slot, next).ConfigureAwait(false);
            return;
        }

        await ShedAsync(context, request, queue, ShedReason.Deadline, entry.EstimatedWait, waited).ConfigureAwait(false);
    }

    private Task ShedAsync(HttpContext context, GatewayRequest request, FairQueue queue, ShedReason reason, TimeSpan estimatedWait, TimeSpan waited = default)
    {
        var tier = request.Tier!;
        request.Outcome = RequestOutcome.Shed;

        var retryAfter = Math.Max(1, (long)Math.Ceiling(estimatedWait.TotalSeconds));
        var budgetMs = (long)tier.Timeout.TotalMilliseconds;
        var waitMs = (long)Math.Ceiling(estimatedWait.TotalMilliseconds);
        var reasonLabel = reason == ShedReason.QueueFull ? "queue_full" : "deadline";
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var waitedMs = (long)waited.TotalMilliseconds;
            var remainingMs = (long)request.Remaining(_time).TotalMilliseconds;
            LogShed(_logger, request.TenantId!, tier.Name, queue.ClusterId, reasonLabel, waitMs, budgetMs, waitedMs, remainingMs);
        }

        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var detail = reason == ShedReason.QueueFull
            ? $"Tenant '{request.TenantId}' ({tier.Name} tier) already has the most requests allowed waiting for the saturated upstream; retry later."
            : string.Create(CultureInfo.InvariantCulture,
                $"The upstream is saturated: tenant '{request.TenantId}' ({tier.Name} tier) could not be served within its {budgetMs} ms budget (estimated wait {waitMs} ms), so the request was shed instead of timing out.");
        return ProblemWriter.WriteAsync(context, ProblemKind.Shed, detail, request.TenantId, tier.Name,
            new Dictionary<string, object?>
            {
                ["reason"] = reasonLabel,
                ["budget_ms"] = budgetMs,
                ["estimated_wait_ms"] = waitMs,
                ["retry_after_s"] = retryAfter,
            });
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Debug,
        Message = "Shed a request of tenant {TenantId} ({Tier}) for cluster {ClusterId}: {Reason}, estimated wait {WaitMs} ms, budget {BudgetMs} ms, waited in the queue {WaitedMs} ms, {RemainingMs} ms left")]
    private static partial void LogShed(ILogger logger, string tenantId, string tier, string clusterId, string reason, long waitMs, long budgetMs, long waitedMs, long remainingMs);
}
