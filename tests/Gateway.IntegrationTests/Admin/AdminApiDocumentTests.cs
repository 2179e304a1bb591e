using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;

namespace Gateway.IntegrationTests.Admin;

/// <summary>
/// <c>/openapi/v1.json</c> and <c>/docs</c> on the management listener: every mapped admin route is in the document with
/// its schemas and examples, the reference's assets are served by the gateway itself, and the proxy listener serves neither.
/// </summary>
public sealed class AdminApiDocumentTests : IAsyncLifetime
{
    private GatewayInstance _gateway = null!;
    private HttpClient _management = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithManagementListener());
        _management = _gateway.CreateManagementClient();
    }

    public async Task DisposeAsync()
    {
        _management.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Document_EveryMappedAdminRoute_AppearsWithItsMethod()
    {
        // Arrange: the admin routes as the gateway mapped them.
        var mapped = _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Path: e.RoutePattern.RawText!, Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(mapped.Count >= 8, $"only {mapped.Count} admin routes found: {string.Join(", ", mapped)}");

        // Act
        using var document = JsonDocument.Parse(await _management.GetStringAsync("openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        // Assert
        foreach (var (path, method) in mapped)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method.ToUpperInvariant()} {path} is missing from the document");
            Assert.True(operation.TryGetProperty("summary", out _), $"{method.ToUpperInvariant()} {path} has no summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{method.ToUpperInvariant()} {path} lacks its 401 problem");
        }

        Assert.Equal(mapped.Count, paths.EnumerateObject().Sum(p => p.Value.EnumerateObject().Count(o => o.Name is "get" or "post" or "delete" or "put" or "patch")));
    }

    [Fact]
    public async Task Document_BurstGrant_HasRequestSchemaAndExamples()
    {
        // Act
        using var document = JsonDocument.Parse(await _management.GetStringAsync("openapi/v1.json"));
        var root = document.RootElement;
        var grant = root.GetProperty("paths").GetProperty("/admin/tenants/{tenant}/burst").GetProperty("post");
        var schemas = root.GetProperty("components").GetProperty("schemas");

        // Assert: the body is described, its fields snake_case as on the wire, with examples; the bearer scheme is declared.
        var body = grant.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (body.TryGetProperty("$ref", out var reference))
        {
            body = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        Assert.Equal("number", body.GetProperty("properties").GetProperty("factor").GetProperty("type").GetString());
        Assert.Equal("integer", body.GetProperty("properties").GetProperty("duration_seconds").GetProperty("type").GetString());
        Assert.Equal(3600, body.GetProperty("examples")[0].GetProperty("duration_seconds").GetInt32());
        Assert.True(grant.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Reference_ServedWithLocalAssets()
    {
        // Act
        var page = await _management.GetStringAsync("docs/");

        // Assert: the page loads its script from the gateway, not from a CDN.
        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr.net", page, StringComparison.Ordinal);
        var script = System.Text.RegularExpressions.Regex.Match(page, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(script), page);
        Assert.DoesNotContain("://", script, StringComparison.Ordinal);
        using var asset = await _management.GetAsync(new Uri(new Uri(_gateway.ManagementAddress!, "docs/"), script));
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
    }

    [Fact]
    public async Task ProxyListener_ServesNeitherDocumentNorReference()
    {
        // Act
        using var document = await _gateway.GetAsync("/openapi/v1.json");
        using var reference = await _gateway.GetAsync("/docs/");

        // Assert: no route matches on the proxy listener, so neither answers 200.
        Assert.NotEqual(HttpStatusCode.OK, document.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, reference.StatusCode);
    }
}
