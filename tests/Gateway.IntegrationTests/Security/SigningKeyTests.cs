using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Which keys a token may be signed with. A shared HS256 secret is honoured only where nothing stronger is configured:
/// next to public keys or an OpenID authority, a leaked secret must not mint tokens.
/// </summary>
public sealed class SigningKeyTests
{
    private const string KeyId = "authority-key-1";
    private static readonly RSA AuthorityKey = RSA.Create(2048);

    [Fact]
    public async Task Attack_Hs256TokenWhenAuthorityConfigured_Refused401()
    {
        // Arrange: an OpenID authority (discovery + JWKS on WireMock), and the HS256 key still configured and allowed.
        using var authority = StartAuthority();
        await using var bed = await AttackBed.StartAsync(c => c
            .With("Gateway:Jwt:Authority", authority.Url)
            .With("Gateway:Jwt:RequireHttpsMetadata", false));
        var (gateway, upstream) = (bed.Gateway, bed.Upstream);

        // Act
        using var hs256 = await gateway.GetAsync("/secret", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        using var admin = await gateway.GetAsync($"/admin/tiers/{GatewayConfigBuilder.GoldTenant}", TestTokens.Admin());
        var hs256Calls = upstream.LogEntries.Count;
        using var rs256 = await gateway.GetAsync("/secret", AuthorityToken(GatewayConfigBuilder.GoldTenant));

        // Assert
        await ProblemAssert.IsProblemAsync(hs256, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsProblemAsync(admin, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0, hs256Calls);
        Assert.Equal(HttpStatusCode.OK, rs256.StatusCode);
    }

    [Fact]
    public async Task Attack_Hs256AndAlgorithmConfusionWhenPublicKeyConfigured_Refused401()
    {
        // Arrange: an RSA public key and the HS256 key, both configured.
        await using var bed = await AttackBed.StartAsync(c => c.WithPublicKey(TestTokens.RsaPublicKeyPem));
        var (gateway, upstream) = (bed.Gateway, bed.Upstream);

        // Act
        using var hs256 = await gateway.GetAsync("/secret", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        using var confusion = await gateway.GetAsync("/secret", TestTokens.AlgorithmConfusion(GatewayConfigBuilder.GoldTenant));
        var refusedCalls = upstream.LogEntries.Count;
        using var rs256 = await gateway.GetAsync("/secret", TestTokens.Rs256(GatewayConfigBuilder.GoldTenant));

        // Assert
        await ProblemAssert.IsProblemAsync(hs256, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsProblemAsync(confusion, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0, refusedCalls);
        Assert.Equal(HttpStatusCode.OK, rs256.StatusCode);
        Assert.Equal([GatewayConfigBuilder.GoldTenant], Assert.Single(upstream.LogEntries).RequestMessage.HeaderValues("X-Tenant-Id"));
    }

    [Fact]
    public async Task Attack_TokenSignedWithRotatedOutKey_RefusedAfterReload()
    {
        // Arrange: a token accepted (and cached) under the old key.
        await using var bed = await AttackBed.StartAsync();
        var gateway = bed.Gateway;
        var token = TestTokens.For(GatewayConfigBuilder.GoldTenant);
        using var before = await gateway.GetAsync("/r", token);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        // Act: the key is rotated in the file; the old token is replayed until the reload has been applied.
        await gateway.RewriteConfigAsync(c => c["Gateway"]!["Jwt"]!["SigningKey"] = "a-rotated-integration-hs256-key-0123456789abcdef");
        var after = await Poll.UntilAsync(async () =>
        {
            using var response = await gateway.GetAsync("/r", token);
            return response.StatusCode;
        }, status => status == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, after);
    }

    [Fact]
    public async Task Startup_NoKeyConfigured_StartsRefusesEveryTokenAndSaysSo()
    {
        // Arrange: what the container image does without configuration.
        // Act
        await using var bed = await AttackBed.StartAsync(c => c.Edit(root =>
        {
            var jwt = root["Gateway"]!["Jwt"]!.AsObject();
            jwt.Remove("SigningKey");
            jwt.Remove("AllowSharedSecret");
        }));
        var (gateway, upstream) = (bed.Gateway, bed.Upstream);
        using var proxied = await gateway.GetAsync("/x", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        using var ready = await gateway.GetAsync("/readyz");
        using var alive = await gateway.GetAsync("/healthz");

        // Assert
        var problem = await ProblemAssert.IsProblemAsync(proxied, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("no token signing key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("unavailable", readiness["components"]!["token-keys"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.NotEmpty(gateway.Logs.Find("No token signing key is configured", LogLevel.Critical));
        Assert.Empty(upstream.LogEntries);
    }

    /// <summary>Serves <c>/.well-known/openid-configuration</c> and the JWKS with <see cref="AuthorityKey"/>.</summary>
    private static WireMock.Server.WireMockServer StartAuthority()
    {
        var server = WireMockUpstream.Start();
        var parameters = AuthorityKey.ExportParameters(includePrivateParameters: false);
        var discovery = new JsonObject
        {
            ["issuer"] = GatewayConfigBuilder.Issuer,
            ["jwks_uri"] = server.Url + "/jwks",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        };
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            }),
        };
        server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(discovery.ToJsonString()));
        server.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(jwks.ToJsonString()));
        return server;
    }

    /// <summary>An RS256 token signed by the authority's key, naming it by <c>kid</c>.</summary>
    private static string AuthorityToken(string tenant)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = KeyId };
        var signingInput = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "."
            + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(TestTokens.Payload(tenant).ToJsonString()));
        var signature = AuthorityKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }
}
