using Gateway.Config.Options;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Tenancy;

public sealed class TenantResolutionStageTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task InvokeAsync_ValidToken_RecordsTenantTierAndRouteThenCallsNext()
    {
        // Arrange
        var (stage, context) = Arrange(new TestGatewaySettings(), "Bearer " + Mint(TestGatewaySettings.Gold));
        var called = false;

        // Act
        await stage.InvokeAsync(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });

        // Assert
        Assert.True(called);
        var request = context.State();
        Assert.Equal(TestGatewaySettings.Gold, request.TenantId);
        Assert.Equal(TestGatewaySettings.Gold, request.TenantLabel);
        Assert.Equal("gold", request.Tier!.Name);
        Assert.Equal($"user@{TestGatewaySettings.Gold}", request.Subject);
        Assert.Equal(TestRequests.Route, request.RouteId);
        Assert.Equal(RequestOutcome.Pending, request.Outcome);
    }

    [Fact]
    public async Task InvokeAsync_NoToken_401WithBearerChallengeWithoutCallingNext()
    {
        // Arrange
        var (stage, context) = Arrange(new TestGatewaySettings(), authorization: null);
        var called = false;

        // Act
        await stage.InvokeAsync(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });

        // Assert
        Assert.False(called);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", context.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal(RequestOutcome.Unauthorized, context.State().Outcome);
        Assert.Equal(TestRequests.Route, context.State().RouteId);
        Assert.Equal("https://tenant-gateway.dev/problems/unauthorized", context.ResponseJson().GetProperty("type").GetString());
    }

    [Fact]
    public async Task InvokeAsync_TenantClaimNotAValidId_401()
    {
        // Arrange
        var (stage, context) = Arrange(new TestGatewaySettings(), "Bearer " + Mint("not a tenant!"));

        // Act
        await stage.InvokeAsync(context, _ => Task.CompletedTask);

        // Assert
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Null(context.State().TenantId);
    }

    [Fact]
    public async Task InvokeAsync_UnknownTenantNoDefaultTier_403NamingTheTenant()
    {
        // Arrange
        var (stage, context) = Arrange(new TestGatewaySettings(), "Bearer " + Mint("stranger"));
        var called = false;

        // Act
        await stage.InvokeAsync(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });

        // Assert
        Assert.False(called);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Equal(RequestOutcome.Forbidden, context.State().Outcome);
        Assert.Equal("stranger", context.ResponseJson().GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task InvokeAsync_UnknownTenantWithDefaultTier_ServedUnderTheUnknownLabel()
    {
        // Arrange
        var (stage, context) = Arrange(new TestGatewaySettings(o => o.DefaultTier = "silver"), "Bearer " + Mint("stranger"));

        // Act
        await stage.InvokeAsync(context, _ => Task.CompletedTask);

        // Assert: the id is the verified one, but it never becomes a metric label.
        var request = context.State();
        Assert.Equal("stranger", request.TenantId);
        Assert.Equal("silver", request.Tier!.Name);
        Assert.Equal(GatewayRequest.UnknownLabel, request.TenantLabel);
    }

    private (TenantResolutionStage Stage, DefaultHttpContext Context) Arrange(TestGatewaySettings settings, string? authorization)
    {
        var stage = new TenantResolutionStage(new TenantTokenValidator(settings, _time), NullLogger<TenantResolutionStage>.Instance);
        var context = TestRequests.Arrive(settings.Current, _time);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return (stage, context);
    }

    private string Mint(string tenant)
    {
        JwtOptions jwt = TestGatewaySettings.ValidOptions().Jwt;
        return TokenCommand.Mint(jwt, tenant, $"user@{tenant}", null, TimeSpan.FromMinutes(5), _time.GetUtcNow());
    }
}
