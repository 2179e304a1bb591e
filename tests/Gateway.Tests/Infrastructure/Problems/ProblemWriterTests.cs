using System.Text.Json;
using Gateway.Transforms.Infrastructure.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Infrastructure.Problems;

public sealed class ProblemWriterTests
{
    [Theory]
    [InlineData(ProblemKind.BadRequest, 400, "bad-request")]
    [InlineData(ProblemKind.Unauthorized, 401, "unauthorized")]
    [InlineData(ProblemKind.Forbidden, 403, "forbidden")]
    [InlineData(ProblemKind.NotFound, 404, "not-found")]
    [InlineData(ProblemKind.MethodNotAllowed, 405, "method-not-allowed")]
    [InlineData(ProblemKind.RequestTimeout, 408, "request-timeout")]
    [InlineData(ProblemKind.PayloadTooLarge, 413, "payload-too-large")]
    [InlineData(ProblemKind.RateLimited, 429, "rate-limited")]
    [InlineData(ProblemKind.UpstreamError, 502, "upstream-error")]
    [InlineData(ProblemKind.Shed, 503, "shed")]
    [InlineData(ProblemKind.StoreUnavailable, 503, "store-unavailable")]
    [InlineData(ProblemKind.Timeout, 504, "tier-timeout")]
    [InlineData(ProblemKind.Internal, 500, "internal-error")]
    public async Task WriteAsync_Kind_StatusTypeAndContentType(ProblemKind kind, int status, string slug)
    {
        // Arrange
        var context = NewContext();

        // Act
        await ProblemWriter.WriteAsync(context, kind, "what happened");

        // Assert
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        using var body = Body(context);
        Assert.Equal("https://tenant-gateway.dev/problems/" + slug, body.RootElement.GetProperty("type").GetString());
        Assert.Equal(status, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("what happened", body.RootElement.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("title").GetString()));
        Assert.Equal(context.Response.Body.Length, context.Response.ContentLength);
    }

    [Fact]
    public void TypeOf_EveryKind_DistinctStableUri()
    {
        // Act
        var types = Enum.GetValues<ProblemKind>().Select(ProblemWriter.TypeOf).ToList();

        // Assert
        Assert.Equal(types.Count, types.Distinct(StringComparer.Ordinal).Count());
        Assert.All(types, t => Assert.StartsWith(ProblemWriter.TypeBase, t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_TenantTierAndExtensions_InBody()
    {
        // Arrange
        var context = NewContext();
        context.Request.Path = "/query";

        // Act
        await ProblemWriter.WriteAsync(context, ProblemKind.Timeout, "late", "tenant-a", "platinum",
            new Dictionary<string, object?> { ["budget_ms"] = 200L });

        // Assert
        using var body = Body(context);
        var root = body.RootElement;
        Assert.Equal("tenant-a", root.GetProperty("tenant").GetString());
        Assert.Equal("platinum", root.GetProperty("tier").GetString());
        Assert.Equal(200, root.GetProperty("budget_ms").GetInt64());
        Assert.Equal("/query", root.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task WriteAsync_NoTenant_OmitsTenantAndTier()
    {
        // Arrange
        var context = NewContext();

        // Act
        await ProblemWriter.WriteAsync(context, ProblemKind.Unauthorized, "no token");

        // Assert
        using var body = Body(context);
        Assert.False(body.RootElement.TryGetProperty("tenant", out _));
        Assert.False(body.RootElement.TryGetProperty("tier", out _));
    }

    [Fact]
    public async Task WriteAsync_EarlierHeaders_KeepsRateLimitRetryAfterChallengeAndConnectionDropsTheRest()
    {
        // Arrange
        var context = NewContext();
        var headers = context.Response.Headers;
        headers["RateLimit-Policy"] = "\"tenant\";q=200;w=1";
        headers["RateLimit"] = "\"tenant\";r=0;t=1";
        headers.RetryAfter = "1";
        headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        headers["X-Cache"] = "BYPASS";
        headers.Connection = "close";
        headers["X-Upstream-Secret"] = "leak";
        headers.ContentType = "text/plain";
        context.Response.StatusCode = 200;

        // Act
        await ProblemWriter.WriteAsync(context, ProblemKind.RateLimited, "slow down", "tenant-b", "gold");

        // Assert
        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("\"tenant\";q=200;w=1", headers["RateLimit-Policy"].ToString());
        Assert.Equal("\"tenant\";r=0;t=1", headers["RateLimit"].ToString());
        Assert.Equal("1", headers.RetryAfter.ToString());
        Assert.Equal("Bearer error=\"invalid_token\"", headers.WWWAuthenticate.ToString());
        Assert.Equal("BYPASS", headers["X-Cache"].ToString());
        Assert.Equal("close", headers.Connection.ToString());
        Assert.False(headers.ContainsKey("X-Upstream-Secret"));
        Assert.Equal("application/problem+json", context.Response.ContentType);
    }

    [Fact]
    public async Task WriteBodyAsync_BodySerializedBefore_SameResponseAsWriteAsync()
    {
        // Arrange: the same refusal, once serialized per request and once from a kept body.
        var extensions = new Dictionary<string, object?> { ["limit_qps"] = 1.5, ["reason"] = "rate_limit" };
        var direct = NewContext();
        var kept = NewContext();
        direct.Request.Path = kept.Request.Path = "/query";
        var body = ProblemWriter.Serialize(ProblemKind.RateLimited, "slow down", "/query", "tenant-b", "gold", extensions);

        // Act
        await ProblemWriter.WriteAsync(direct, ProblemKind.RateLimited, "slow down", "tenant-b", "gold", extensions);
        await ProblemWriter.WriteBodyAsync(kept, ProblemKind.RateLimited, body);

        // Assert
        Assert.Equal(((MemoryStream)direct.Response.Body).ToArray(), ((MemoryStream)kept.Response.Body).ToArray());
        Assert.Equal(direct.Response.StatusCode, kept.Response.StatusCode);
        Assert.Equal(direct.Response.Headers.OrderBy(h => h.Key), kept.Response.Headers.OrderBy(h => h.Key));
    }

    [Fact]
    public async Task WriteAsync_ResponseAlreadyStarted_AbortsInsteadOfWriting()
    {
        // Arrange
        var context = NewContext();
        var lifetime = new RecordingLifetime();
        context.Features.Set<IHttpResponseFeature>(new StartedResponseFeature());
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);

        // Act
        await ProblemWriter.WriteAsync(context, ProblemKind.Timeout, "late");

        // Assert
        Assert.True(lifetime.Aborted);
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Theory]
    [InlineData(null, true, "close")]
    [InlineData(64L * 1024, false, "close")]
    [InlineData(200L, false, "")]
    [InlineData(null, false, "")]
    public async Task WriteAsync_RefusedBodyNobodyRead_ClosesOnlyWhenLargeOrChunked(long? contentLength, bool chunked, string connection)
    {
        // Arrange
        var context = NewContext();
        context.Request.ContentLength = contentLength;
        if (chunked)
        {
            context.Request.Headers.TransferEncoding = "chunked";
        }

        // Act
        await ProblemWriter.WriteAsync(context, ProblemKind.RateLimited, "slow down");

        // Assert
        Assert.Equal(connection, context.Response.Headers.Connection.ToString());
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonDocument Body(HttpContext context) =>
        JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray());

    private sealed class StartedResponseFeature : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }

    private sealed class RecordingLifetime : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }
}
