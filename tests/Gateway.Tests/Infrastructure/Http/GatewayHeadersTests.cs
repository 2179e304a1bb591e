using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Infrastructure.Http;

public sealed class GatewayHeadersTests
{
    [Theory]
    [InlineData("X-Tenant-Id")]
    [InlineData("x-tenant-id")]
    [InlineData("X-TENANT-ID")]
    [InlineData("X_Tenant_Id")]
    [InlineData("x_tenant-id")]
    [InlineData("X-Tenant-Tier")]
    [InlineData("X-Tenant")]
    [InlineData("X-Tenant-Anything-Else")]
    [InlineData("X-Tier")]
    [InlineData("x_tier")]
    [InlineData("X-Tier-Override")]
    [InlineData("X-Cache")]
    [InlineData("X-Cache-Match")]
    [InlineData("x_cache_match")]
    [InlineData("X-Gateway")]
    [InlineData("X-Gateway-Anything")]
    [InlineData("X_GATEWAY_DEBUG")]
    [InlineData("X-Forwarded-Tenant")]
    [InlineData("X-Forwarded-For")]
    [InlineData("x-forwarded-host")]
    [InlineData("X-Forwarded-Proto")]
    [InlineData("X-Forwarded-Port")]
    [InlineData("X-Forwarded-Prefix")]
    [InlineData("X_Forwarded_Server")]
    [InlineData("Forwarded")]
    [InlineData("X-Real-IP")]
    [InlineData("x_real_ip")]
    [InlineData("True-Client-IP")]
    [InlineData("X-Original-URL")]
    public void IsGatewayOwned_OwnedNameInAnySpelling_True(string name) => Assert.True(GatewayHeaders.IsGatewayOwned(name));

    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-Request-Id")]
    [InlineData("Content-Type")]
    [InlineData("X-Forwardedx")]
    [InlineData("Forwarded-By")]
    [InlineData("X-Tenantx")]
    [InlineData("X-Tiers")]
    [InlineData("X-Cached")]
    [InlineData("Tenant-Id")]
    [InlineData("")]
    public void IsGatewayOwned_OtherName_False(string name) => Assert.False(GatewayHeaders.IsGatewayOwned(name));

    [Fact]
    public void IsGatewayOwned_VeryLongOwnedPrefix_True()
    {
        // Arrange: longer than the stack buffer used for normalisation.
        var name = "X-Tenant-" + new string('a', 500);

        // Act / Assert
        Assert.True(GatewayHeaders.IsGatewayOwned(name));
    }

    [Fact]
    public void Scrub_MixedHeaders_RemovesOwnedKeepsOthers()
    {
        // Arrange
        var headers = new HeaderDictionary
        {
            ["X-Tenant-Id"] = "tenant-b",
            ["X_Tenant_Id"] = "tenant-b",
            ["x-tenant-tier"] = "platinum",
            ["X-Tier"] = "gold",
            ["X-Gateway-Anything"] = "1",
            ["Authorization"] = "Bearer abc",
            ["X-Request-Id"] = "r-1",
        };

        // Act
        GatewayHeaders.Scrub(headers);

        // Assert
        Assert.Equal(["Authorization", "X-Request-Id"], headers.Keys.Order(StringComparer.Ordinal));
    }
}
