using Gateway.Transforms.BodyLimit;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Edge;
using Gateway.Transforms.Fairness;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Tenancy;
using Gateway.Transforms.Throttling;
using Gateway.Transforms.Timeouts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.Infrastructure.Registration;

public sealed class StageRegistrationTests
{
    /// <summary>Every stage's AddX and UseX, by name.</summary>
    private static readonly Dictionary<string, (Func<IServiceCollection, IServiceCollection> Add, Func<IApplicationBuilder, IApplicationBuilder> Use)> Stages = new()
    {
        ["AddGatewayEdge"] = (s => s.AddGatewayEdge(), a => a.UseGatewayEdge()),
        ["AddTenantResolution"] = (s => s.AddTenantResolution(), a => a.UseTenantResolution()),
        ["AddRequestBodyLimit"] = (s => s.AddRequestBodyLimit(), a => a.UseRequestBodyLimit()),
        ["AddTierDeadline"] = (s => s.AddTierDeadline(), a => a.UseTierDeadline()),
        ["AddTenantThrottling"] = (s => s.AddTenantThrottling(), a => a.UseTenantThrottling()),
        ["AddTenantCache"] = (s => s.AddTenantCache(), a => a.UseTenantCache()),
        ["AddFairUpstreamQueue"] = (s => s.AddFairUpstreamQueue(), a => a.UseFairUpstreamQueue()),
    };

    public static TheoryData<string> AddMethods => [.. Stages.Keys];

    [Theory]
    [MemberData(nameof(AddMethods))]
    public void UseX_WithoutAddX_ThrowsNamingTheAddMethod(string addMethod)
    {
        // Arrange
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => Stages[addMethod].Use(app));

        // Assert
        Assert.Contains($"services.{addMethod}()", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AddMethods))]
    public void AddX_CalledTwice_RegistersNothingTwice(string addMethod)
    {
        // Arrange
        var once = new ServiceCollection();
        var twice = new ServiceCollection();

        // Act
        Stages[addMethod].Add(once);
        Stages[addMethod].Add(twice);
        Stages[addMethod].Add(twice);

        // Assert
        Assert.Equal(once.Count, twice.Count);
    }

    [Fact]
    public void AddTenantThrottlingAndAddTenantCache_BothUseRedis_OneConnectionOneRedisReadinessCheck()
    {
        // Arrange
        var services = new ServiceCollection();

        // Act
        services.AddTenantThrottling();
        services.AddTenantCache();

        // Assert: the Redis connection, the throttling monitor, the cache store starter and the semantic cache's model
        // warm-up; Redis and cache readiness.
        Assert.Equal(4, services.Count(d => d.ServiceType == typeof(IHostedService)));
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(IReadinessCheck)));
        Assert.Single(services, d => d.ServiceType == typeof(ITenantThrottleView));
    }
}
