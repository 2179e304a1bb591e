using System.Net;
using System.Text.Json;
using Gateway.Transforms.Infrastructure.Problems;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Assertions for the gateway's <c>application/problem+json</c> answers.</summary>
public static class ProblemAssert
{
    /// <summary>
    /// Asserts status, media type and <c>type</c> (<c>https://tenant-gateway.dev/problems/{slug}</c>) and returns the parsed body.
    /// </summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal(ProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        Assert.Equal(ProblemWriter.TypeBase + slug, root.GetProperty("type").GetString());
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        return root;
    }
}
