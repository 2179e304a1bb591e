using System.Net;
using System.Text.Json;
using Gateway.Transforms.Caching.Semantic.Embeddings;

namespace Gateway.Tests.Caching.Semantic.Embeddings;

public sealed class OpenAiCompatibleEmbeddingGeneratorTests
{
    private const string TwoVectors = """{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0,2]},{"object":"embedding","index":0,"embedding":[3,4]}],"model":"e5","usage":{"prompt_tokens":7,"total_tokens":7}}""";
    private const string OneVector = """{"data":[{"embedding":[1,0]}]}""";

    private static OpenAiCompatibleEmbeddingGenerator NewGenerator(StubHttpHandler handler, string path = "/v1/embeddings", string? apiKey = null, string endpoint = "http://embeddings.test") =>
        new(new HttpClient(handler), new Uri(endpoint), path, "e5", apiKey);

    [Fact]
    public async Task GenerateAsync_PostsModelAndInput_ReturnsUnitVectorsInInputOrder()
    {
        // Arrange
        var handler = new StubHttpHandler(HttpStatusCode.OK, TwoVectors);

        // Act
        var result = await NewGenerator(handler).GenerateAsync(["first", "second"]);

        // Assert
        Assert.Equal([0.6f, 0.8f], result[0].Vector.ToArray());
        Assert.Equal([0f, 1f], result[1].Vector.ToArray());
        Assert.Equal(7, result.Usage?.InputTokenCount);
        var (request, body) = Assert.Single(handler.Received);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://embeddings.test/v1/embeddings", request.RequestUri!.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("e5", json.RootElement.GetProperty("model").GetString());
        Assert.Equal(["first", "second"], json.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetString()));
        Assert.False(json.RootElement.TryGetProperty("encoding_format", out _));
    }

    [Fact]
    public async Task GenerateAsync_WithApiKey_SendsBearerToken()
    {
        // Arrange
        var handler = new StubHttpHandler(HttpStatusCode.OK, OneVector);

        // Act
        await NewGenerator(handler, apiKey: "sk-test").GenerateAsync(["q"]);

        // Assert
        Assert.Equal("Bearer sk-test", Assert.Single(handler.Received).Request.Headers.Authorization?.ToString());
    }

    [Fact]
    public async Task GenerateAsync_WithoutApiKey_SendsNoAuthorization()
    {
        // Arrange
        var handler = new StubHttpHandler(HttpStatusCode.OK, OneVector);

        // Act
        await NewGenerator(handler).GenerateAsync(["q"]);

        // Assert
        Assert.Null(Assert.Single(handler.Received).Request.Headers.Authorization);
    }

    [Fact]
    public async Task GenerateAsync_BasePathAndCustomPath_AreBothKept()
    {
        // Arrange
        var handler = new StubHttpHandler(HttpStatusCode.OK, OneVector);

        // Act
        var result = await NewGenerator(handler, path: "/embed", endpoint: "http://embeddings.test/openai/").GenerateAsync(["q"]);

        // Assert
        Assert.Equal([1f, 0f], result[0].Vector.ToArray());
        Assert.Equal("http://embeddings.test/openai/embed", Assert.Single(handler.Received).Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task GenerateAsync_ServerError_ThrowsWithStatus()
    {
        // Arrange
        var handler = new StubHttpHandler(HttpStatusCode.InternalServerError, """{"error":"boom"}""");

        // Act
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => NewGenerator(handler).GenerateAsync(["q"]));

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
    }

    [Theory]
    [InlineData("""{"data":[{"embedding":[1,0]}]}""")]
    [InlineData("""{"data":[{"embedding":[1,0]},{"embedding":[0,1,0]}]}""")]
    [InlineData("""{"data":[{"index":0,"embedding":[1,0]},{"index":0,"embedding":[0,1]}]}""")]
    [InlineData("""{"data":[{"embedding":[0,0]},{"embedding":[0,1]}]}""")]
    public async Task GenerateAsync_UnusableVectors_Throws(string body)
    {
        // Arrange: one vector for two inputs, different lengths, a duplicate index, a zero vector.
        var handler = new StubHttpHandler(HttpStatusCode.OK, body);

        // Act / Assert
        await Assert.ThrowsAsync<InvalidDataException>(() => NewGenerator(handler).GenerateAsync(["a", "b"]));
    }
}
