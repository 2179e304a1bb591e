using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Config.Reload;
using Gateway.IntegrationTests.Fairness;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gateway.IntegrationTests.OperatorConsole;

/// <summary>
/// The operator console at <c>/ui/</c>, driven in headless Chromium: the tenants table shows what <c>GET /admin/tenants</c>
/// answers, hot and throttled flags appear while a tenant floods, invalidation and burst grants work from the page (with
/// confirmation), the configuration view shows a rejected reload, and a tenant-only token is refused.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OperatorConsoleTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Platinum = GatewayConfigBuilder.PlatinumTenant;
    private const string Gold = GatewayConfigBuilder.GoldTenant;
    private const string Silver = GatewayConfigBuilder.SilverTenant;

    private IBrowserContext _context = null!;
    private WireMockServer _upstream = null!;

    public async Task InitializeAsync()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 720 } });
        _context.SetDefaultTimeout(30_000);
        _upstream = WireMockUpstream.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"answer\":42}"));
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        _upstream.Stop();
        _upstream.Dispose();
    }

    [Fact]
    public async Task TenantsTable_KnownTrafficMix_ShowsTheNumbersOfTheAdminJson()
    {
        // Arrange: platinum reads three documents twice each (3 misses, 3 hits); gold sends 4 uncached requests; silver nothing.
        await using var gateway = await GatewayInstance.StartAsync(Config().WithManagementListener());
        foreach (var path in new[] { "/c/1", "/c/2", "/c/3", "/c/1", "/c/2", "/c/3" })
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, Platinum, path));
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, Gold, $"/p/{i}"));
        }

        var page = await OpenAsync(gateway.ManagementAddress!, TestTokens.Admin());
        await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(3);
        await page.Locator("#live").UncheckAsync();

        // Act: one refresh, keeping the JSON the page was given.
        var response = await page.RunAndWaitForResponseAsync(
            () => page.Locator("#refresh").ClickAsync(), r => r.Url.EndsWith("/admin/tenants", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(await response.TextAsync());
        var rows = json.RootElement.GetProperty("tenants").EnumerateArray().ToDictionary(r => r.GetProperty("tenant_id").GetString()!);

        // Assert: the JSON reflects the mix ...
        Assert.Equal((3, 3, 0.5), (rows[Platinum].GetProperty("hits").GetInt64(), rows[Platinum].GetProperty("misses").GetInt64(), rows[Platinum].GetProperty("hit_rate").GetDouble()));
        Assert.Equal((6, 4, 0), (rows[Platinum].GetProperty("sla_requests").GetInt64(), rows[Gold].GetProperty("sla_requests").GetInt64(), rows[Silver].GetProperty("sla_requests").GetInt64()));
        Assert.True(rows[Gold].GetProperty("rate_qps").GetDouble() > 0);
        Assert.Equal(0, rows[Silver].GetProperty("rate_qps").GetDouble());

        // ... and every row of the table shows the same numbers.
        foreach (var (tenant, row) in rows)
        {
            var tr = page.Locator($"#tenants tbody tr[data-tenant='{tenant}']");
            await Expect(Cell(tr, "tier")).ToHaveTextAsync(row.GetProperty("tier").GetString()!);
            await Expect(Cell(tr, "max_qps")).ToHaveTextAsync(Qps(row.GetProperty("max_qps").GetDouble()));
            await Expect(Cell(tr, "effective_max_qps")).ToHaveTextAsync(Qps(row.GetProperty("effective_max_qps").GetDouble()));
            await Expect(Cell(tr, "rate_qps")).ToHaveAttributeAsync("data-value", Raw(row.GetProperty("rate_qps")));
            await Expect(Cell(tr, "rate_qps")).ToHaveTextAsync(Qps(row.GetProperty("rate_qps").GetDouble()));
            await Expect(Cell(tr, "hit_rate")).ToHaveTextAsync(Percent(row.GetProperty("hit_rate")));
            await Expect(Cell(tr, "cache_size_bytes")).ToHaveAttributeAsync("data-value", Raw(row.GetProperty("cache_size_bytes")));

            // On the embedded store the quota shown is the one enforced: the tenant's share of the store's bound.
            var effectiveQuota = row.GetProperty("cache_effective_quota_bytes").GetInt64();
            Assert.InRange(effectiveQuota, 1, row.GetProperty("cache_quota_bytes").GetInt64() - 1);
            await Expect(Cell(tr, "cache_size_bytes")).ToContainTextAsync("/ " + Bytes(effectiveQuota));
            await Expect(Cell(tr, "p95_ms")).ToHaveAttributeAsync("data-value", Raw(row.GetProperty("p95_ms")));
            await Expect(Cell(tr, "sla_compliance")).ToHaveTextAsync(Percent(row.GetProperty("sla_compliance")));
            await Expect(Cell(tr, "flags")).ToHaveAttributeAsync("data-value", "");
        }

        await Expect(Cell(page.Locator($"#tenants tbody tr[data-tenant='{Platinum}']"), "hit_rate")).ToHaveTextAsync("50.0%");

        // Sorting by hit rate puts platinum (the only tenant with lookups) first; the filter narrows the table to a tier.
        await page.Locator("th[data-sort='hit_rate'] button").ClickAsync();
        await Expect(page.Locator("#tenants tbody tr").First).ToHaveAttributeAsync("data-tenant", Platinum);
        await page.Locator("#filter").FillAsync("gold");
        await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#tenants tbody tr")).ToHaveAttributeAsync("data-tenant", Gold);
    }

    [Fact]
    public async Task Flags_TenantFloodsSaturatedUpstream_HotAndThrottledAppearLive()
    {
        // Arrange: the auto-throttle scenario (capacity 4 at 50 ms); silver floods, gold trickles and waits behind it.
        await using var backend = await SimulatedBackend.StartAsync(capacity: 4, latencyMs: 50);
        var config = new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .WithManagementListener()
            .With("Gateway:Fairness:MaxInFlight", 4)
            .With("Gateway:Fairness:AutoThrottleShare", 0.5)
            .With("Gateway:Fairness:AutoThrottleFactor", 0.5)
            .With("Gateway:Throttling:HotWindowSeconds", 2)
            .With("Gateway:Tiers:silver:MaxQps", 100)
            .With("Gateway:Tiers:silver:Burst", 20);

        // The auto-throttle's cool-down runs on a clock that never moves, so the flag stays up for the screenshot.
        var cooldownClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayInstance.StartAsync(config, services => services.Replace(ServiceDescriptor.Singleton(sp =>
            new AutoThrottleController(sp.GetRequiredService<IGatewaySettings>(), cooldownClock, sp.GetRequiredService<ILogger<AutoThrottleController>>()))));
        var page = await OpenAsync(gateway.ManagementAddress!, TestTokens.Admin());
        var silver = page.Locator($"#tenants tbody tr[data-tenant='{Silver}']");
        await Expect(Cell(silver, "flags").Locator(".badge")).ToHaveCountAsync(0);
        using var floodClient = gateway.CreateClient();
        using var trickleClient = gateway.CreateClient();

        // Act: flood while the page refreshes by itself.
        using var stop = new CancellationTokenSource();
        var flood = FloodScenario.FloodAsync(floodClient, Silver, workers: 32, maxRequests: 6_000, stop.Token);
        var trickle = FloodScenario.TrickleAsync(trickleClient, Gold, stop.Token);
        try
        {
            // Assert: both flags and the halved limit appear without a reload of the page.
            await Expect(Cell(silver, "flags").Locator(".badge.hot")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(Cell(silver, "flags").Locator(".badge.throttled")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            // The auto-throttle holds it at most to half its limit (100): the cell is marked as below the limit.
            await Expect(Cell(silver, "effective_max_qps")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bover\b"));
            Assert.InRange(double.Parse((await Cell(silver, "effective_max_qps").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture), 1, 50);
            await Expect(silver).ToHaveClassAsync("flagged");

            // A burst granted through the API shows up in the table without a reload too.
            using var management = gateway.CreateManagementClient();
            using (var grant = GatewayInstance.Request(HttpMethod.Post, $"/admin/tenants/{Platinum}/burst", TestTokens.Admin()))
            {
                grant.Content = JsonContent.Create(new { factor = 1.5, duration_seconds = 3600 });
                using var granted = await management.SendAsync(grant);
                Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
            }

            var platinum = page.Locator($"#tenants tbody tr[data-tenant='{Platinum}']");
            await Expect(Cell(platinum, "burst").Locator(".badge.burst")).ToHaveTextAsync("×1.5");
            await Expect(Cell(platinum, "effective_max_qps")).ToHaveTextAsync("1500");

            // "Hot or throttled only" leaves the flooding tenant.
            await page.Locator("#only-flagged").CheckAsync();
            await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(1);
            await page.Locator("#only-flagged").UncheckAsync();
            await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(3);
            await ScreenshotAsync(page);
        }
        finally
        {
            await stop.CancelAsync();
            var results = await flood.WaitAsync(TimeSpan.FromSeconds(60));
            await trickle.WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"silver: {FloodScenario.Statuses(results)}");
        }
    }

    [Fact]
    public async Task Actions_InvalidateAndBurstFromThePage_TakeEffectAfterConfirmation()
    {
        // Arrange: gold has a cached entry.
        await using var gateway = await GatewayInstance.StartAsync(Config().WithManagementListener());
        Assert.Equal("MISS", await CacheStatusAsync(gateway, Gold, "/c/doc"));
        Assert.Equal("HIT", await CacheStatusAsync(gateway, Gold, "/c/doc"));
        var page = await OpenAsync(gateway.ManagementAddress!, TestTokens.Admin());
        var accept = false;
        var questions = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            questions.Add(dialog.Message);
            await (accept ? dialog.AcceptAsync() : dialog.DismissAsync());
        };
        await page.GetByRole(AriaRole.Button, new() { Name = $"Details of {Gold}" }).ClickAsync();
        await Expect(page.Locator("#detail-tenant")).ToHaveTextAsync(Gold);
        await Expect(page.Locator("#chart-rate .limit")).ToHaveCountAsync(1);   // the tier's limit drawn as a line

        // Act 1: invalidate, first declined, then confirmed.
        await page.Locator("#invalidate").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync("Cancelled");
        Assert.Equal("HIT", await CacheStatusAsync(gateway, Gold, "/c/doc"));
        accept = true;
        await page.Locator("#invalidate").ClickAsync();

        // Assert 1
        await Expect(page.Locator("#action-result")).ToContainTextAsync("invalidated");
        Assert.Equal("MISS", await CacheStatusAsync(gateway, Gold, "/c/doc"));

        // Act 2: grant x2 for 5 minutes.
        await page.Locator("#burst-factor").FillAsync("2");
        await page.Locator("#burst-minutes").FillAsync("5");
        await page.Locator("#grant-burst").ClickAsync();

        // Assert 2: the answer, the admin API, the page's facts and the effective-limit line on the chart.
        await Expect(page.Locator("#action-result")).ToContainTextAsync("may send 2x");
        using var management = gateway.CreateManagementClient();
        var tier = await TierAsync(management, Gold);
        Assert.Equal(1000, tier.GetProperty("effective_max_qps").GetDouble());
        Assert.Equal(2, tier.GetProperty("burst").GetProperty("factor").GetDouble());
        var expires = tier.GetProperty("burst").GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));
        await Expect(page.Locator("#facts")).ToContainTextAsync("×2 until");
        await Expect(page.Locator("#chart-rate .effective")).ToHaveCountAsync(1);

        // Act 3: end it.
        await Expect(page.Locator("#end-burst")).ToBeEnabledAsync();
        await page.Locator("#end-burst").ClickAsync();

        // Assert 3
        await Expect(page.Locator("#action-result")).ToContainTextAsync("ended");
        Assert.Equal(JsonValueKind.Null, (await TierAsync(management, Gold)).GetProperty("burst").ValueKind);
        Assert.Equal(4, questions.Count);
        Assert.All(questions, q => Assert.Contains(Gold, q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigurationView_RejectedReload_ShowsTiersVersionAndTheError()
    {
        // Arrange
        await using var gateway = await GatewayInstance.StartAsync(Config().WithManagementListener());
        var page = await OpenAsync(gateway.ManagementAddress!, TestTokens.Admin());
        await page.Locator("#nav-config").ClickAsync();
        await Expect(page.Locator("#tiers tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#tiers tbody tr[data-tier='gold'] td[data-col='max_qps']")).ToHaveTextAsync("500");
        await Expect(page.Locator("#reload-result")).ToHaveTextAsync("No reload since the node started.");

        // Act: a reload the gateway refuses.
        await gateway.RewriteConfigAsync(c => GatewayConfigBuilder.Set(c, "Gateway:Tiers:gold:MaxBurstFactor", 50));
        using var management = gateway.CreateManagementClient();
        await Poll.UntilAsync(() => LastReloadAsync(management), r => r is not null, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
        await page.Locator("#nav-config").ClickAsync();

        // Assert: the view names the key at fault; the previous table stays in force.
        await Expect(page.Locator("#reload-result")).ToContainTextAsync("Rejected");
        await Expect(page.Locator("#reload-errors")).ToContainTextAsync("Gateway:Tiers:gold:MaxBurstFactor");
        await Expect(page.Locator("#tiers tbody tr[data-tier='gold'] td[data-col='max_burst_factor']")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task Login_TenantOnlyToken_RefusedAndForgotten_ThenAdminTokenOpens()
    {
        // Arrange: no management listener, so the console is on the main listener.
        await using var gateway = await GatewayInstance.StartAsync(Config());
        var page = await _context.NewPageAsync();
        await page.GotoAsync(new Uri(gateway.BaseAddress, "ui").ToString());   // redirected to /ui/
        await Expect(page.Locator("#login")).ToBeVisibleAsync();

        // Act: paste a token of one tenant, even with its tenant-admin scope.
        await page.Locator("#token").FillAsync(TestTokens.TenantAdmin(Gold));
        await page.Locator("#login-form button[type='submit']").ClickAsync();

        // Assert: refused, told why, token dropped, no tenant data shown.
        await Expect(page.Locator("#alert")).ToContainTextAsync("Needs platform admin");
        await Expect(page.Locator("#login")).ToBeVisibleAsync();
        await Expect(page.Locator("#tenants-view")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("#tenants tbody tr").CountAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('gatewayAdminToken')"));

        // Act 2: the platform admin token opens it, and it is kept for the tab.
        await page.Locator("#token").FillAsync(TestTokens.Admin());
        await page.Locator("#login-form button[type='submit']").ClickAsync();
        await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(3);
        await page.ReloadAsync();
        await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#login")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task ApiReference_RendersTheAdminOperationsFromLocalAssets()
    {
        // Arrange
        await using var gateway = await GatewayInstance.StartAsync(Config().WithManagementListener());
        var page = await _context.NewPageAsync();
        var offSite = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(gateway.ManagementAddress!.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                offSite.Add(request.Url);
            }
        };

        // Act
        await page.GotoAsync(new Uri(gateway.ManagementAddress!, "docs/").ToString());

        // Assert: Scalar loaded the document (its operations are listed) and asked nothing of another host.
        await Expect(page.GetByText("Grant a tenant a temporary burst").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Every configured tenant, as the console's table shows it").First).ToBeAttachedAsync();
        Assert.Empty(offSite);
    }

    private GatewayConfigBuilder Config() => new GatewayConfigBuilder()
        .WithUpstream(_upstream.Url!)
        .WithRoute("cached", "/c/{**rest}", _upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true" })
        .WithRelaxedTimeouts();

    /// <summary>Opens <c>/ui/</c> and signs in with <paramref name="token"/> through the page's form.</summary>
    private async Task<IPage> OpenAsync(Uri root, string token)
    {
        var page = await _context.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"console {message.Type}: {message.Text}");
        await page.GotoAsync(new Uri(root, "ui/").ToString());
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#login-form button[type='submit']").ClickAsync();
        await Expect(page.Locator("#tenants-view")).ToBeVisibleAsync();
        return page;
    }

    private static ILocator Cell(ILocator row, string column) => row.Locator($"[data-col='{column}']");

    private static async Task<HttpStatusCode> SendAsync(GatewayInstance gateway, string tenant, string path)
    {
        using var response = await gateway.GetAsync(path, TestTokens.For(tenant));
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    private static async Task<string?> CacheStatusAsync(GatewayInstance gateway, string tenant, string path)
    {
        using var response = await gateway.GetAsync(path, TestTokens.For(tenant));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
    }

    private static async Task<string?> LastReloadAsync(HttpClient management) =>
        (await AdminGetAsync(management, "/admin/config")).GetProperty("last_reload") is { ValueKind: JsonValueKind.Object } reload
            ? reload.GetProperty("result").GetString()
            : null;

    private static Task<JsonElement> TierAsync(HttpClient management, string tenant) => AdminGetAsync(management, $"/admin/tiers/{tenant}");

    private static async Task<JsonElement> AdminGetAsync(HttpClient management, string path)
    {
        using var request = GatewayInstance.Request(HttpMethod.Get, path, TestTokens.Admin());
        using var response = await management.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task ScreenshotAsync(IPage page)
    {
        // Written next to the tests; GATEWAY_CONSOLE_SCREENSHOT names another place (docs/console.png is made this way).
        var path = Environment.GetEnvironmentVariable("GATEWAY_CONSOLE_SCREENSHOT") is { Length: > 0 } target
            ? target
            : Path.Combine(AppContext.BaseDirectory, "console.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    // The console's formatting rules (console.js, fmt): whole numbers as they are, others with one decimal; ratios as percent.
    private static string Qps(double value) =>
        value == Math.Floor(value) ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Percent(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? "—" : (value.GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Bytes(long value)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = value;
        var i = 0;
        while (v >= 1024 && i < units.Length - 1)
        {
            v /= 1024;
            i++;
        }

        return (i == 0 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.0", CultureInfo.InvariantCulture)) + " " + units[i];
    }

    private static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "" : value.GetRawText();
}
