using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>A tenant limit under test: <paramref name="MaxQps"/> requests per second after a burst of <paramref name="Burst"/>.</summary>
internal readonly record struct AccuracyLimit(int MaxQps, int Burst)
{
    /// <summary>The limit of the original accuracy tests: admissions one at a time, near the limit all along.</summary>
    public static readonly AccuracyLimit Exact = new(AccuracyRun.MaxQps, AccuracyRun.Burst);

    /// <summary>A burst large enough that nodes take leases (a tenth of what is available) while the bucket is full.</summary>
    public static readonly AccuracyLimit Leasing = new(200, 200);
}

/// <summary>
/// One accuracy measurement: a tenant limited to <see cref="AccuracyLimit.MaxQps"/> (burst <see cref="AccuracyLimit.Burst"/>;
/// <see cref="MaxQps"/> and <see cref="Burst"/> by default) offered twice that for <see cref="Duration"/>, open loop.
/// Expected admissions: <c>MaxQps × D + Burst</c> with <c>D</c> the span from the first to the last request sent.
/// </summary>
/// <remarks>
/// The formula holds only while the offered rate really stays above the limit. On a loaded two-core machine the
/// test process can be starved for a few hundred milliseconds (other builds and tests share the cores): no request
/// goes out, the bucket refills only up to its burst, and the admissions of that gap are lost. A run is therefore
/// <em>disturbed</em> when a send gap or a request latency exceeds the burst interval (<c>Burst / MaxQps</c>, the
/// longest pause that costs nothing); a disturbed run that misses the 5% is repeated, up to three attempts. A run that
/// misses it undisturbed fails at once: that is the limiter's error, not the machine's. A starved gap can only lose
/// admissions, never create them, so over-admission fails whatever the machine did; when all three attempts were
/// disturbed, under-admission alone is reported but not failed (the machine, not the limiter, decided that figure).
/// </remarks>
internal sealed class AccuracyRun
{
    public const int MaxQps = 50;
    public const int Burst = 5;
    public const int MaxAttempts = 3;

    /// <summary>Fallback decisions a healthy shared-limiter run may show (a Redis call over its 20 ms budget on a busy machine).</summary>
    public const int TolerableFallbacks = 5;

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(4.5);

    private readonly AccuracyLimit _limit;

    private AccuracyRun(IReadOnlyList<SentRequest> sent, AccuracyLimit limit)
    {
        _limit = limit;
        Sent = sent;
        Span = sent.Max(r => r.SentAt) - sent.Min(r => r.SentAt);
        Expected = (limit.MaxQps * Span) + limit.Burst;
        Admitted = sent.Count(r => r.Status == HttpStatusCode.OK);
        Refused = sent.Count(r => r.Status == HttpStatusCode.TooManyRequests);
        var ordered = sent.OrderBy(r => r.SentAt).ToList();
        MaxSendGap = ordered.Zip(ordered.Skip(1), (a, b) => b.SentAt - a.SentAt).DefaultIfEmpty(0).Max();
        MaxLatency = sent.Max(r => r.LatencyMs) / 1000;
    }

    public IReadOnlyList<SentRequest> Sent { get; }

    public double Span { get; }

    public double Expected { get; }

    public int Admitted { get; }

    public int Refused { get; }

    public double Error => (Admitted - Expected) / Expected;

    public double MaxSendGap { get; }

    public double MaxLatency { get; }

    /// <summary>
    /// Whether the machine starved the run: a send gap or a latency over the burst interval (<c>Burst / MaxQps</c>, the
    /// longest pause that costs nothing).
    /// </summary>
    public bool Disturbed => MaxSendGap > (double)_limit.Burst / _limit.MaxQps || MaxLatency > (double)_limit.Burst / _limit.MaxQps;

    public static GatewayConfigBuilder Config(KestrelUpstream upstream, string tenant, string? redis, int expectedNodes = 2, AccuracyLimit? limit = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var (maxQps, burst) = limit ?? AccuracyLimit.Exact;
        var config = new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithMeteredTenants(maxQps, burst, tenant)
            .With("Gateway:Throttling:ExpectedNodes", expectedNodes);
        return redis is null ? config : config.WithRedis(redis);
    }

    /// <summary>Measures until a run is within 5% or undisturbed, at most <see cref="MaxAttempts"/> times.</summary>
    public static async Task<AccuracyRun> MeasureAsync(IReadOnlyList<GatewayInstance> nodes, string tenant, string scenario, ITestOutputHelper output, AccuracyLimit? limit = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var measured = limit ?? AccuracyLimit.Exact;
        for (var attempt = 1; ; attempt++)
        {
            var run = new AccuracyRun(await SendAsync(nodes, tenant, 2.0 * measured.MaxQps), measured);
            run.Report(scenario, attempt, output);
            if (Math.Abs(run.Error) <= 0.05 || !run.Disturbed || attempt == MaxAttempts)
            {
                return run;
            }

            output.WriteLine("  disturbed run (the machine starved the sender or the gateway); measuring again");

            // Long enough for the bucket to be full again, so every attempt starts alike.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    public static async Task<IReadOnlyList<SentRequest>> SendAsync(IReadOnlyList<GatewayInstance> nodes, string tenant, double rate = 2.0 * MaxQps)
    {
        var token = TestTokens.For(tenant);
        return await OpenLoopSender.RunAsync(i => nodes[i % nodes.Count].Client.GetAsTenantAsync(tenant, token, i), rate, Duration);
    }

    /// <summary>Lua script calls (<c>EVAL</c> and <c>EVALSHA</c>) the Redis server on <paramref name="port"/> has run so far.</summary>
    public static async Task<long> ScriptCallsAsync(int port)
    {
        var stats = await RespClient.FieldsAsync(port, "INFO", "commandstats");
        long calls = 0;
        foreach (var command in new[] { "cmdstat_eval", "cmdstat_evalsha" })
        {
            if (stats.TryGetValue(command, out var fields))
            {
                var value = fields.Split(',').First(f => f.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..];
                calls += long.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return calls;
    }

    public static async Task<double> FallbacksAsync(GatewayInstance gateway, string tenant) =>
        PrometheusText.Value(await gateway.ScrapeAsync(), "gateway_throttle_fallbacks_total", ("tenant", tenant));

    /// <summary>
    /// Warms the gateway up and waits until its Redis connection is up and the breaker closed (a connect attempt can
    /// miss its 250 ms timeout on a busy machine and is retried in the background).
    /// </summary>
    public static async Task WaitForSharedLimiterAsync(GatewayInstance gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var status = await Poll.UntilAsync(
            async () =>
            {
                await ProxyFixture.WarmUpAsync(gateway);
                return await RedisStatusAsync(gateway);
            },
            s => s == "ok",
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));
        Assert.Equal("ok", status);
    }

    public static async Task<string?> RedisStatusAsync(GatewayInstance gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var response = await gateway.Client.GetAsync(new Uri("readyz", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("components").GetProperty("redis").GetProperty("status").GetString();
    }

    public void AssertWithinFivePercent()
    {
        Assert.Equal(Sent.Count, Admitted + Refused);
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"Admitted {Admitted}, expected {Expected:F1} (error {Error:P2}); disturbed: {Disturbed} (max send gap {MaxSendGap * 1000:F0} ms, max latency {MaxLatency * 1000:F0} ms).");
        Assert.True(Error <= 0.05, figures);
        Assert.True(Error >= -0.05 || Disturbed, figures);
    }

    private void Report(string scenario, int attempt, ITestOutputHelper output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario} (attempt {attempt}): sent {Sent.Count} over {Span:F3} s, admitted {Admitted}, refused {Refused}; expected {_limit.MaxQps} x {Span:F3} + {_limit.Burst} = {Expected:F1}; error {Error:P2}; max send gap {MaxSendGap * 1000:F0} ms, max latency {MaxLatency * 1000:F0} ms"));
        output.WriteLine("  admitted per second of sending: " + OpenLoopSender.PerSecond(Sent, r => r.Status == HttpStatusCode.OK));
    }
}
