using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Config.Options;
using Gateway.Hosting;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: "anyone who has read the repository can mint an admin token for a deployed gateway". Run against the real
/// published gateway process, in the Production environment, with the configuration file that ships.
/// </summary>
public sealed class PublishedGatewayTests : IClassFixture<PublishedGateway>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly PublishedGateway _published;

    public PublishedGatewayTests(PublishedGateway published)
    {
        _published = published;
    }

    [Fact]
    public void Publish_ShippedFiles_CarryNoSigningKeyAndNoDevelopmentFile()
    {
        // Arrange
        var shipped = Path.Combine(_published.Directory, "appsettings.json");

        // Act
        using var document = JsonDocument.Parse(File.ReadAllText(shipped));
        var jwt = document.RootElement.GetProperty("Gateway").GetProperty("Jwt");

        // Assert
        Assert.False(jwt.TryGetProperty("SigningKey", out _), "The shipped appsettings.json must not carry a signing key.");
        Assert.False(File.Exists(Path.Combine(_published.Directory, "appsettings.Development.json")));
    }

    [Fact]
    public async Task Attack_RepositoryDevelopmentKeyAgainstPublishedProductionGateway_Refused401()
    {
        // Arrange: the key anyone can read in the repository, an admin token and a tenant token minted with it.
        var developmentKey = DevelopmentKey();
        var jwt = new JwtOptions { Issuer = "tenant-gateway-dev", Audience = "rag-platform", SigningKey = developmentKey, AllowSharedSecret = true };
        var admin = TokenCommand.Mint(jwt, null, "attacker", "gateway:admin", TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        var tenant = TokenCommand.Mint(jwt, "acme", "attacker", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        await using var gateway = await StartAsync(new Dictionary<string, string>());

        // Act
        using var client = Client(gateway.Url);
        using var adminAnswer = await client.SendAsync(Bearer(HttpMethod.Get, "admin/tiers/acme", admin));
        using var invalidate = Bearer(HttpMethod.Post, "admin/cache/invalidate", admin);
        invalidate.Content = new StringContent("{\"tenant_id\":\"acme\"}", System.Text.Encoding.UTF8, "application/json");
        using var invalidateAnswer = await client.SendAsync(invalidate);
        using var queryAnswer = await client.SendAsync(Bearer(HttpMethod.Post, "query", tenant));
        using var ready = await client.GetAsync("readyz");

        // Assert
        await ProblemAssert.IsProblemAsync(adminAnswer, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsProblemAsync(invalidateAnswer, HttpStatusCode.Unauthorized, "unauthorized");
        var problem = await ProblemAssert.IsProblemAsync(queryAnswer, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("no token signing key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("token-keys", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("No token signing key is configured", gateway.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attack_DevelopmentFileCopiedNextToProductionGateway_Ignored()
    {
        // Arrange: someone copies appsettings.Development.json (with its key) into the image.
        var folder = Directory.CreateTempSubdirectory("gateway-devfile-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(_published.Directory))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            File.Copy(Path.Combine(GatewayProcess.RepositoryRoot(), "appsettings.Development.json"), Path.Combine(folder, "appsettings.Development.json"));
            var jwt = new JwtOptions { Issuer = "tenant-gateway-dev", Audience = "rag-platform", SigningKey = DevelopmentKey(), AllowSharedSecret = true };
            var admin = TokenCommand.Mint(jwt, null, "attacker", "gateway:admin", TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
            await using var gateway = await StartAsync(new Dictionary<string, string>(), folder);

            // Act
            using var client = Client(gateway.Url);
            using var answer = await client.SendAsync(Bearer(HttpMethod.Get, "admin/tiers/acme", admin));

            // Assert
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.Unauthorized, "unauthorized");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Startup_ProductionSigningKeyWithoutAllowSharedSecret_Exits2NamingTheKey()
    {
        // Arrange: the development key put back into production configuration.
        var environment = new Dictionary<string, string> { ["Gateway__Jwt__SigningKey"] = DevelopmentKey() };

        // Act
        var result = await GatewayProcess.RunAsync(_published.Dll, _published.Directory, environment, StartTimeout);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Gateway:Jwt:SigningKey", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Gateway:Jwt:AllowSharedSecret", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_ProductionSigningKeyWithAllowSharedSecret_AcceptsItAndWarns()
    {
        // Arrange: the operator opts in deliberately.
        var key = "an-operator-chosen-hs256-key-0123456789abcdef";
        var environment = new Dictionary<string, string> { ["Gateway__Jwt__SigningKey"] = key, ["Gateway__Jwt__AllowSharedSecret"] = "true" };
        var jwt = new JwtOptions { Issuer = "tenant-gateway-dev", Audience = "rag-platform", SigningKey = key, AllowSharedSecret = true };
        var admin = TokenCommand.Mint(jwt, null, "operator", "gateway:admin", TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        await using var gateway = await StartAsync(environment);

        // Act
        using var client = Client(gateway.Url);
        using var answer = await client.SendAsync(Bearer(HttpMethod.Get, "admin/tiers/acme", admin));

        // Assert
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("HS256 shared secret accepted in the Production environment", gateway.Process.Output, StringComparison.Ordinal);
    }

    private static string DevelopmentKey()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(GatewayProcess.RepositoryRoot(), "appsettings.Development.json")));
        return document.RootElement.GetProperty("Gateway").GetProperty("Jwt").GetProperty("SigningKey").GetString()!;
    }

    private async Task<Started> StartAsync(Dictionary<string, string> environment, string? directory = null)
    {
        var folder = directory ?? _published.Directory;
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        environment["Urls"] = url;
        var process = GatewayProcess.Start(Path.Combine(folder, "Gateway.dll"), folder, environment);
        try
        {
            await process.WaitForOutputAsync("Now listening on", StartTimeout);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new Started(process, new Uri(url + "/"));
    }

    private static HttpClient Client(Uri url) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage Bearer(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private sealed record Started(GatewayProcess.Running Process, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
