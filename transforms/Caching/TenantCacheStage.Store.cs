using System.Runtime.InteropServices;
using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Caching;

/// <summary>The miss path of <see cref="TenantCacheStage"/>: forward, tee the answer, share it with followers, store it.</summary>
internal sealed partial class TenantCacheStage
{
    private async Task ForwardAsync(
        HttpContext context,
        RequestDelegate next,
        GatewayRequest request,
        CacheRouteSettings route,
        string[] varyNames,
        string hash,
        long generation,
        CacheCoalescer.Flight? flight,
        SemanticPending? semantic)
    {
        var maxEntryBytes = request.Settings.Options.Cache.MaxEntryBytes;
        var capture = ResponseCapture.Install(
            context,
            response => CacheabilityPolicy.EvaluateResponse(
                response.StatusCode, response.Headers, route.CacheStreaming, route.PerUser, varyNames, maxEntryBytes, _time.GetUtcNow()),
            maxEntryBytes,
            flight is null ? null : () => flight.Complete(null));

        CacheEntry? entry = null;
        try
        {
            await next(context);
            entry = Captured(context, request, capture);
        }
        finally
        {
            await capture.UninstallAsync();

            // Followers replay at once; they do not wait for the store.
            flight?.Complete(entry);
        }

        if (entry is null)
        {
            return;
        }

        try
        {
            // The write releases the flight once the entry is in the store.
            await StoreAsync(context, request, entry, capture.Decision, hash, generation, flight, route.Semantic is null ? null : semantic ?? SemanticPending.None);
        }
        catch
        {
            flight?.Release();
            throw;
        }
    }

    private CacheEntry? Captured(HttpContext context, GatewayRequest request, ResponseCapture capture)
    {
        var upstreamAnswered = !ForwardingErrors.Failed(context) && request.Outcome is RequestOutcome.Pending or RequestOutcome.Ok;
        if (!upstreamAnswered || request.StreamCutShort)
        {
            return null;
        }

        if (!capture.TryGetBody(out var body))
        {
            if (capture.State == CaptureState.TooLarge)
            {
                _metrics.WriteSkipped(request.TenantLabel, CacheDecision.TooLarge);
            }
            else if (capture.State == CaptureState.PassThrough)
            {
                _metrics.WriteSkipped(request.TenantLabel, CacheDecision.NotCacheable);
                LogNotCacheable(_logger, request.TenantId!, capture.Decision.Detail ?? "incomplete body");
            }

            return null;
        }

        var response = context.Response;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in CacheabilityPolicy.ReplayableHeaders)
        {
            foreach (var value in response.Headers[name])
            {
                if (value is not null)
                {
                    headers.Add(new(name, value));
                }
            }
        }

        // The capture's own array when it holds exactly the body (a declared length): no copy.
        var stored = MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();
        return new CacheEntry(request.TenantId!, response.StatusCode, _time.GetUtcNow(), headers, stored);
    }

    private async Task StoreAsync(HttpContext context, GatewayRequest request, CacheEntry entry, CacheDecision decision, string hash, long generation, CacheCoalescer.Flight? flight, SemanticPending? semantic)
    {
        var tier = request.Tier!;
        var options = request.Settings.Options;
        var ttl = CacheabilityPolicy.EffectiveTtl(tier.CacheTtl, decision.UpstreamMaxAge);
        entry = entry with { ExpiresAt = entry.StoredAt + ttl };
        var write = new CacheWriteRequest(
            request.TenantId!,
            hash,
            generation,
            CacheEntrySerializer.Serialize(entry),
            ttl,
            CacheLifetimes.WriteLimit(_quotas.EffectiveQuota(tier, request.Settings), options.Cache.QuotaWriteThreshold),
            CacheLifetimes.ForWrite(tier, ttl),
            semantic is null ? null : new CacheVectorWrite(semantic.Record, options.Embeddings.MaxVectorsPerTenant));

        // Finish the response first, so the client never waits for the store.
        try
        {
            await context.Response.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client is gone; the answer is still worth keeping.
        }

        // Close to the deadline the write runs on its own, so it cannot push a finished request past its budget.
        if (request.Remaining(_time) > TimeSpan.FromMilliseconds(options.Redis.OperationTimeoutMs * 2))
        {
            await WriteAsync(request, write, flight, semantic);
        }
        else
        {
            _ = Task.Run(() => WriteAsync(request, write, flight, semantic));
        }
    }

    private async Task WriteAsync(GatewayRequest request, CacheWriteRequest write, CacheCoalescer.Flight? flight, SemanticPending? semantic)
    {
        CacheWriteResult result;
        try
        {
            result = await _store.SetAsync(write, CancellationToken.None);
        }
        finally
        {
            flight?.Release();
        }

        var label = request.TenantLabel;
        switch (result.Status)
        {
            case CacheWriteStatus.Stored:
                _metrics.Written(label);
                if (result.VectorStored && semantic?.Entry is { } vector)
                {
                    _semantic.Stored(write.TenantId, vector);
                }

                break;
            case CacheWriteStatus.SkippedQuota:
                _metrics.WriteSkipped(label, "quota");
                LogQuotaSkip(_logger, write.TenantId, result.UsedBytes, write.LimitBytes);
                break;
            case CacheWriteStatus.SkippedStoreFull:
                _metrics.WriteSkipped(label, "store_full");
                LogStoreFull(_logger, write.TenantId, request.Settings.Options.Cache.EmbeddedMaxBytes);
                break;
            case CacheWriteStatus.StaleGeneration:
                _metrics.WriteSkipped(label, "stale_generation");
                break;
            default:
                return;
        }

        _usage.Report(label, result.UsedBytes, result.KeyCount, _quotas.EffectiveQuota(request.Tier!, request.Settings));
    }

    [LoggerMessage(EventId = 621, Level = LogLevel.Debug, Message = "Response for tenant {TenantId} not cached: {Reason}")]
    private static partial void LogNotCacheable(ILogger logger, string tenantId, string reason);

    [LoggerMessage(EventId = 623, Level = LogLevel.Information, Message = "Cache write skipped for tenant {TenantId}: the embedded store holds its bound of {MaxBytes} bytes for all tenants")]
    private static partial void LogStoreFull(ILogger logger, string tenantId, long maxBytes);

    [LoggerMessage(EventId = 622, Level = LogLevel.Information, Message = "Cache write skipped for tenant {TenantId}: {UsedBytes} bytes used, limit {LimitBytes} (quota threshold)")]
    private static partial void LogQuotaSkip(ILogger logger, string tenantId, long usedBytes, long limitBytes);
}
