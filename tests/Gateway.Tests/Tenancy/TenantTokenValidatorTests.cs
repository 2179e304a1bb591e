using Gateway.Config.Options;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Gateway.Transforms.Tenancy;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Tenancy;

public sealed class TenantTokenValidatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ValidateAsync_ValidToken_ReturnsTenantPrincipal()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var token = Mint("tenant-a", TimeSpan.FromMinutes(5));

        // Act
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.True(check.IsValid, check.Failure);
        Assert.Equal("tenant-a", check.Principal!.TenantId);
        Assert.Equal("user@tenant-a", check.Principal.Subject);
        Assert.False(check.Principal.IsAdmin);
        Assert.Equal(_time.GetUtcNow().AddMinutes(5), check.Principal.ExpiresAt);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenAfterExpiry_Rejected()
    {
        // Arrange: no clock skew, so the cache and the validator agree on the exact expiry.
        var validator = new TenantTokenValidator(new TestGatewaySettings(o => o.Jwt.ClockSkewSeconds = 0), _time);
        var token = Mint("tenant-a", TimeSpan.FromSeconds(60));
        Assert.True((await validator.ValidateAsync(token)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await validator.ValidateAsync(token)).IsValid);

        // Act
        _time.Advance(TimeSpan.FromSeconds(2));
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.False(check.IsValid);
        Assert.Contains("expired", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredWithinClockSkew_StillAcceptedThenRejected()
    {
        // Arrange: default skew of 30 s.
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var token = Mint("tenant-a", TimeSpan.FromSeconds(60));
        await validator.ValidateAsync(token);

        // Act
        _time.Advance(TimeSpan.FromSeconds(60 + 20));
        var withinSkew = await validator.ValidateAsync(token);
        _time.Advance(TimeSpan.FromSeconds(11));
        var pastSkew = await validator.ValidateAsync(token);

        // Assert
        Assert.True(withinSkew.IsValid);
        Assert.False(pastSkew.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_NotYetValid_RejectedUntilClockReachesNotBefore()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(o => o.Jwt.ClockSkewSeconds = 0), _time);
        var token = TokenCommand.Mint(Jwt(), "tenant-a", "user@tenant-a", null, TimeSpan.FromMinutes(10), _time.GetUtcNow().AddMinutes(2));

        // Act
        var early = await validator.ValidateAsync(token);
        _time.Advance(TimeSpan.FromMinutes(2));
        var onTime = await validator.ValidateAsync(token);

        // Assert
        Assert.False(early.IsValid);
        Assert.Contains("not valid yet", early.Failure, StringComparison.Ordinal);
        Assert.True(onTime.IsValid, onTime.Failure);
    }

    [Fact]
    public async Task ValidateAsync_SigningKeyChangedInSettings_CachedTokenRejected()
    {
        // Arrange
        var settings = new TestGatewaySettings();
        var validator = new TenantTokenValidator(settings, _time);
        var token = Mint("tenant-a", TimeSpan.FromHours(1));
        Assert.True((await validator.ValidateAsync(token)).IsValid);

        // Act: the key is rotated by a configuration reload.
        settings.Reload(o => o.Jwt.SigningKey = "rotated-unit-test-hs256-signing-key-0123456789");
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.False(check.IsValid);
        Assert.Contains("signature", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_KeysRotatedWhileValidating_TokenNotCachedUnderOldKeys()
    {
        // Arrange: the clock the validator reads in the middle of checking a token is the hook: at that moment the key
        // is rotated by a reload and another request makes the validator notice (clearing its cache).
        var settings = new TestGatewaySettings();
        var time = new HookedTime(_time);
        var validator = new TenantTokenValidator(settings, time);
        var token = Mint("tenant-a", TimeSpan.FromHours(1));
        time.OnNextUtcNow = () =>
        {
            settings.Reload(o => o.Jwt.SigningKey = "rotated-unit-test-hs256-signing-key-0123456789");
            _ = validator.ValidateAsync("another.request.token").AsTask();
        };

        // Act: the validation that began under the old key still answers its own request...
        var during = await validator.ValidateAsync(token);
        var after = await validator.ValidateAsync(token);

        // Assert: ...but must not have put the token in the cache after the clear.
        Assert.Null(time.OnNextUtcNow);
        Assert.True(during.IsValid, during.Failure);
        Assert.False(after.IsValid);
        Assert.Contains("signature", after.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_SharedSecretNextToPublicKey_Hs256Rejected()
    {
        // Arrange: the HS256 key is configured and allowed, but an asymmetric key is configured too.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var validator = new TenantTokenValidator(new TestGatewaySettings(o => o.Jwt.PublicKeys.Add(rsa.ExportSubjectPublicKeyInfoPem())), _time);

        // Act
        var check = await validator.ValidateAsync(Mint("tenant-a", TimeSpan.FromMinutes(5)));

        // Assert
        Assert.False(check.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_NoKeyConfigured_EveryTokenRejectedSayingWhy()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(o => { o.Jwt.SigningKey = null; o.Jwt.AllowSharedSecret = false; }), _time);

        // Act
        var check = await validator.ValidateAsync(Mint("tenant-a", TimeSpan.FromMinutes(5)));

        // Assert
        Assert.False(check.IsValid);
        Assert.Equal(TenantTokenValidator.NoKeysFailure, check.Failure);
    }

    [Theory]
    [InlineData("gateway:tenant-admin", true)]
    [InlineData("openid gateway:tenant-admin", true)]
    [InlineData("openid", false)]
    [InlineData(null, false)]
    public async Task ValidateAsync_TenantAdminScope_WritesOnlyItsOwnTenant(string? scope, bool tenantAdmin)
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var token = TokenCommand.Mint(Jwt(), "tenant-a", "user@tenant-a", scope, TimeSpan.FromMinutes(5), _time.GetUtcNow());

        // Act
        var principal = (await validator.ValidateAsync(token)).Principal!;

        // Assert
        Assert.Equal(tenantAdmin, principal.IsTenantAdmin);
        Assert.False(principal.IsAdmin);
        Assert.True(principal.MayRead("tenant-a"));
        Assert.Equal(tenantAdmin, principal.MayWrite("tenant-a"));
        Assert.False(principal.MayRead("tenant-b"));
        Assert.False(principal.MayWrite("tenant-b"));
    }

    [Fact]
    public async Task ValidateAsync_UnrelatedReload_CachedTokenStillAccepted()
    {
        // Arrange
        var settings = new TestGatewaySettings();
        var validator = new TenantTokenValidator(settings, _time);
        var token = Mint("tenant-a", TimeSpan.FromHours(1));
        await validator.ValidateAsync(token);

        // Act
        settings.Reload(o => o.Tenants["tenant-a"].Tier = "gold");
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.True(check.IsValid, check.Failure);
    }

    [Fact]
    public async Task ValidateAsync_AdminScopeWithoutTenant_AdminPrincipal()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var token = TokenCommand.Mint(Jwt(), null, "operator", "openid gateway:admin", TimeSpan.FromMinutes(5), _time.GetUtcNow());

        // Act
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.True(check.IsValid, check.Failure);
        Assert.True(check.Principal!.IsAdmin);
        Assert.Null(check.Principal.TenantId);
        Assert.True(check.Principal.MayRead("tenant-b"));
        Assert.True(check.Principal.MayWrite("tenant-b"));
    }

    [Fact]
    public async Task ValidateAsync_NoTenantClaimNoAdminScope_Rejected()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var token = TokenCommand.Mint(Jwt(), null, "nobody", "openid", TimeSpan.FromMinutes(5), _time.GetUtcNow());

        // Act
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.False(check.IsValid);
        Assert.Contains("tenant_id", check.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("Basic dXNlcjpwYXNz", "bearer")]
    [InlineData("Bearer ", "bearer")]
    [InlineData("Bearer not-a-jwt", "malformed")]
    public async Task ValidateHeaderAsync_BadHeader_RejectedWithReason(string? header, string reason)
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);

        // Act
        var check = await validator.ValidateHeaderAsync(header);

        // Assert
        Assert.False(check.IsValid);
        Assert.Contains(reason, check.Failure, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ValidateHeaderAsync_LowercaseBearerScheme_Accepted()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);

        // Act
        var check = await validator.ValidateHeaderAsync("bearer " + Mint("tenant-s", TimeSpan.FromMinutes(1)));

        // Assert
        Assert.True(check.IsValid, check.Failure);
    }

    [Fact]
    public async Task ValidateHeaderAsync_SameBadTokenRepeated_CheckedOnceThenAnsweredFromMemory()
    {
        // Arrange: a token signed with a key the gateway does not trust.
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var header = "Bearer " + TokenCommand.Mint(OtherKey(), "tenant-a", "user@tenant-a", null, TimeSpan.FromHours(1), _time.GetUtcNow());

        // Act
        var checks = new List<TokenCheck>();
        for (var i = 0; i < 50; i++)
        {
            checks.Add(await validator.ValidateHeaderAsync(header));
        }

        // Assert
        Assert.All(checks, c => Assert.Equal("The bearer token's signature is invalid.", c.Failure));
        Assert.Equal(1, validator.SignatureChecks);
    }

    [Fact]
    public async Task ValidateAsync_RejectedTokenAfterItsMemoryLapses_CheckedAgain()
    {
        // Arrange
        var validator = new TenantTokenValidator(new TestGatewaySettings(), _time);
        var token = TokenCommand.Mint(OtherKey(), "tenant-a", "user@tenant-a", null, TimeSpan.FromHours(1), _time.GetUtcNow());
        await validator.ValidateAsync(token);

        // Act
        _time.Advance(TenantTokenValidator.RejectionMemory - TimeSpan.FromMilliseconds(1));
        await validator.ValidateAsync(token);
        var withinMemory = validator.SignatureChecks;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var afterMemory = await validator.ValidateAsync(token);

        // Assert
        Assert.Equal(1, withinMemory);
        Assert.Equal(2, validator.SignatureChecks);
        Assert.False(afterMemory.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_KeyRotatedToTheOneThatSignedARejectedToken_Accepted()
    {
        // Arrange: rejected under the current key.
        var settings = new TestGatewaySettings();
        var validator = new TenantTokenValidator(settings, _time);
        var token = TokenCommand.Mint(OtherKey(), "tenant-a", "user@tenant-a", null, TimeSpan.FromHours(1), _time.GetUtcNow());
        Assert.False((await validator.ValidateAsync(token)).IsValid);

        // Act: a reload makes that token's key the trusted one.
        settings.Reload(o => o.Jwt.SigningKey = OtherKey().SigningKey);
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.True(check.IsValid, check.Failure);
    }

    [Fact]
    public async Task ValidateAsync_NotValidForAFewSecondsMore_NotRememberedAsRejected()
    {
        // Arrange: valid from 5 s on, less than the rejection memory.
        var validator = new TenantTokenValidator(new TestGatewaySettings(o => o.Jwt.ClockSkewSeconds = 0), _time);
        var token = TokenCommand.Mint(Jwt(), "tenant-a", "user@tenant-a", null, TimeSpan.FromMinutes(10), _time.GetUtcNow().AddSeconds(5));
        Assert.False((await validator.ValidateAsync(token)).IsValid);

        // Act
        _time.Advance(TimeSpan.FromSeconds(5));
        var check = await validator.ValidateAsync(token);

        // Assert
        Assert.True(check.IsValid, check.Failure);
    }

    private static JwtOptions Jwt() => TestGatewaySettings.ValidOptions().Jwt;

    private static JwtOptions OtherKey() =>
        new() { Issuer = Jwt().Issuer, Audience = Jwt().Audience, SigningKey = "some-other-unit-test-signing-key-0123456789abcdef" };

    /// <summary>A clock that runs <see cref="OnNextUtcNow"/> once, the next time it is read: a hook into the middle of a validation.</summary>
    private sealed class HookedTime(TimeProvider inner) : TimeProvider
    {
        public Action? OnNextUtcNow { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            var hook = OnNextUtcNow;
            OnNextUtcNow = null;
            hook?.Invoke();
            return inner.GetUtcNow();
        }

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;
    }

    private string Mint(string tenant, TimeSpan lifetime) =>
        TokenCommand.Mint(Jwt(), tenant, $"user@{tenant}", null, lifetime, _time.GetUtcNow());
}
