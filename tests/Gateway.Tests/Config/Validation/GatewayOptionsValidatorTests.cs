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
        ["Gateway:Jwt:SigningKey is set but Gateway:Jwt:AllowSharedSecret is not true"] = o => o.Jwt.AllowSharedSecret = false,
        ["Gateway:Jwt:SigningKey must be at least 32 bytes"] = o => o.Jwt.SigningKey = new string('k', 31),
        ["Gateway:Jwt:TenantAdminScope"] = o => o.Jwt.TenantAdminScope = o.Jwt.AdminScope,
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
        ["Gateway:Embeddings:Endpoint"] = o => o.Embeddings.Endpoint = "ftp://embeddings.example",
        ["Gateway:Embeddings:Model"] = o => (o.Embeddings.Endpoint, o.Embeddings.Model) = ("http://embeddings.example", " "),
        ["Gateway:Embeddings:Path"] = o => (o.Embeddings.Endpoint, o.Embeddings.Path) = ("http://embeddings.example", "v1/embeddings"),
        ["Gateway:Embeddings:Dimensions"] = o => o.Embeddings.Dimensions = 1,
        ["Gateway:Embeddings:BudgetMs"] = o => o.Embeddings.BudgetMs = 0,
        ["Gateway:Embeddings:BreakerFailureThreshold"] = o => o.Embeddings.BreakerFailureThreshold = 0,
        ["Gateway:Embeddings:BreakerCooldownMs"] = o => o.Embeddings.BreakerCooldownMs = 0,
        ["Gateway:Embeddings:MaxQueryChars"] = o => o.Embeddings.MaxQueryChars = 0,
        ["Gateway:Embeddings:MaxConcurrency"] = o => o.Embeddings.MaxConcurrency = -1,
        ["Gateway:Embeddings:MaxVectorsPerTenant"] = o => o.Embeddings.MaxVectorsPerTenant = 0,
        ["Gateway:Embeddings:MaxIndexBytesPerTenant"] = o => o.Embeddings.MaxIndexBytesPerTenant = 1024,
        ["Gateway:Limits:MaxRequestBodyBytes"] = o => o.Limits.MaxRequestBodyBytes = 0,
        ["Gateway:Limits:RequestHeadersTimeoutSeconds"] = o => o.Limits.RequestHeadersTimeoutSeconds = 0,
        ["Gateway:Limits:MaxRequestHeadersTotalBytes"] = o => o.Limits.MaxRequestHeadersTotalBytes = -1,
        ["Gateway:Limits:MaxRequestHeaderCount"] = o => o.Limits.MaxRequestHeaderCount = 0,
        ["Gateway:Limits:MaxRequestLineBytes"] = o => o.Limits.MaxRequestLineBytes = 0,
        ["Gateway:Management:Urls: 'http://127.0.0.1:9090/admin'"] = o => o.Management.Urls = "http://127.0.0.1:9090/admin",
        ["Gateway:Management:Urls: 'tcp://0.0.0.0:9090'"] = o => o.Management.Urls = "http://+:8080; tcp://0.0.0.0:9090",
        ["Gateway:Management:Urls: 'http://+:port'"] = o => o.Management.Urls = "http://+:port",
        ["Gateway:Admin:InvalidationsPerMinute"] = o => o.Admin.InvalidationsPerMinute = 0,
        ["Gateway:Tiers:gold:MaxConcurrency"] = o => o.Tiers["gold"].MaxConcurrency = 0,
        ["Gateway:Tiers:silver:MaxStreamSeconds"] = o => o.Tiers["silver"].MaxStreamSeconds = 0,
        ["Gateway:Cache:EmbeddedMaxBytes"] = o => o.Cache.EmbeddedMaxBytes = 0,
        ["Gateway:Fairness:IdleAfterMs"] = o => o.Fairness.IdleAfterMs = 0,
        ["Gateway:Limits:MaxBufferedBytes"] = o => o.Limits.MaxBufferedBytes = 0,
        ["Gateway:Limits:TenantBufferedShare"] = o => o.Limits.TenantBufferedShare = 1.5,
        ["Gateway:Limits:MaxConcurrentConnections"] = o => o.Limits.MaxConcurrentConnections = -1,
        ["Gateway:Limits:MinRequestBodyDataRate must"] = o => o.Limits.MinRequestBodyDataRate = -1,
        ["Gateway:Limits:MinRequestBodyDataRateGraceSeconds"] = o => o.Limits.MinRequestBodyDataRateGraceSeconds = 0,
        ["Gateway:Limits:StreamIdleSeconds"] = o => o.Limits.StreamIdleSeconds = 0,
        ["Gateway:Limits:MaxRequestBufferBytes"] = o => o.Limits.MaxRequestBufferBytes = 1024,
        ["Gateway:Tiers:gold:MaxBurstFactor"] = o => o.Tiers["gold"].MaxBurstFactor = 10.5,
        ["Gateway:Tiers:silver:MaxBurstFactor"] = o => o.Tiers["silver"].MaxBurstFactor = 0.5,
        ["Gateway:Audit:Path '/no/such/directory/audit.jsonl'"] = o => o.Audit.Path = "/no/such/directory/audit.jsonl",
        ["Gateway:Audit:Path '/' is a directory"] = o => o.Audit.Path = "/",
    };

    /// <summary>Numeric keys for which 0 is a meaningful value (every other numeric key must refuse it).</summary>
    private static readonly HashSet<string> ZeroAllowed = new(StringComparer.Ordinal)
    {
        "Gateway:Jwt:ClockSkewSeconds",          // exact clocks
        "Gateway:Tiers:gold:Burst",              // no burst: one request at a time
        "Gateway:Fairness:MaxQueuePerTenant",    // never queue: shed once the cluster is full
        "Gateway:Fairness:ShedMarginMs",         // shed only requests that cannot start at all
        "Gateway:Limits:MaxConcurrentConnections", // no connection limit
        "Gateway:Limits:MinRequestBodyDataRate",   // no minimum upload rate
        "Gateway:Cache:NearCacheBytes",            // no near-cache: every Redis hit is a round trip
        "Gateway:Embeddings:MaxConcurrency",       // half the cores
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

    /// <summary>Every numeric key of every section, with the configuration path an error about it must start with.</summary>
    public static TheoryData<string> NumericKeys => [.. NumericSettings(TestGatewaySettings.ValidOptions()).Select(k => k.Key)];

    [Theory]
    [MemberData(nameof(NumericKeys))]
    public void Validate_EveryNumericKeyNegative_ErrorNamesTheKey(string key)
    {
        // Arrange: reflection finds every number the code reads, so a key added without validation fails here.
        var options = TestGatewaySettings.ValidOptions();
        NumericSettings(options).Single(k => k.Key == key).Set(-1);

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(NumericKeys))]
    public void Validate_EveryNumericKeyZero_ErrorNamesTheKeyUnlessZeroIsMeaningful(string key)
    {
        // Arrange: a 0 that reached a constructor (a token bucket of size 0, a breaker that never opens) would fail
        // at the first request instead of at start-up.
        var options = TestGatewaySettings.ValidOptions();
        NumericSettings(options).Single(k => k.Key == key).Set(0);

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        if (ZeroAllowed.Contains(key))
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_NoSigningKeyAtAll_Valid()
    {
        // Arrange: an image without keys must start (and refuse every token) rather than crash-loop.
        var options = TestGatewaySettings.ValidOptions();
        options.Jwt.SigningKey = null;
        options.Jwt.AllowSharedSecret = false;

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        Assert.Empty(errors);
        Assert.False(options.Jwt.HasVerificationKeys);
    }

    [Fact]
    public void AcceptsSharedSecret_KeyNextToPublicKeysOrAuthority_False()
    {
        // Arrange
        var withPublicKey = TestGatewaySettings.ValidOptions().Jwt;
        withPublicKey.PublicKeys.Add(RsaPublicPem());
        var withAuthority = TestGatewaySettings.ValidOptions().Jwt;
        withAuthority.Authority = "https://login.example.com/tenant";

        // Act / Assert
        Assert.True(TestGatewaySettings.ValidOptions().Jwt.AcceptsSharedSecret);
        Assert.False(withPublicKey.AcceptsSharedSecret);
        Assert.False(withAuthority.AcceptsSharedSecret);
        Assert.True(withAuthority.HasVerificationKeys);
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
        options.Management.Urls = "http://+:9090; http://*:9091;http://127.0.0.1:0;https://[::1]:9443/;http://localhost";

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

    /// <summary>(configuration path, setter) of every int, long and double setting of every section, and of tier <c>gold</c>.</summary>
    private static IEnumerable<(string Key, Action<double> Set)> NumericSettings(GatewayOptions options)
    {
        var sections = typeof(GatewayOptions).GetProperties()
            .Where(p => p.PropertyType.IsClass && p.PropertyType != typeof(string) && !p.PropertyType.IsGenericType)
            .Select(p => ($"Gateway:{p.Name}", p.GetValue(options)!))
            .Append(("Gateway:Tiers:gold", options.Tiers["gold"]));
        foreach (var (prefix, section) in sections)
        {
            foreach (var property in section.GetType().GetProperties().Where(p => p.CanWrite))
            {
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (type == typeof(int) || type == typeof(long) || type == typeof(double))
                {
                    yield return ($"{prefix}:{property.Name}", value => property.SetValue(section, Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
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
