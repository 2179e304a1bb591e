using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Config;

/// <summary>Editing the configuration file changes the running gateway's tables; invalid edits are refused and counted.</summary>
/// <remarks>Isolated because the reload counters are read from <c>GET /metrics</c>.</remarks>
[Collection(TimingCollection.Name)]
public sealed class HotReloadTests(ITestOutputHelper output)
{
    private const string Tenant = GatewayConfigBuilder.SilverTenant;

    // The promise (2 s) plus slack for a busy CI machine.
    private static readonly TimeSpan ApplyDeadline = TimeSpan.FromSeconds(2.5);

    // How long a refused edit must leave the table alone: several poll intervals of the file watcher.
    private static readonly TimeSpan RefusedEditObservation = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Reload_TenantMovedFromSilverToPlatinum_AppliedWithinTwoSeconds()
    {
        // Arrange
        using var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url!));
        Assert.Equal("silver", await gateway.TierNameAsync(Tenant));
        var successesBefore = await gateway.ConfigReloadsAsync("success");

        // Act
        var clock = Stopwatch.StartNew();
        await gateway.RewriteConfigAsync(config => config["Gateway"]!["Tenants"]![Tenant]!["Tier"] = "platinum");
        var tier = await Poll.UntilAsync(() => gateway.TierNameAsync(Tenant), t => t == "platinum", ApplyDeadline);
        clock.Stop();

        // Assert
        output.WriteLine($"reload applied after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal("platinum", tier);
        Assert.True(clock.Elapsed <= ApplyDeadline, $"Applied after {clock.Elapsed.TotalMilliseconds:F0} ms.");
        using var response = await gateway.GetAsync("/after-reload", TestTokens.For(Tenant));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["platinum"], Assert.Single(upstream.LogEntries).RequestMessage.HeaderValues("X-Tenant-Tier"));
        var successes = await Poll.UntilAsync(() => gateway.ConfigReloadsAsync("success"), v => v > successesBefore, TimeSpan.FromSeconds(2));
        Assert.True(successes > successesBefore);
    }

    [Fact]
    public async Task Reload_WhileRequestInFlight_InFlightRequestKeepsItsSnapshot()
    {
        // Arrange: tenant-r has a 3 s tier; the upstream holds its request until the test releases it.
        var arrived = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await KestrelUpstream.StartAsync(async context =>
        {
            var tier = context.Request.Headers["X-Tenant-Tier"].ToString();
            if (context.Request.Path == "/in-flight")
            {
                arrived.TrySetResult(tier);
                await release.Task.WaitAsync(TimeSpan.FromSeconds(10), context.RequestAborted);
            }

            await context.Response.WriteAsync(tier);
        });
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithTier("relaxed", timeoutMs: 3000)
            .WithTenant("tenant-r", "relaxed"));
        var token = TestTokens.For("tenant-r");
        var inFlight = gateway.GetAsync("/in-flight", token);
        var tierAtArrival = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // Act: move the tenant to platinum (200 ms) while its request is held upstream, then let it finish.
        await gateway.RewriteConfigAsync(config => config["Gateway"]!["Tenants"]!["tenant-r"]!["Tier"] = "platinum");
        var reloaded = await Poll.UntilAsync(() => gateway.TierNameAsync("tenant-r"), t => t == "platinum", ApplyDeadline);
        release.SetResult();
        using var inFlightResponse = await inFlight;
        using var nextResponse = await gateway.GetAsync("/next", token);

        // Assert: no 504 although platinum's budget is long gone; the next request runs under the new tier.
        Assert.Equal("relaxed", tierAtArrival);
        Assert.Equal("platinum", reloaded);
        Assert.Equal(HttpStatusCode.OK, inFlightResponse.StatusCode);
        Assert.Equal("relaxed", await inFlightResponse.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, nextResponse.StatusCode);
        Assert.Equal("platinum", await nextResponse.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> InvalidEdits =>
        ["malformed-json", "tenant-on-missing-tier", "non-positive-timeout", "unparsable-quota", "unconvertible-timeout"];

    [Theory]
    [MemberData(nameof(InvalidEdits))]
    public async Task Reload_InvalidEdit_KeepsPreviousTableLogsKeyAndCountsFailure(string edit)
    {
        // Arrange
        var config = new GatewayConfigBuilder();
        await using var gateway = await GatewayInstance.StartAsync(config);
        var failuresBefore = await gateway.ConfigReloadsAsync("failure");

        // Act
        var clock = Stopwatch.StartNew();
        var offendingKey = await ApplyInvalidEditAsync(gateway, edit);
        var failures = await Poll.UntilAsync(() => gateway.ConfigReloadsAsync("failure"), v => v > failuresBefore, TimeSpan.FromSeconds(3));
        var rest = RefusedEditObservation - clock.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        // Assert: previous table in force, failure counted, one error line naming the key.
        output.WriteLine($"{edit}: failure counted after {clock.Elapsed.TotalMilliseconds:F0} ms, key '{offendingKey}'");

        Assert.True(failures > failuresBefore, "gateway_config_reloads_total{result=\"failure\"} did not increase.");
        var tier = await gateway.TierAsync(Tenant);
        Assert.Equal("silver", tier.GetProperty("tier").GetString());
        Assert.Equal(1000, tier.GetProperty("config").GetProperty("timeout_ms").GetInt32());
        Assert.Equal(10.0, tier.GetProperty("config").GetProperty("cache_quota_gb").GetDouble());
        Assert.Contains(gateway.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(offendingKey, StringComparison.Ordinal));

        // Act: a later valid edit (which also repairs the broken value) is applied again.
        await gateway.WriteConfigRawAsync(config.WithTenant(Tenant, "platinum").ToJson());
        var repaired = await Poll.UntilAsync(() => gateway.TierNameAsync(Tenant), t => t == "platinum", ApplyDeadline);

        // Assert
        Assert.Equal("platinum", repaired);
    }

    private static async Task<string> ApplyInvalidEditAsync(GatewayInstance gateway, string edit)
    {
        switch (edit)
        {
            case "malformed-json":
                await gateway.WriteConfigRawAsync("""{ "Gateway": { "Tenants": { "tenant-s": { "Tier": "platinum" """);
                return "is not valid JSON";
            case "tenant-on-missing-tier":
                await gateway.RewriteConfigAsync(c => c["Gateway"]!["Tenants"]![Tenant]!["Tier"] = "diamond");
                return $"Gateway:Tenants:{Tenant}:Tier";
            case "non-positive-timeout":
                await gateway.RewriteConfigAsync(c => c["Gateway"]!["Tiers"]!["silver"]!["TimeoutMs"] = 0);
                return "Gateway:Tiers:silver:TimeoutMs";
            case "unparsable-quota":
                await gateway.RewriteConfigAsync(c => c["Gateway"]!["Tiers"]!["silver"]!["CacheQuota"] = "ten gigs");
                return "Gateway:Tiers:silver:CacheQuota";
            case "unconvertible-timeout":
                await gateway.RewriteConfigAsync(c => c["Gateway"]!["Tiers"]!["silver"]!["TimeoutMs"] = "fast");
                return "Gateway:Tiers:silver:TimeoutMs";
            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit, null);
        }
    }
}
