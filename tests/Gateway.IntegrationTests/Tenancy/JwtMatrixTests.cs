using System.Net;
using System.Net.Http.Headers;

namespace Gateway.IntegrationTests.Tenancy;

/// <summary>
/// Every way a bearer token can be wrong: 401 problem+json, and the upstream never sees the request. RS256 tokens and
/// algorithm confusion need a gateway with public keys (where HS256 is refused): <c>Security/SigningKeyTests</c>.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class JwtMatrixTests
{
    private const string Tenant = GatewayConfigBuilder.PlatinumTenant;
    private readonly ProxyFixture _fixture;

    public JwtMatrixTests(ProxyFixture fixture)
    {
        _fixture = fixture;
        _fixture.ResetUpstream();
    }

    /// <summary>Case name → (Authorization header, fragment of the problem detail proving which check refused it).</summary>
    private static readonly Dictionary<string, (Func<AuthenticationHeaderValue?> Header, string Reason)> Cases = new()
    {
        ["missing-header"] = (() => null, "bearer token is required"),
        ["non-bearer-scheme"] = (() => new AuthenticationHeaderValue("Basic", Convert.ToBase64String("tenant-a:secret"u8.ToArray())), "must carry a bearer token"),
        ["empty-bearer"] = (() => new AuthenticationHeaderValue("Bearer"), "must carry a bearer token"),
        ["malformed"] = (() => Bearer(TestTokens.Malformed()), "malformed"),
        ["bad-signature"] = (() => Bearer(TestTokens.WrongKey(Tenant)), "signature is invalid"),
        ["expired"] = (() => Bearer(TestTokens.Expired(Tenant)), "has expired"),
        ["not-yet-valid"] = (() => Bearer(TestTokens.NotYetValid(Tenant)), "not valid yet"),
        ["wrong-issuer"] = (() => Bearer(TestTokens.WrongIssuer(Tenant)), "untrusted issuer"),
        ["wrong-audience"] = (() => Bearer(TestTokens.WrongAudience(Tenant)), "audience"),
        ["alg-none"] = (() => Bearer(TestTokens.AlgNone(Tenant)), "signature is invalid"),
        ["missing-tenant-claim"] = (() => Bearer(TestTokens.MissingTenantClaim()), "no 'tenant_id' claim"),
        ["no-exp"] = (() => Bearer(TestTokens.NoExpiry(Tenant)), "no expiry"),
        ["tenant-id-not-allowed"] = (() => Bearer(TestTokens.For("tenant a}{x")), "not a valid tenant id"),
    };

    public static TheoryData<string> BadTokenCases => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(BadTokenCases))]
    public async Task Proxy_InvalidToken_Returns401ProblemAndUpstreamReceivesNothing(string badCase)
    {
        // Arrange
        var (header, reason) = Cases[badCase];
        using var request = GatewayInstance.Request(HttpMethod.Get, $"/jwt/{badCase}");
        request.Headers.Authorization = header();

        // Act
        using var response = await _fixture.Gateway.Client.SendAsync(request);

        // Assert
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("tenant", out _), "An unverified tenant must not be echoed back.");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Empty(_fixture.Upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_ValidHs256Token_ReachesUpstreamWithTenantHeaders()
    {
        // Arrange
        using var request = GatewayInstance.Request(HttpMethod.Get, "/jwt/valid", TestTokens.For(Tenant));

        // Act
        using var response = await _fixture.Gateway.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream-ok", await response.Content.ReadAsStringAsync());
        var forwarded = Assert.Single(_fixture.Upstream.LogEntries).RequestMessage;
        Assert.Equal("/jwt/valid", forwarded.Path);
        Assert.Equal([Tenant], forwarded.HeaderValues("X-Tenant-Id"));
        Assert.Equal(["platinum"], forwarded.HeaderValues("X-Tenant-Tier"));
    }

    private static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}
