using Gateway.Transforms.Fairness;
using Gateway.Transforms.Pipeline;
using Gateway.Transforms.Throttling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.Throttling;

public sealed class ThrottlingRegistrationTests
{
    [Fact]
    public void AddTenantThrottling_CalledTwice_RegistersMonitorAndAdminDetailsOnce()
    {
        // Arrange
        var services = new ServiceCollection();

        // Act
        services.AddTenantThrottling();
        services.AddTenantThrottling();

        // Assert
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(ITenantAdminDetails));
    }

    [Fact]
    public void UseTenantThrottling_WithoutAddTenantThrottling_ThrowsNamingTheFix()
    {
        // Arrange
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => app.UseTenantThrottling());

        // Assert
        Assert.Contains("AddTenantThrottling", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseFairUpstreamQueue_WithoutAddFairUpstreamQueue_ThrowsNamingTheFix()
    {
        // Arrange
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => app.UseFairUpstreamQueue());

        // Assert
        Assert.Contains("AddFairUpstreamQueue", error.Message, StringComparison.Ordinal);
    }
}
