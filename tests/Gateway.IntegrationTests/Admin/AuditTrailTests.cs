using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Admin;

/// <summary>
/// <c>Gateway:Audit:Path</c>: the JSON lines file holds exactly the admin actions performed (one line each, in order, with
/// actor, scope, target, parameters and result), refused attempts recorded as denied, reads never; cache lookups only for
/// tenants with <c>AuditCacheAccess</c>.
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private const string Gold = GatewayConfigBuilder.GoldTenant;
    private const string Silver = GatewayConfigBuilder.SilverTenant;

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-audit-").FullName;
    private WireMockServer _upstream = null!;

    private string AuditPath => Path.Combine(_directory, "audit.jsonl");

    public Task InitializeAsync()
    {
        _upstream = WireMockUpstream.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"answer\":42}"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _upstream.Stop();
        _upstream.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AdminActions_FileHoldsExactlyTheActionsPerformed_RefusalRecordedAsDenied()
    {
        // Arrange
        await using var gateway = await GatewayInstance.StartAsync(Config());

        // Act: three actions that succeed, one refused (a tenant-admin token may not grant a burst), and reads.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, HttpMethod.Post, "/admin/cache/invalidate", TestTokens.TenantAdmin(Gold), new { tenant_id = Gold }));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, HttpMethod.Post, $"/admin/tenants/{Gold}/burst", TestTokens.Admin(), new { factor = 2, duration_seconds = 300 }));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(gateway, HttpMethod.Post, $"/admin/tenants/{Silver}/burst", TestTokens.TenantAdmin(Silver), new { factor = 2, duration_seconds = 60 }));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, HttpMethod.Delete, $"/admin/tenants/{Gold}/burst", TestTokens.Admin()));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, HttpMethod.Get, $"/admin/tiers/{Gold}", TestTokens.Admin()));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, HttpMethod.Get, "/admin/tenants", TestTokens.Admin()));

        // A line is written before its request completes; a client may see a short answer a moment earlier.
        var lines = await Poll.UntilAsync(ReadLinesAsync, l => l.Count >= 4, TimeSpan.FromSeconds(10));

        // Assert: four lines, in order, nothing for the reads.
        Assert.Equal(["cache.invalidate", "burst.grant", "burst.grant", "burst.end"], lines.Select(l => l.GetProperty("action").GetString()));
        Assert.Equal(["ok", "ok", "denied", "ok"], lines.Select(l => l.GetProperty("result").GetString()));
        Assert.Equal([200, 200, 403, 200], lines.Select(l => l.GetProperty("status").GetInt32()));
        Assert.Equal([Gold, Gold, Silver, Gold], lines.Select(l => l.GetProperty("target_tenant").GetString()));

        var invalidate = lines[0];
        Assert.Equal($"user@{Gold}", invalidate.GetProperty("actor").GetProperty("subject").GetString());
        Assert.Equal(Gold, invalidate.GetProperty("actor").GetProperty("tenant").GetString());
        Assert.Equal(TestTokens.TenantAdminScope, invalidate.GetProperty("scope").GetString());

        var grant = lines[1];
        Assert.Equal("operator", grant.GetProperty("actor").GetProperty("subject").GetString());
        Assert.Equal(TestTokens.AdminScope, grant.GetProperty("scope").GetString());
        Assert.Equal(2, grant.GetProperty("parameters").GetProperty("factor").GetDouble());
        Assert.Equal(300, grant.GetProperty("parameters").GetProperty("duration_seconds").GetInt32());
        Assert.True(grant.TryGetProperty("time", out var time) && time.GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        var denied = lines[2];
        Assert.Equal($"user@{Silver}", denied.GetProperty("actor").GetProperty("subject").GetString());
        Assert.Contains("platform admin", denied.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, lines[3].GetProperty("parameters").GetProperty("ended_factor").GetDouble());
    }

    [Fact]
    public async Task AdminAction_NoToken_RecordedAsDeniedWithoutActor()
    {
        // Arrange
        await using var gateway = await GatewayInstance.StartAsync(Config());

        // Act
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(gateway, HttpMethod.Delete, $"/admin/tenants/{Gold}/burst", token: null));
        var lines = await Poll.UntilAsync(ReadLinesAsync, l => l.Count >= 1, TimeSpan.FromSeconds(10));

        // Assert
        var line = Assert.Single(lines);
        Assert.Equal(("burst.end", "denied", 401), (line.GetProperty("action").GetString(), line.GetProperty("result").GetString(), line.GetProperty("status").GetInt32()));
        Assert.False(line.TryGetProperty("actor", out _));
    }

    [Fact]
    public async Task CacheAccessAudit_OnlyForTenantsThatAskForIt()
    {
        // Arrange: gold is under compliance review, silver is not.
        var config = Config()
            .WithRoute("cached", "/c/{**rest}", _upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true" })
            .With($"Gateway:Tenants:{Gold}:AuditCacheAccess", true);
        await using var gateway = await GatewayInstance.StartAsync(config);

        // Act: a miss then a hit for each tenant.
        foreach (var tenant in new[] { Gold, Gold, Silver, Silver })
        {
            using var response = await gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Get, "/c/doc", TestTokens.For(tenant)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Lookups are written in the background: wait for both lines.
        var lines = await Poll.UntilAsync(ReadLinesAsync, l => l.Count >= 2, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        lines = await ReadLinesAsync();

        // Assert
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Equal("cache.access", l.GetProperty("action").GetString());
            Assert.Equal(Gold, l.GetProperty("target_tenant").GetString());
            Assert.Equal($"user@{Gold}", l.GetProperty("actor").GetProperty("subject").GetString());
            Assert.Equal("cached", l.GetProperty("parameters").GetProperty("route").GetString());
            Assert.Matches("^[0-9a-f]{64}$", l.GetProperty("parameters").GetProperty("key_hash").GetString());
        });
        Assert.Equal(["miss", "hit"], lines.Select(l => l.GetProperty("parameters").GetProperty("lookup").GetString()?.ToLowerInvariant()));
        Assert.Equal(lines[0].GetProperty("parameters").GetProperty("key_hash").GetString(), lines[1].GetProperty("parameters").GetProperty("key_hash").GetString());
    }

    private GatewayConfigBuilder Config() => new GatewayConfigBuilder()
        .WithUpstream(_upstream.Url!)
        .WithRelaxedTimeouts()
        .With("Gateway:Audit:Path", AuditPath);

    private static async Task<HttpStatusCode> SendAsync(GatewayInstance gateway, HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = GatewayInstance.Request(method, path, token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await gateway.Client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    private async Task<List<JsonElement>> ReadLinesAsync()
    {
        if (!File.Exists(AuditPath))
        {
            return [];
        }

        await using var stream = new FileStream(AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<JsonElement>();
        while (await reader.ReadLineAsync() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            lines.Add(document.RootElement.Clone());
        }

        return lines;
    }
}
