using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Config.Options;
using Gateway.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Tokens for the test gateway: valid HS256 tokens minted by the product's own <c>TokenCommand.Mint</c>, and
/// hand-built bad ones (every case the JWT matrix must reject). All use <see cref="GatewayConfigBuilder"/>'s
/// issuer, audience and key unless the case is about getting one of them wrong.
/// </summary>
public static class TestTokens
{
    /// <summary>Scope that grants admin rights (the gateway's default <c>AdminScope</c>).</summary>
    public const string AdminScope = "gateway:admin";

    /// <summary>Scope that lets a tenant's token change its own tenant (the gateway's default <c>TenantAdminScope</c>).</summary>
    public const string TenantAdminScope = "gateway:tenant-admin";

    private static readonly Lazy<RSA> Rsa = new(() => System.Security.Cryptography.RSA.Create(2048));

    /// <summary>PEM of the test RSA public key; configure it with <see cref="GatewayConfigBuilder.WithPublicKey"/> for RS256 cases.</summary>
    public static string RsaPublicKeyPem => Rsa.Value.ExportSubjectPublicKeyInfoPem();

    /// <summary>The HS256 settings the test gateway uses.</summary>
    public static JwtOptions Jwt => new()
    {
        Issuer = GatewayConfigBuilder.Issuer,
        Audience = GatewayConfigBuilder.Audience,
        SigningKey = GatewayConfigBuilder.SigningKey,
        AllowSharedSecret = true,
    };

    /// <summary>A valid token for <paramref name="tenant"/>, via the product's <c>TokenCommand.Mint</c>.</summary>
    public static string For(string tenant, TimeSpan? lifetime = null, string? scope = null) =>
        TokenCommand.Mint(Jwt, tenant, $"user@{tenant}", scope, lifetime ?? TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>A valid token of <paramref name="tenant"/> with the tenant-admin scope: may invalidate its own tenant's cache.</summary>
    public static string TenantAdmin(string tenant) => For(tenant, scope: TenantAdminScope);

    /// <summary>A valid token with the admin scope and no tenant.</summary>
    public static string Admin() =>
        TokenCommand.Mint(Jwt, tenant: null, "operator", AdminScope, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>Expired an hour ago (well past the 30 s clock skew).</summary>
    public static string Expired(string tenant) =>
        TokenCommand.Mint(Jwt, tenant, "late", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddHours(-2));

    /// <summary><c>nbf</c> an hour in the future.</summary>
    public static string NotYetValid(string tenant) =>
        TokenCommand.Mint(Jwt, tenant, "early", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>Correctly signed, but by another issuer.</summary>
    public static string WrongIssuer(string tenant) =>
        TokenCommand.Mint(WithJwt(j => j.Issuer = "someone-else"), tenant, "x", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>Correctly signed, but for another audience.</summary>
    public static string WrongAudience(string tenant) =>
        TokenCommand.Mint(WithJwt(j => j.Audience = "another-api"), tenant, "x", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>Signed with an HS256 key the gateway does not know.</summary>
    public static string WrongKey(string tenant) =>
        TokenCommand.Mint(WithJwt(j => j.SigningKey = "a-completely-different-hs256-key-0123456789abcdef"), tenant, "x", null,
            TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>Valid claims, but no tenant claim and no admin scope.</summary>
    public static string MissingTenantClaim() =>
        TokenCommand.Mint(Jwt, tenant: null, "nobody", scope: null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>Correctly signed with the gateway's HS256 key, but without <c>exp</c>.</summary>
    public static string NoExpiry(string tenant)
    {
        var payload = Payload(tenant);
        payload.Remove("exp");
        return Sign(Header("HS256"), payload, Encoding.UTF8.GetBytes(GatewayConfigBuilder.SigningKey));
    }

    /// <summary>An unsecured JWT: <c>alg: none</c>, valid claims, empty signature.</summary>
    public static string AlgNone(string tenant) =>
        Base64Url(Header("none").ToJsonString()) + "." + Base64Url(Payload(tenant).ToJsonString()) + ".";

    /// <summary>
    /// Algorithm confusion: <c>alg: HS256</c> with the RSA public key's PEM text as the HMAC secret. A validator that
    /// lets the token pick the algorithm for an RSA key would accept it.
    /// </summary>
    public static string AlgorithmConfusion(string tenant) =>
        Sign(Header("HS256"), Payload(tenant), Encoding.UTF8.GetBytes(RsaPublicKeyPem));

    /// <summary>A valid RS256 token signed with the private half of <see cref="RsaPublicKeyPem"/>.</summary>
    public static string Rs256(string tenant)
    {
        var signingInput = Base64Url(Header("RS256").ToJsonString()) + "." + Base64Url(Payload(tenant).ToJsonString());
        var signature = Rsa.Value.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>Something that is not a JWT at all.</summary>
    public static string Malformed() => "this-is.not-a.jwt";

    /// <summary>Standard claims of a token that is valid now for <paramref name="tenant"/>.</summary>
    public static JsonObject Payload(string tenant)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = GatewayConfigBuilder.Issuer,
            ["aud"] = GatewayConfigBuilder.Audience,
            ["sub"] = $"user@{tenant}",
            ["tenant_id"] = tenant,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 3600,
        };
    }

    /// <summary>HMAC-SHA256-signs a hand-built header and payload.</summary>
    public static string Sign(JsonObject header, JsonObject payload, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(payload);
        var signingInput = Base64Url(header.ToJsonString()) + "." + Base64Url(payload.ToJsonString());
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    private static JsonObject Header(string alg) => new() { ["alg"] = alg, ["typ"] = "JWT" };

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static JwtOptions WithJwt(Action<JwtOptions> change)
    {
        var jwt = Jwt;
        change(jwt);
        return jwt;
    }
}
