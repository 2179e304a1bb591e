using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>One request sent by <see cref="OpenLoopSender"/>.</summary>
/// <param name="Index">Position in the send schedule.</param>
/// <param name="SentAt">Seconds since the run started when it was sent.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="LatencyMs">Time to the complete response.</param>
/// <param name="RateLimit">The <c>RateLimit</c> header, if any.</param>
/// <param name="RateLimitPolicy">The <c>RateLimit-Policy</c> header, if any.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> header, if any.</param>
internal sealed record SentRequest(int Index, double SentAt, HttpStatusCode Status, double LatencyMs, string? RateLimit, string? RateLimitPolicy, string? RetryAfter);

/// <summary>
/// Sends requests on a fixed schedule regardless of how fast answers come back (open loop), so a limiter sees a
/// true offered rate. A timer fires every 10 ms and sends whatever the schedule says is due by then, which keeps
/// the rate exact even when the timer runs late. Bounded in count (<c>rate × duration</c>) and in time.
/// </summary>
internal static class OpenLoopSender
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Sends <c>rate × duration</c> requests through <paramref name="send"/> (given the request index).</summary>
    public static async Task<IReadOnlyList<SentRequest>> RunAsync(Func<int, Task<HttpResponseMessage>> send, double rate, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(send);
        var total = (int)Math.Round(rate * duration.TotalSeconds);
        var pending = new List<Task<SentRequest>>(total);
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(Tick);
        while (pending.Count < total && clock.Elapsed < duration + duration)
        {
            var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            while (pending.Count < due)
            {
                pending.Add(SendOneAsync(send, pending.Count, clock));
            }

            await timer.WaitForNextTickAsync();
        }

        return await Task.WhenAll(pending).WaitAsync(DrainTimeout);
    }

    /// <summary>Admitted (2xx) requests per whole second of the run, for the test log.</summary>
    public static string PerSecond(IEnumerable<SentRequest> requests, Func<SentRequest, bool> counted) =>
        string.Join(" ", requests.Where(counted).GroupBy(r => (int)r.SentAt).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"[{g.Key}s]={g.Count()}")));

    private static async Task<SentRequest> SendOneAsync(Func<int, Task<HttpResponseMessage>> send, int index, Stopwatch clock)
    {
        // Leave the timer loop at once; the request runs on the pool.
        await Task.Yield();
        var sentAt = clock.Elapsed;
        using var response = await send(index);
        await response.Content.ReadAsByteArrayAsync();
        var latency = clock.Elapsed - sentAt;
        return new SentRequest(
            index,
            sentAt.TotalSeconds,
            response.StatusCode,
            latency.TotalMilliseconds,
            Header(response, "RateLimit"),
            Header(response, "RateLimit-Policy"),
            response.Headers.RetryAfter?.Delta is { } delta ? ((long)delta.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
