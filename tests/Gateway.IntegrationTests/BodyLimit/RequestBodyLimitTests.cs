using System.Net;
using System.Net.Http.Headers;

namespace Gateway.IntegrationTests.BodyLimit;

/// <summary><c>Gateway:Limits:MaxRequestBodyBytes</c> (1 MB here): larger bodies get 413 before any byte goes upstream.</summary>
[Collection(ProxyCollection.Name)]
public sealed class RequestBodyLimitTests
{
    private const int Limit = 1024 * 1024;
    private readonly ProxyFixture _fixture;

    public RequestBodyLimitTests(ProxyFixture fixture)
    {
        _fixture = fixture;
        _fixture.ResetUpstream();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Proxy_BodyOverLimit_Returns413ProblemAndUpstreamReceivesNothing(bool chunked)
    {
        // Arrange
        var body = RandomBytes(2 * 1024 * 1024);
        using var request = GatewayInstance.Request(HttpMethod.Post, "/upload", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        request.Content = Content(body, chunked);

        // A client that sends 2 MB without waiting may see its upload cut off (the gateway closes the connection
        // after refusing); asking for 100-continue is how a well-behaved client learns the verdict first.
        request.Headers.ExpectContinue = true;

        // Act
        using var response = await _fixture.Gateway.Client.SendAsync(request);

        // Assert
        Assert.Equal(chunked, request.Content.Headers.ContentLength is null);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Equal(Limit, problem.GetProperty("limit_bytes").GetInt64());
        Assert.Equal(GatewayConfigBuilder.GoldTenant, problem.GetProperty("tenant").GetString());
        Assert.Empty(_fixture.Upstream.LogEntries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Proxy_BodyJustUnderLimit_ForwardedIntact(bool chunked)
    {
        // Arrange
        var body = RandomBytes(Limit - 1);
        using var request = GatewayInstance.Request(HttpMethod.Post, "/upload", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        request.Content = Content(body, chunked);

        // Act
        using var response = await _fixture.Gateway.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_fixture.Upstream.LogEntries).RequestMessage;
        Assert.Equal(body, forwarded.BodyAsBytes);
    }

    private static HttpContent Content(byte[] body, bool chunked)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
