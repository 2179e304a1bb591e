using System.Text;
using Gateway.Tests.Support;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Infrastructure.Context;

namespace Gateway.Tests.Caching;

public sealed class CacheRequestBodyTests
{
    private readonly TestGatewaySettings _settings = new();

    [Fact]
    public async Task TryKeyOfArrivedBody_WholeBodyInTheBuffer_KeyOfThatBodyAndNothingConsumed()
    {
        // Arrange
        const string body = "{\"query\":\"refund policy\"}";
        var (context, _) = await ArrivedBody.RequestAsync(_settings, body);
        var request = context.GetGatewayRequest();

        // Act
        var key = CacheRequestBody.TryKeyOfArrivedBody(context, request, ArrivedBody.Route, 1024);

        // Assert: the key the stage computes from the read body, and the body still there to forward.
        Assert.Equal(CacheKeyBuilder.ForRequest(context, request, ArrivedBody.Route, Encoding.UTF8.GetBytes(body)), key);
        var read = await context.Request.BodyReader.ReadAsync();
        Assert.Equal(body, Encoding.UTF8.GetString(read.Buffer));
    }

    [Fact]
    public async Task TryKeyOfArrivedBody_BodyStillArriving_NoKey()
    {
        // Arrange: three bytes of the declared length have not come yet; a key of a partial body must never be made.
        var (context, _) = await ArrivedBody.RequestAsync(_settings, "{\"query\":\"refund", missing: 3);

        // Act
        var key = CacheRequestBody.TryKeyOfArrivedBody(context, context.GetGatewayRequest(), ArrivedBody.Route, 1024);

        // Assert
        Assert.Null(key);
    }

    [Fact]
    public async Task TryKeyOfArrivedBody_DeclaredOverTheCap_NoKey()
    {
        // Arrange
        var (context, _) = await ArrivedBody.RequestAsync(_settings, new string('q', 100));

        // Act
        var key = CacheRequestBody.TryKeyOfArrivedBody(context, context.GetGatewayRequest(), ArrivedBody.Route, 99);

        // Assert
        Assert.Null(key);
    }
}
