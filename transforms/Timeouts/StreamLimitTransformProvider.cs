using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Timeouts;

/// <summary>
/// Bounds streamed answers: a <c>text/event-stream</c> response ends cleanly (the client sees the normal end of the
/// response, not a reset) once it has run for the tier's <c>MaxStreamSeconds</c> or the upstream has been silent for
/// <c>Gateway:Limits:StreamIdleSeconds</c>. Counted in <c>gateway.stream.ended</c>; the request is marked
/// <see cref="GatewayRequest.StreamCutShort"/> so a cut stream is never cached as a complete answer.
/// </summary>
/// <remarks>
/// The tier deadline stops at the response headers of a stream, and the fair queue keeps the stream's slot until it
/// ends; these limits are what returns that slot when a client holds a stream open.
/// </remarks>
internal sealed partial class StreamLimitTransformProvider : ITransformProvider
{
    private readonly TimeProvider _time;
    private readonly StreamMetrics _metrics;
    private readonly ILogger<StreamLimitTransformProvider> _logger;

    /// <summary>Creates the provider.</summary>
    public StreamLimitTransformProvider(TimeProvider time, StreamMetrics metrics, ILogger<StreamLimitTransformProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <inheritdoc />
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    /// <inheritdoc />
    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    /// <inheritdoc />
    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddResponseTransform(transform =>
        {
            var response = transform.ProxyResponse;
            if (response?.Content is not { } content || !EventStreams.Is(content.Headers.ContentType?.MediaType))
            {
                return ValueTask.CompletedTask;
            }

            var request = transform.HttpContext.GetGatewayRequest();
            if (request.Tier is not { } tier)
            {
                return ValueTask.CompletedTask;
            }

            var maxDuration = TimeSpan.FromSeconds(tier.MaxStreamSeconds);
            var idle = TimeSpan.FromSeconds(request.Settings.Options.Limits.StreamIdleSeconds);
            response.Content = new LimitedEventStreamContent(content,
                upstream => new LimitedEventStream(upstream, _time, maxDuration, idle, reason => Ended(request, reason, maxDuration, idle)));
            return ValueTask.CompletedTask;
        });
    }

    private void Ended(GatewayRequest request, StreamEndReason reason, TimeSpan maxDuration, TimeSpan idle)
    {
        request.StreamCutShort = true;
        _metrics.Ended(request.TenantLabel, request.TierLabel, reason);
        var limitSeconds = (long)(reason == StreamEndReason.MaxDuration ? maxDuration : idle).TotalSeconds;
        LogEnded(_logger, request.TenantId ?? GatewayRequest.UnknownLabel, request.TierLabel, reason, limitSeconds);
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information,
        Message = "Ended a stream of tenant {TenantId} ({Tier}): {Reason} after {LimitSeconds} s; the upstream request was cancelled")]
    private static partial void LogEnded(ILogger logger, string tenantId, string tier, StreamEndReason reason, long limitSeconds);
}
