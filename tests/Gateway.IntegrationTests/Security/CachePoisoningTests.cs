using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Hosting;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: one user of a tenant steers the cache key so that another user of the same tenant is served an answer to a
/// different request (poisoning), or is replayed an answer it cannot read or should never get. Every upstream answer
/// echoes what it was asked, so a poisoned replay shows.
/// </summary>
public sealed class CachePoisoningTests : IClassFixture<EchoingCacheBed>
{
    private const string Tenant = GatewayConfigBuilder.GoldTenant;
    private static readonly string Attacker = User("attacker");
    private static readonly string Victim = User("victim");

    private readonly GatewayInstance _gateway;

    public CachePoisoningTests(EchoingCacheBed bed)
    {
        _gateway = bed.Gateway;
    }

    private GatewayInstance Gateway => _gateway;

    [Theory]
    [InlineData("?q=evil&q=good", "?q=good&q=evil")]
    [InlineData("?q=good&Q=evil", "?q=evil&Q=good")]
    [InlineData("?q=good&Q=evil", "?Q=evil&q=good")]
    public async Task Attack_QueryTheUpstreamReadsDifferently_NotServedTheOtherAnswer(string attack, string victim)
    {
        // Arrange: the attacker's request is answered and stored first.
        var path = "/c/search-" + Guid.NewGuid().ToString("N")[..8];
        var poisoned = await SendAsync(HttpMethod.Get, path + attack, Attacker);

        // Act
        var served = await SendAsync(HttpMethod.Get, path + victim, Victim);

        // Assert
        Assert.Equal("MISS", poisoned.Cache);
        Assert.Equal("MISS", served.Cache);
        Assert.Equal(victim, served.Echo("query"));
    }

    [Fact]
    public async Task Attack_ForgedHostHeader_DoesNotPoisonTheEntryOfTheRealHost()
    {
        // Arrange: the upstream builds links from X-Forwarded-Host; the attacker sends Host: evil.example.
        var path = "/c/links-" + Guid.NewGuid().ToString("N")[..8];
        var poisoned = await RawHttp.SendAsync(Gateway.BaseAddress, "GET", path,
            [("Host", "evil.example"), ("Authorization", "Bearer " + Attacker)]);

        // Act
        var served = await SendAsync(HttpMethod.Get, path, Victim);
        var again = await SendAsync(HttpMethod.Get, path, Victim);

        // Assert
        Assert.Equal(200, poisoned.Status);
        Assert.Contains("evil.example", poisoned.Body, StringComparison.Ordinal);
        Assert.Equal("MISS", served.Cache);
        Assert.Equal(Gateway.BaseAddress.Authority, served.Echo("host"));
        Assert.Equal("HIT", again.Cache);
    }

    [Fact]
    public async Task Attack_SameBodyAnotherContentType_NotServedTheOtherAnswer()
    {
        // Arrange
        var path = "/c/typed-" + Guid.NewGuid().ToString("N")[..8];
        var poisoned = await SendAsync(HttpMethod.Post, path, Attacker, body: "{\"query\":\"x\"}", contentType: "text/plain");

        // Act
        var served = await SendAsync(HttpMethod.Post, path, Victim, body: "{\"query\":\"x\"}", contentType: "application/json");

        // Assert
        Assert.Equal("MISS", poisoned.Cache);
        Assert.Equal("MISS", served.Cache);
        Assert.StartsWith("application/json", served.Echo("contentType"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X-HTTP-Method")]
    [InlineData("X-Method-Override")]
    public async Task Attack_MethodOverrideHeader_BypassesTheCacheBothWays(string header)
    {
        // Arrange: a normal POST is stored; then the "same" POST overridden to DELETE.
        var path = "/c/override-" + Guid.NewGuid().ToString("N")[..8];
        var stored = await SendAsync(HttpMethod.Post, path, Victim, body: "{}");

        // Act
        var overridden = await SendAsync(HttpMethod.Post, path, Attacker, body: "{}", headers: [(header, "DELETE")]);
        var afterwards = await SendAsync(HttpMethod.Post, path, Victim, body: "{}");

        // Assert: the override is neither answered from the cache nor stored over the entry.
        Assert.Equal("MISS", stored.Cache);
        Assert.Equal("BYPASS", overridden.Cache);
        Assert.Equal("DELETE", overridden.Echo("override"));
        Assert.Equal("HIT", afterwards.Cache);
        Assert.Equal("", afterwards.Echo("override"));
    }

    [Fact]
    public async Task Attack_GzipAnswerWithoutVary_NeverReplayedToAClientThatDidNotAcceptGzip()
    {
        // Arrange: the upstream gzips for clients that accept it and forgets Vary: Accept-Encoding.
        var path = "/c/gzip-" + Guid.NewGuid().ToString("N")[..8];
        var gzipped = await SendAsync(HttpMethod.Get, path, Attacker, headers: [("Accept-Encoding", "gzip")]);

        // Act
        var plain = await SendAsync(HttpMethod.Get, path, Victim);
        var plainAgain = await SendAsync(HttpMethod.Get, path, Victim);

        // Assert
        Assert.Equal("gzip", gzipped.ContentEncoding);
        Assert.Equal("MISS", plain.Cache);
        Assert.Null(plain.ContentEncoding);
        Assert.Equal(path, plain.Echo("path"));
        Assert.Null(plainAgain.ContentEncoding);
        Assert.Equal(path, plainAgain.Echo("path"));
    }

    [Fact]
    public async Task Attack_ExpiresInThePast_NotCached()
    {
        // Arrange
        var path = "/c/expired-" + Guid.NewGuid().ToString("N")[..8];

        // Act
        var first = await SendAsync(HttpMethod.Get, path, Victim);
        var second = await SendAsync(HttpMethod.Get, path, Victim);

        // Assert: no Cache-Control, Expires in 1970: stale on arrival, so the second request reaches the upstream.
        Assert.Equal("MISS", first.Cache);
        Assert.Equal("MISS", second.Cache);
        Assert.NotEqual(first.Echo("n"), second.Echo("n"));
    }

    [Fact]
    public async Task ExpiresInTheFuture_Cached()
    {
        // Arrange
        var path = "/c/expires-later-" + Guid.NewGuid().ToString("N")[..8];

        // Act
        var first = await SendAsync(HttpMethod.Get, path, Victim);
        var second = await SendAsync(HttpMethod.Get, path, Victim);

        // Assert
        Assert.Equal("MISS", first.Cache);
        Assert.Equal("HIT", second.Cache);
    }

    [Fact]
    public async Task Attack_PrivateAnswerOnTenantScopeRoute_NeverServedToAnotherUser()
    {
        // Arrange: the upstream personalises the answer and marks it private.
        var path = "/c/private-" + Guid.NewGuid().ToString("N")[..8];
        var attackers = await SendAsync(HttpMethod.Get, path, Attacker);

        // Act
        var victims = await SendAsync(HttpMethod.Get, path, Victim);

        // Assert
        Assert.Equal("MISS", attackers.Cache);
        Assert.Equal("MISS", victims.Cache);
        Assert.Equal("user@victim", victims.Echo("user"));
    }

    [Fact]
    public async Task PrivateAnswerOnUserScopeRoute_CachedForThatUserOnly()
    {
        // Arrange
        var path = "/u/private-" + Guid.NewGuid().ToString("N")[..8];
        var first = await SendAsync(HttpMethod.Get, path, Attacker);

        // Act
        var own = await SendAsync(HttpMethod.Get, path, Attacker);
        var other = await SendAsync(HttpMethod.Get, path, Victim);

        // Assert
        Assert.Equal("MISS", first.Cache);
        Assert.Equal("HIT", own.Cache);
        Assert.Equal("user@attacker", own.Echo("user"));
        Assert.Equal("MISS", other.Cache);
        Assert.Equal("user@victim", other.Echo("user"));
    }

    private static string User(string name) =>
        TokenCommand.Mint(TestTokens.Jwt, Tenant, $"user@{name}", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    private async Task<Answer> SendAsync(
        HttpMethod method,
        string target,
        string token,
        string? body = null,
        string contentType = "application/json",
        (string Name, string Value)[]? headers = null)
    {
        using var request = GatewayInstance.Request(method, target, token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Gateway.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {target}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        var encoding = response.Content.Headers.ContentEncoding.SingleOrDefault();
        var text = encoding == "gzip" ? Gunzip(bytes) : Encoding.UTF8.GetString(bytes);
        return new Answer(response.Headers.TryGetValues("X-Cache", out var cache) ? cache.Single() : null, encoding, text);
    }

    private static string Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private sealed record Answer(string? Cache, string? ContentEncoding, string Body)
    {
        public string? Echo(string field)
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.GetProperty(field).ValueKind == JsonValueKind.Number
                ? document.RootElement.GetProperty(field).GetRawText()
                : document.RootElement.GetProperty(field).GetString();
        }
    }
}

/// <summary>
/// The gateway of <see cref="CachePoisoningTests"/>: routes <c>/c/**</c> (cached, tenant scope) and <c>/u/**</c> (cached,
/// user scope) to a Kestrel upstream that echoes each request (a call number, path, raw query, forwarded host, content
/// type, override headers, the token's subject) and sets caching headers by path. Tests use paths of their own.
/// </summary>
public sealed class EchoingCacheBed : IAsyncLifetime
{
    private KestrelUpstream? _upstream;
    private GatewayInstance? _gateway;
    private int _calls;

    /// <summary>The gateway.</summary>
    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _upstream = await KestrelUpstream.StartAsync(AnswerAsync);
        _gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithRoute("cached", "/c/{**rest}", _upstream.Url, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithRoute("per-user", "/u/{**rest}", _upstream.Url, new Dictionary<string, string> { ["Cache"] = "true", ["CacheScope"] = "user" })
            .WithRelaxedTimeouts());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    /// <summary>Echoes the request as JSON; the path decides the caching headers.</summary>
    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var echo = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["n"] = Interlocked.Increment(ref _calls),
            ["path"] = request.Path.Value,
            ["query"] = request.QueryString.Value,
            ["host"] = request.Headers["X-Forwarded-Host"].ToString(),
            ["contentType"] = request.ContentType ?? "",
            ["override"] = request.Headers["X-HTTP-Method-Override"].ToString() + request.Headers["X-HTTP-Method"] + request.Headers["X-Method-Override"],
            ["user"] = Subject(request.Headers.Authorization.ToString()),
        });
        var path = request.Path.Value ?? "";
        var response = context.Response;
        response.ContentType = "application/json";
        if (path.Contains("/expired-", StringComparison.Ordinal))
        {
            response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
        }
        else if (path.Contains("/expires-later-", StringComparison.Ordinal))
        {
            response.Headers.Expires = DateTimeOffset.UtcNow.AddHours(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (path.Contains("/private-", StringComparison.Ordinal))
        {
            response.Headers.CacheControl = "private, max-age=600";
        }

        var bytes = Encoding.UTF8.GetBytes(echo);
        if (path.Contains("/gzip-", StringComparison.Ordinal) && request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal))
        {
            var compressed = new MemoryStream();
            await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(bytes);
            }

            bytes = compressed.ToArray();
            response.Headers.ContentEncoding = "gzip";
        }

        await response.Body.WriteAsync(bytes);
    }

    /// <summary>The <c>sub</c> of the forwarded bearer token: how a personalising upstream knows its user.</summary>
    private static string Subject(string authorization)
    {
        var parts = authorization.Split(' ', 2).Last().Split('.');
        if (parts.Length != 3)
        {
            return "";
        }

        using var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]));
        return payload.RootElement.TryGetProperty("sub", out var sub) ? sub.GetString() ?? "" : "";
    }
}
