using WireMock.Server;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: tell the upstream a story the gateway did not verify: another client address, host or scheme (forwarding
/// headers), or another tenant (any <c>X-Tenant-*</c> header). The upstream must see only what the gateway set.
/// </summary>
public sealed class ForwardedHeadersTests : IClassFixture<AttackBedFixture>
{
    private readonly AttackBed _bed;

    public ForwardedHeadersTests(AttackBedFixture fixture)
    {
        _bed = fixture.Bed;
        _bed.Upstream.ResetLogEntries();
    }

    private WireMockServer Upstream => _bed.Upstream;

    private GatewayInstance Gateway => _bed.Gateway;

    [Fact]
    public async Task Attack_ForgedForwardingHeaders_UpstreamSeesOnlyTheGatewaysOwn()
    {
        // Arrange
        using var request = GatewayInstance.Request(HttpMethod.Get, "/forwarded", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        foreach (var (name, value) in new[]
        {
            ("Forwarded", "for=203.0.113.7;host=evil.example;proto=https"),
            ("X-Forwarded-For", "203.0.113.7"),
            ("X-Forwarded-Host", "evil.example"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Port", "443"),
            ("X-Forwarded-Prefix", "/evil"),
            ("X-Forwarded-Server", "evil"),
            ("X_Forwarded_For", "203.0.113.8"),
            ("X-Real-IP", "203.0.113.7"),
            ("True-Client-IP", "203.0.113.7"),
            ("X-Original-URL", "/admin"),
        })
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Act
        using var response = await Gateway.Client.SendAsync(request);

        // Assert
        var forwarded = Assert.Single(Upstream.LogEntries).RequestMessage;
        Assert.Equal(["127.0.0.1"], forwarded.HeaderValues("X-Forwarded-For"));
        Assert.Equal([Gateway.BaseAddress.Authority], forwarded.HeaderValues("X-Forwarded-Host"));
        Assert.Equal(["http"], forwarded.HeaderValues("X-Forwarded-Proto"));
        foreach (var name in new[] { "Forwarded", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X_Forwarded_For", "X-Real-IP", "True-Client-IP", "X-Original-URL" })
        {
            Assert.True(forwarded.HeaderValues(name).Count == 0, $"{name} reached the upstream: {string.Join(", ", forwarded.HeaderValues(name))}");
        }
    }

    [Theory]
    [InlineData("X-Tenant-Id")]
    [InlineData("X-Tenant-Override")]
    [InlineData("X-Tenant-Anything-At-All")]
    [InlineData("x_tenant_id")]
    [InlineData("X-TENANT-TIER")]
    public async Task Attack_AnyXTenantHeader_StrippedByPrefix(string name)
    {
        // Arrange
        using var request = GatewayInstance.Request(HttpMethod.Get, "/tenant-header", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        request.Headers.TryAddWithoutValidation(name, GatewayConfigBuilder.PlatinumTenant);

        // Act
        using var response = await Gateway.Client.SendAsync(request);

        // Assert: only the gateway's own X-Tenant-Id / X-Tenant-Tier, from the token.
        var forwarded = Assert.Single(Upstream.LogEntries).RequestMessage;
        var tenantHeaders = forwarded.Headers!.Where(h => h.Key.Replace('_', '-').StartsWith("X-Tenant", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        Assert.Equal(
            new Dictionary<string, string> { ["x-tenant-id"] = GatewayConfigBuilder.GoldTenant, ["x-tenant-tier"] = "gold" },
            tenantHeaders);
    }
}
