using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace RagBackendSim;

/// <summary>Serves <c>POST /query</c>: validate, queue for a slot, spend the service time, answer as JSON or SSE.</summary>
internal sealed class QueryHandler
{
    public const string TenantHeader = "X-Tenant-Id";
    public const string TierHeader = "X-Tenant-Tier";
    public const string DelayHeader = "X-Sim-Delay-Ms";

    /// <summary>How long a streamed answer lasts (events every <c>StreamTokenDelayMs</c>), to hold a stream open on purpose.</summary>
    public const string StreamHeader = "X-Sim-Stream-Ms";

    /// <summary>Pads the answer text to at least this many characters, for large answers on purpose.</summary>
    public const string AnswerBytesHeader = "X-Sim-Answer-Bytes";

    private const int MaxAnswerBytes = 1024 * 1024;

    private const string AnonymousTenant = "anonymous";
    private const string ServedBy = "rag-sim";
    private const string EventStream = "text/event-stream";
    private const string BadRequestType = "urn:rag-sim:bad-request";

    // Same ceiling as the options validator: a header typo must not park a slot for hours.
    private const int MaxDelayHeaderMs = 600_000;

    private readonly CapacityGate _gate;
    private readonly ServiceTimeSampler _sampler;
    private readonly RagBackendStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger<QueryHandler> _logger;
    private readonly int _streamTokens;
    private readonly TimeSpan _streamTokenDelay;

    public QueryHandler(
        CapacityGate gate,
        ServiceTimeSampler sampler,
        RagBackendStats stats,
        TimeProvider time,
        IOptions<RagBackendOptions> options,
        ILogger<QueryHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _gate = gate;
        _sampler = sampler;
        _stats = stats;
        _time = time;
        _logger = logger;
        _streamTokens = options.Value.StreamTokens;
        _streamTokenDelay = TimeSpan.FromMilliseconds(options.Value.StreamTokenDelayMs);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var tenantId = FirstHeaderValue(context.Request.Headers, TenantHeader) ?? AnonymousTenant;
        var tier = FirstHeaderValue(context.Request.Headers, TierHeader);

        RagQueryRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, SimJsonContext.Default.RagQueryRequest, aborted);
        }
        catch (JsonException ex)
        {
            await RejectAsync(context, tenantId, tier, $"The body is not valid JSON for a query: {ex.Message}");
            return;
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // A client that disconnects mid-body surfaces as an I/O error or a cancellation, depending on timing.
            CountAborted(tenantId, QueryPhase.ReadingBody);
            return;
        }

        if (Validate(request, context.Request.Headers, out var delayOverride, out var streamFor, out var answerBytes) is { } problem)
        {
            await RejectAsync(context, tenantId, tier, problem);
            return;
        }

        var stream = request!.Stream == true || AcceptsEventStream(context.Request.Headers);
        CapacityGate.Lease lease;
        try
        {
            lease = await _gate.AcquireAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            CountAborted(tenantId, QueryPhase.Queued);
            return;
        }

        // The service time and the answer are both spent holding the slot: generation occupies the backend as
        // much as retrieval does.
        using (lease)
        {
            var phase = QueryPhase.Serving;
            try
            {
                await Task.Delay(delayOverride ?? _sampler.Next(), _time, aborted);
                var answer = BuildAnswer(tenantId, tier, request.Query!, request.TopK ?? AnswerGenerator.DefaultTopK, answerBytes);
                if (stream)
                {
                    phase = QueryPhase.Streaming;
                    await WriteEventStreamAsync(context, answer, streamFor, aborted);
                }
                else
                {
                    await context.Response.WriteAsJsonAsync(answer, SimJsonContext.Default.RagQueryResponse, contentType: null, aborted);
                }
            }
            catch (Exception) when (aborted.IsCancellationRequested)
            {
                // Cancellation and writes to a closed connection both end up here; either way the slot is freed now.
                CountAborted(tenantId, phase);
                return;
            }

            // Counted before the handler returns, hence before the client sees the end of the body.
            _stats.OnServed(tenantId);
        }
    }

    private static string? Validate(RagQueryRequest? request, IHeaderDictionary headers, out TimeSpan? delayOverride, out TimeSpan? streamFor, out int? answerBytes)
    {
        delayOverride = null;
        streamFor = null;
        answerBytes = null;
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            return "The body must be a JSON object with a non-empty \"query\" string.";
        }

        if (request.TopK is < 1 or > AnswerGenerator.MaxTopK)
        {
            return $"\"top_k\" must be between 1 and {AnswerGenerator.MaxTopK}; got {request.TopK}.";
        }

        if (ReadWhole(headers, DelayHeader, MaxDelayHeaderMs, out var delayMs) is { } delayProblem)
        {
            return delayProblem;
        }

        if (ReadWhole(headers, StreamHeader, MaxDelayHeaderMs, out var streamMs) is { } streamProblem)
        {
            return streamProblem;
        }

        if (ReadWhole(headers, AnswerBytesHeader, MaxAnswerBytes, out answerBytes) is { } sizeProblem)
        {
            return sizeProblem;
        }

        delayOverride = delayMs is { } d ? TimeSpan.FromMilliseconds(d) : null;
        streamFor = streamMs is { } m ? TimeSpan.FromMilliseconds(m) : null;
        return null;
    }

    /// <summary>A whole number in <c>[0, max]</c> from header <paramref name="name"/>, or the problem with it; null value when absent.</summary>
    private static string? ReadWhole(IHeaderDictionary headers, string name, int max, out int? value)
    {
        value = null;
        if (FirstHeaderValue(headers, name) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > max)
        {
            return $"{name} must be a whole number between 0 and {max}; got \"{text}\".";
        }

        value = parsed;
        return null;
    }

    private RagQueryResponse BuildAnswer(string tenantId, string? tier, string query, int topK, int? answerBytes)
    {
        var digest = AnswerGenerator.Digest(tenantId, query);
        var text = AnswerGenerator.Answer(tenantId, digest);
        if (answerBytes is { } size && size > text.Length)
        {
            // A long answer on request, so an attack can fill a cache quota quickly.
            text += new string('.', size - text.Length);
        }

        return new RagQueryResponse(
            tenantId,
            tier,
            query,
            text,
            AnswerGenerator.Documents(digest, topK),
            ServedBy,
            _time.GetUtcNow());
    }

    private async Task WriteEventStreamAsync(HttpContext context, RagQueryResponse answer, TimeSpan? streamFor, CancellationToken aborted)
    {
        var response = context.Response;

        // Each token must leave as soon as it is written; a buffering layer would turn the stream into one late blob.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStream;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        // Held open on request: as many events as fit the asked duration at the usual pace.
        var count = streamFor is { } length && _streamTokenDelay > TimeSpan.Zero
            ? Math.Max(1, (int)(length / _streamTokenDelay) + 1)
            : _streamTokens;
        var tokens = AnswerGenerator.SplitIntoTokens(answer.Answer, count);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i > 0)
            {
                await Task.Delay(_streamTokenDelay, _time, aborted);
            }

            var data = JsonSerializer.SerializeToUtf8Bytes(new RagStreamToken(tokens[i], i), SimJsonContext.Default.RagStreamToken);
            await WriteEventAsync(response.BodyWriter, eventName: null, data, aborted);
        }

        // The final event carries the whole answer so a client can check tenant and documents on streams too;
        // an event without data would not be dispatched by EventSource.
        var done = JsonSerializer.SerializeToUtf8Bytes(answer, SimJsonContext.Default.RagQueryResponse);
        await WriteEventAsync(response.BodyWriter, "done", done, aborted);
    }

    private static async Task WriteEventAsync(PipeWriter writer, string? eventName, byte[] data, CancellationToken aborted)
    {
        if (eventName is not null)
        {
            writer.Write("event: "u8);
            writer.Write(Encoding.UTF8.GetBytes(eventName));
            writer.Write("\n"u8);
        }

        writer.Write("data: "u8);
        writer.Write(data);
        writer.Write("\n\n"u8);
        await writer.FlushAsync(aborted);
        aborted.ThrowIfCancellationRequested();
    }

    private async Task RejectAsync(HttpContext context, string tenantId, string? tier, string detail)
    {
        Log.QueryRejected(_logger, tenantId, detail);
        var extensions = new Dictionary<string, object?> { ["tenant_id"] = tenantId, ["tier"] = tier };
        var problem = Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid query", type: BadRequestType, extensions: extensions);
        await problem.ExecuteAsync(context);
    }

    private void CountAborted(string tenantId, QueryPhase phase)
    {
        _stats.OnAborted(tenantId);
        Log.QueryAborted(_logger, tenantId, phase);
    }

    private static bool AcceptsEventStream(IHeaderDictionary headers)
    {
        foreach (var value in headers.Accept)
        {
            if (value is not null && value.Contains(EventStream, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string? FirstHeaderValue(IHeaderDictionary headers, string name)
    {
        var values = headers[name];
        return StringValues.IsNullOrEmpty(values) || string.IsNullOrWhiteSpace(values[0]) ? null : values[0]!.Trim();
    }
}
