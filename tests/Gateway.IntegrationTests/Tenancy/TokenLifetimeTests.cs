using System.Net;
using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Gateway.IntegrationTests.Tenancy;

/// <summary>Token lifetime against the gateway's own clock, driven by a <see cref="FakeTimeProvider"/> injected into the real host.</summary>
public sealed class TokenLifetimeTests
{
    [Fact]
    public async Task Proxy_GatewayClockPassesTokenExpiry_CachedTokenRejected()
    {
        // Arrange
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        await using var gateway = await GatewayInstance.StartAsync(
            new GatewayConfigBuilder().WithUpstream(upstream.Url!).With("Gateway:Jwt:ClockSkewSeconds", 0),
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var token = TokenCommand.Mint(TestTokens.Jwt, GatewayConfigBuilder.SilverTenant, "user", null, TimeSpan.FromMinutes(5), clock.GetUtcNow());
        using var accepted = await gateway.GetAsync("/before-expiry", token);

        // Act
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using var rejected = await gateway.GetAsync("/after-expiry", token);

        // Assert
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var problem = await ProblemAssert.IsProblemAsync(rejected, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("/before-expiry", Assert.Single(upstream.LogEntries).RequestMessage.Path);
    }
}
