using Gateway.Config.Options;
using Gateway.Config.Settings;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Config.Settings;

public sealed class TierWeightBindingTests
{
    [Fact]
    public void Bind_TiersWithoutFairShareWeight_KeepDefaultWeightsFourTwoOne()
    {
        // Arrange: the shipped appsettings.json names every tier's figures but not its weight.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Jwt:Issuer"] = "issuer",
            ["Gateway:Jwt:Audience"] = "audience",
            ["Gateway:Jwt:SigningKey"] = "unit-test-signing-key-0123456789abcdef",
            ["Gateway:Jwt:AllowSharedSecret"] = "true",
            ["Gateway:Tiers:platinum:TimeoutMs"] = "200",
            ["Gateway:Tiers:platinum:MaxQps"] = "1000",
            ["Gateway:Tiers:gold:TimeoutMs"] = "500",
            ["Gateway:Tiers:gold:MaxQps"] = "500",
            ["Gateway:Tiers:silver:TimeoutMs"] = "1000",
            ["Gateway:Tiers:silver:MaxQps"] = "200",
        }).Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);

        // Act
        Assert.True(GatewaySettingsBuilder.TryBuild(options, 1, out var settings, out var errors), string.Join("; ", errors));

        // Assert
        Assert.Equal(4, settings!.Table.Tiers["platinum"].FairShareWeight);
        Assert.Equal(2, settings.Table.Tiers["gold"].FairShareWeight);
        Assert.Equal(1, settings.Table.Tiers["silver"].FairShareWeight);
    }
}
