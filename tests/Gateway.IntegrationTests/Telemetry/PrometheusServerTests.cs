using System.Text;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Telemetry;

/// <summary>
/// A real Prometheus server scrapes a real gateway's management listener with the project's own
/// <c>deploy/prometheus/prometheus.yml</c> and evaluates the project's own <c>gateway-alerts.yml</c>, while one tenant
/// floods and another stays quiet. Only the target, the intervals and the alerts' <c>for:</c> durations are rewritten,
/// so a metric renamed in the gateway, a broken expression or a wrong threshold in the shipped files fails here.
/// </summary>
/// <remarks>
/// In <see cref="TimingCollection"/>: it asserts on what <c>/metrics</c> exports, which in-process gateways of other
/// tests would add to, and its waits are for a real server's scrape and evaluation cycle.
/// </remarks>
[Collection(TimingCollection.Name)]
public sealed partial class PrometheusServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Tier = "prom-small";
    private const int TierMaxQps = 10;
    private const string HotAlert = "GatewayTenantHot";

    // Generous for a loaded 2-core machine; Prometheus applies new scrape targets on a 5 s tick, so the first
    // samples arrive 5-8 s after start even when idle.
    private static readonly TimeSpan FirstScrapeDeadline = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RuleDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _flooder = "prom-flood-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _quiet = "prom-quiet-" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource _stopTraffic = new();
    private WireMockServer _upstream = null!;
    private GatewayInstance _gateway = null!;
    private PrometheusServer? _prometheus;
    private Task _traffic = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _upstream = WireMockUpstream.Start();
        _upstream.Given(Request.Create().WithPath("/query").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"answer\":\"ok\"}"));

        // Both tenants share one small tier, so only their traffic differs.
        var config = new GatewayConfigBuilder()
            .WithRoute("query", "/query", _upstream.Url!)
            .WithTier(Tier, timeoutMs: 30_000, maxQps: TierMaxQps)
            .WithTenant(_flooder, Tier)
            .WithTenant(_quiet, Tier)
            .WithManagementListener();
        _gateway = await GatewayInstance.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _stopTraffic.CancelAsync();
        await _traffic;
        _stopTraffic.Dispose();
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        await _gateway.DisposeAsync();
        _upstream.Dispose();
    }

    [Fact]
    public async Task Prometheus_ProjectRulesWhileOneTenantFloods_RecordsItsSeriesAndRaisesHotAlertForItOnly()
    {
        // Arrange: the project's scrape config pointed at this gateway's management port, and its rules with short `for:`.
        var deploy = Path.Combine(AppContext.BaseDirectory, "deploy", "prometheus");
        var config = TestScrapeConfig(await File.ReadAllTextAsync(Path.Combine(deploy, "prometheus.yml")), _gateway.ManagementAddress!);
        var rules = WithShortFor(await File.ReadAllTextAsync(Path.Combine(deploy, "gateway-alerts.yml")));
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            _prometheus = await PrometheusServer.StartAsync(config, new Dictionary<string, string> { ["gateway-alerts.yml"] = rules });
            output.WriteLine($"prometheus {_prometheus.BaseAddress} ready after {_prometheus.StartupTime.TotalMilliseconds:F0} ms");

            // Act: the flooder offers ~3x its 10 req/s limit (refusals count as offered load); the quiet tenant ~0.2x.
            _traffic = Task.WhenAll(
                SendLoopAsync(_flooder, workers: 3, pause: TimeSpan.FromMilliseconds(100)),
                SendLoopAsync(_quiet, workers: 1, pause: TimeSpan.FromMilliseconds(500)));

            // Assert: the job from prometheus.yml scrapes the gateway.
            var up = await PollQueryAsync("up{job=\"tenant-gateway\"}", s => s is [{ Value: 1 }], FirstScrapeDeadline);
            Assert.True(up is [{ Value: 1 }], $"the project's scrape job never reached the gateway's management port: up = [{string.Join("; ", up)}]");

            // (a) The recording rules produce the flooder's series, labelled with its tier; the quiet tenant's
            // utilisation series exists too (so (b) below compares two tenants Prometheus sees), far below 80%.
            var utilization = await PollQueryAsync(
                $"tenant:gateway_throttle_limit_utilization:max{{tenant=~\"{_flooder}|{_quiet}\"}}",
                s => Tenant(s, _flooder)?.Value >= 0.8 && Tenant(s, _quiet) is not null,
                RuleDeadline);
            var flooderUtilization = Tenant(utilization, _flooder);
            var quietUtilization = Tenant(utilization, _quiet);
            Assert.True(flooderUtilization?.Value >= 0.8, $"flooder's recorded utilisation: [{string.Join("; ", utilization)}]");
            Assert.Equal(Tier, flooderUtilization!.Label("tier"));
            Assert.True(quietUtilization?.Value < 0.8, $"quiet tenant's recorded utilisation: [{string.Join("; ", utilization)}]");

            var upstreamRate = await PollQueryAsync($"tenant:gateway_upstream_requests:rate5m{{tenant=\"{_flooder}\"}}", s => s is [{ Value: > 0 }], RuleDeadline);
            Assert.True(upstreamRate is [{ Value: > 0 }], $"tenant:gateway_upstream_requests:rate5m: [{string.Join("; ", upstreamRate)}]");
            Assert.Equal(Tier, upstreamRate[0].Label("tier"));

            var compliance = await PollQueryAsync($"tenant:gateway_sla_compliance:ratio_rate10m{{tenant=\"{_flooder}\"}}", s => s is [_], RuleDeadline);
            Assert.True(compliance is [{ Value: >= 0 and <= 1 }], $"tenant:gateway_sla_compliance:ratio_rate10m: [{string.Join("; ", compliance)}]");

            // (b) The hot-tenant alert goes pending, then firing once its (shortened) `for:` has passed, for the
            // flooder; the quiet tenant of the same tier has no such alert in any state.
            var alerts = await PollAlertsAsync(a => HotAlertFor(a, _flooder)?.State == "firing", RuleDeadline);
            Assert.True(
                HotAlertFor(alerts, _flooder)?.State is "pending" or "firing",
                $"{HotAlert} for {_flooder} never became pending or firing; active alerts: [{string.Join("; ", alerts)}]");
            Assert.Equal(Tier, HotAlertFor(alerts, _flooder)!.Label("tier"));
            Assert.Null(HotAlertFor(alerts, _quiet));
            output.WriteLine($"{HotAlert} {HotAlertFor(alerts, _flooder)!.State} for the flooder {clock.ElapsedMilliseconds} ms after Prometheus started");

            // Every shipped rule evaluates against the real exposition without error (no many-to-many join, no bad type).
            var broken = (await _prometheus.RulesAsync()).Where(r => r.Health != "ok" && r.Health != "unknown").ToList();
            Assert.True(broken.Count == 0, "rules failing evaluation: " + string.Join("; ", broken.Select(r => $"{r.Name}: {r.Health} {r.LastError}")));
            output.WriteLine($"flooder utilisation {flooderUtilization.Value:F2}, quiet {quietUtilization!.Value:F2}; {HotAlert} {HotAlertFor(alerts, _flooder)!.State}");
        }
        catch (Exception)
        {
            output.WriteLine("---- prometheus.yml (test copy) ----");
            output.WriteLine(config);
            output.WriteLine("---- prometheus log ----");
            output.WriteLine(_prometheus?.Log ?? "(not started)");
            throw;
        }
    }

    /// <summary>
    /// The project's <c>prometheus.yml</c> with its placeholder target replaced by <paramref name="management"/> and
    /// every interval set to 1 s (the scrape timeout must not exceed the interval). Fails if a rewrite matched nothing,
    /// so an edit to the shipped file breaks this test loudly instead of silently testing something else.
    /// </summary>
    private static string TestScrapeConfig(string shipped, Uri management)
    {
        var config = Rewrite(shipped, PlaceholderTarget(), $"${{indent}}- {management.Authority}");
        config = Rewrite(config, Interval(), "${key}: 1s");
        Assert.DoesNotContain("gateway:9090", config, StringComparison.Ordinal);
        return config;
    }

    /// <summary>The project's rules with every alert's <c>for:</c> shortened to 2 s (the shipped file keeps minutes).</summary>
    private static string WithShortFor(string shipped) => Rewrite(shipped, ForDuration(), "${key}2s");

    private static string Rewrite(string text, Regex pattern, string replacement)
    {
        Assert.True(pattern.IsMatch(text), $"the shipped file no longer contains {pattern}: update {nameof(PrometheusServerTests)}");
        return pattern.Replace(text, replacement);
    }

    [GeneratedRegex(@"(?m)^(?<indent>\s*)- gateway:9090\b.*$")]
    private static partial Regex PlaceholderTarget();

    [GeneratedRegex(@"(?m)\b(?<key>scrape_interval|scrape_timeout|evaluation_interval): *\S+")]
    private static partial Regex Interval();

    [GeneratedRegex(@"(?m)^(?<key>\s*for:\s*)\S+")]
    private static partial Regex ForDuration();

    private static PrometheusSample? Tenant(IReadOnlyList<PrometheusSample> samples, string tenant) =>
        samples.FirstOrDefault(s => s.Label("tenant") == tenant);

    private static PrometheusAlert? HotAlertFor(IReadOnlyList<PrometheusAlert> alerts, string tenant) =>
        alerts.FirstOrDefault(a => a.Label("alertname") == HotAlert && a.Label("tenant") == tenant);

    private Task<IReadOnlyList<PrometheusSample>> PollQueryAsync(string promql, Func<IReadOnlyList<PrometheusSample>, bool> done, TimeSpan deadline) =>
        Poll.UntilAsync(() => _prometheus!.QueryAsync(promql), done, deadline, PollInterval);

    private Task<IReadOnlyList<PrometheusAlert>> PollAlertsAsync(Func<IReadOnlyList<PrometheusAlert>, bool> done, TimeSpan deadline) =>
        Poll.UntilAsync(() => _prometheus!.AlertsAsync(), done, deadline, PollInterval);

    /// <summary><paramref name="workers"/> loops, each sending one query and pausing, until the test ends.</summary>
    private Task SendLoopAsync(string tenant, int workers, TimeSpan pause)
    {
        var token = TestTokens.For(tenant);
        var stop = _stopTraffic.Token;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var request = GatewayInstance.Request(HttpMethod.Post, "/query", token);
                    request.Content = new StringContent("{\"query\":\"q\"}", Encoding.UTF8, "application/json");
                    using var response = await _gateway.Client.SendAsync(request, stop);
                    await Task.Delay(pause, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The test is over.
            }
        }));
    }
}
