using System.Security.Cryptography;
using Gateway.Config.Options;
using Gateway.Config.Tiers;
using Gateway.Config.Validation;
using Gateway.Tests.Support;

namespace Gateway.Tests.Config.Validation;

public sealed class GatewayOptionsValidatorTests
{
    /// <summary>Each rule: the key its error must name, and an edit that breaks only that rule.</summary>
    private static readonly Dictionary<string, Action<GatewayOptions>> Breakers = new()
    {
        ["Gateway:Tiers must define"] = o => { o.Tiers.Clear(); o.Tenants.Clear(); },
        ["Gateway:Tiers:gold is empty"] = o => o.Tiers["gold"] = null!,
        ["Gateway:Tiers:gold:TimeoutMs"] = o => o.Tiers["gold"].TimeoutMs = 0,
        ["Gateway:Tiers:silver:TimeoutMs"] = o => o.Tiers["silver"].TimeoutMs = -1,
        ["Gateway:Tiers:gold:CacheTtlSeconds"] = o => o.Tiers["gold"].CacheTtlSeconds = 0,
        ["Gateway:Tiers:gold:MaxQps"] = o => o.Tiers["gold"].MaxQps = -3,
        ["Gateway:Tiers:gold:Burst"] = o => o.Tiers["gold"].Burst = -1,
        ["Gateway:Tiers:gold:FairShareWeight"] = o => o.Tiers["gold"].FairShareWeight = 0,
        ["Gateway:Tiers:gold:CacheQuota"] = o => o.Tiers["gold"].CacheQuota = "lots",
        ["Gateway:Tiers:platinum:CacheQuota"] = o => o.Tiers["platinum"].CacheQuota = "",
        ["Gateway:Tenants:bad tenant!"] = o => o.Tenants["bad tenant!"] = new() { Tier = "gold" },
        ["Gateway:Tenants:tenant-b:Tier is missing"] = o => o.Tenants["tenant-b"].Tier = " ",
        ["Gateway:Tenants:tenant-s:Tier 'diamond'"] = o => o.Tenants["tenant-s"].Tier = "diamond",
        ["Gateway:DefaultTier 'bronze'"] = o => o.DefaultTier = "bronze",
        ["Gateway:Jwt:Issuer"] = o => o.Jwt.Issuer = "",
        ["Gateway:Jwt:Audience"] = o => o.Jwt.Audience = null,
        ["Gateway:Jwt: configure SigningKey, PublicKeys or Authority"] = o => o.Jwt.SigningKey = null,
        ["Gateway:Jwt:SigningKey"] = o => o.Jwt.SigningKey = new string('k', 31),
        ["Gateway:Jwt:PublicKeys:0"] = o => o.Jwt.PublicKeys.Add("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----"),
        ["Gateway:Jwt:PublicKeys:1"] = o => o.Jwt.PublicKeys.AddRange([RsaPublicPem(), RsaPrivatePem()]),
        ["Gateway:Jwt:Authority"] = o => o.Jwt.Authority = "not a uri",
        ["Gateway:Jwt:TenantClaim"] = o => o.Jwt.TenantClaim = "",
        ["Gateway:Jwt:ClockSkewSeconds"] = o => o.Jwt.ClockSkewSeconds = 301,
        ["Gateway:Redis:OperationTimeoutMs"] = o => o.Redis.OperationTimeoutMs = 0,
        ["Gateway:Redis:ConnectTimeoutMs"] = o => o.Redis.ConnectTimeoutMs = 0,
        ["Gateway:Redis:BreakerFailureThreshold"] = o => o.Redis.BreakerFailureThreshold = 0,
        ["Gateway:Redis:BreakerCooldownMs"] = o => o.Redis.BreakerCooldownMs = -5,
        ["Gateway:Cache:MaxEntryBytes"] = o => o.Cache.MaxEntryBytes = 0,
        ["Gateway:Cache:QuotaWriteThreshold"] = o => o.Cache.QuotaWriteThreshold = 1.5,
        ["Gateway:Cache:MaxRequestBodyBytes"] = o => o.Cache.MaxRequestBodyBytes = 0,
        ["Gateway:Cache:VaryHeaders:1"] = o => o.Cache.VaryHeaders.AddRange(["Accept-Language", "bad header:"]),
        ["Gateway:Limits:MaxRequestBodyBytes"] = o => o.Limits.MaxRequestBodyBytes = 0,
        ["Gateway:Limits:RequestHeadersTimeoutSeconds"] = o => o.Limits.RequestHeadersTimeoutSeconds = 0,
        ["Gateway:Limits:MaxRequestHeadersTotalBytes"] = o => o.Limits.MaxRequestHeadersTotalBytes = -1,
        ["Gateway:Limits:MaxRequestHeaderCount"] = o => o.Limits.MaxRequestHeaderCount = 0,
        ["Gateway:Limits:MaxRequestLineBytes"] = o => o.Limits.MaxRequestLineBytes = 0,
    };

    public static TheoryData<string> Rules => [.. Breakers.Keys];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Validate_RuleBroken_SingleErrorNamingTheKey(string key)
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        Breakers[key](options);

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        var error = Assert.Single(errors);
        Assert.StartsWith(key, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void Validate_ClockSkewOutOfRange_NamesTheKey(int skew)
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        options.Jwt.ClockSkewSeconds = skew;

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        Assert.StartsWith("Gateway:Jwt:ClockSkewSeconds", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValidOptions_NoErrors()
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        options.Jwt.PublicKeys.Add(RsaPublicPem());
        options.Jwt.PublicKeys.Add(EcPublicPem());
        options.Jwt.Authority = "https://login.example.com/tenant";
        options.DefaultTier = "silver";

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryKey()
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        options.Tiers["gold"].TimeoutMs = 0;
        options.Tenants["tenant-s"].Tier = "diamond";
        options.Jwt.Issuer = null;

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Gateway:Tiers:gold:TimeoutMs", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Tenants:tenant-s:Tier", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gateway:Jwt:Issuer", StringComparison.Ordinal));
    }

    private static string RsaPublicPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    private static string RsaPrivatePem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string EcPublicPem()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportSubjectPublicKeyInfoPem();
    }
}
