using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using RagBackendSim;

namespace Gateway.IntegrationTests.Fairness;

/// <summary>The simulated RAG backend hosted in the test process: a small capacity with a FIFO queue behind it.</summary>
internal sealed class SimulatedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatedBackend(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<SimulatedBackend> StartAsync(int capacity, int latencyMs)
    {
        var app = RagBackend.Create(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
            o =>
            {
                o.Capacity = capacity;
                o.FixedLatencyMs = latencyMs;
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SimulatedBackend(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Queued queries are cut off; the test is over.
            }
        }

        await _app.DisposeAsync();
    }
}

/// <summary>One answered query.</summary>
internal sealed record QueryResult(double SentAt, HttpStatusCode Status, double LatencyMs, string? Body);

/// <summary>Drives tenants against the gateway with <c>POST /query</c>: a closed-loop flood and a steady open-loop trickle.</summary>
internal static class FloodScenario
{
    /// <summary>
    /// <paramref name="workers"/> concurrent loops sending as fast as answers come back, until <paramref name="stop"/>
    /// or <paramref name="maxRequests"/> in all. After a refusal a worker pauses briefly so it cannot spin on cheap 429s.
    /// </summary>
    /// <param name="headers">Extra request headers, e.g. the simulator's <c>X-Sim-Delay-Ms</c> for slow queries.</param>
    public static Task<List<QueryResult>> FloodAsync(HttpClient client, string tenant, int workers, int maxRequests, CancellationToken stop, IReadOnlyDictionary<string, string>? headers = null)
    {
        var token = TestTokens.For(tenant);
        var results = new ConcurrentBag<QueryResult>();
        var budget = maxRequests;
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, workers).Select(async w =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Decrement(ref budget) >= 0)
            {
                var result = await SendAsync(client, tenant, token, $"flood-{w}-{results.Count}", clock, keepBody: true, headers);
                results.Add(result);
                if (result.Status != HttpStatusCode.OK)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
                }
            }
        });
        return Task.WhenAll(loops).ContinueWith(_ => results.ToList(), TaskScheduler.Default);
    }

    /// <summary>A query of <paramref name="tenant"/> every 100 ms (at most 200), not waiting for answers, until <paramref name="stop"/>.</summary>
    public static async Task TrickleAsync(HttpClient client, string tenant, CancellationToken stop)
    {
        var token = TestTokens.For(tenant);
        var clock = Stopwatch.StartNew();
        var pending = new List<Task<QueryResult>>();
        for (var i = 0; i < 200 && !stop.IsCancellationRequested; i++)
        {
            pending.Add(SendAsync(client, tenant, token, $"trickle-{i}", clock, keepBody: false));
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        await Task.WhenAll(pending);
    }

    /// <summary><paramref name="count"/> queries, one every <paramref name="interval"/>, not waiting for answers.</summary>
    public static async Task<List<QueryResult>> SteadyAsync(HttpClient client, string tenant, int count, TimeSpan interval)
    {
        var token = TestTokens.For(tenant);
        var clock = Stopwatch.StartNew();
        var pending = new List<Task<QueryResult>>(count);
        for (var i = 0; i < count; i++)
        {
            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            pending.Add(SendAsync(client, tenant, token, $"steady-{i}", clock, keepBody: false));
        }

        return [.. await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30))];
    }

    public static async Task<QueryResult> SendAsync(HttpClient client, string tenant, string token, string query, Stopwatch clock, bool keepBody, IReadOnlyDictionary<string, string>? headers = null)
    {
        await Task.Yield();
        using var request = new HttpRequestMessage(HttpMethod.Post, "query")
        {
            Content = new StringContent($"{{\"query\":\"{tenant} {query}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        var sentAt = clock.Elapsed;
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var latency = clock.Elapsed - sentAt;
        return new QueryResult(sentAt.TotalSeconds, response.StatusCode, latency.TotalMilliseconds,
            keepBody && response.StatusCode != HttpStatusCode.OK ? body : null);
    }

    /// <summary>Nearest-rank percentile of the latencies of <paramref name="results"/>.</summary>
    public static double Percentile(IReadOnlyCollection<QueryResult> results, double p)
    {
        var sorted = results.Select(r => r.LatencyMs).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Counts by status, e.g. <c>200×30 504×2</c>.</summary>
    public static string Statuses(IEnumerable<QueryResult> results) =>
        string.Join(" ", results.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}x{g.Count()}")));
}
