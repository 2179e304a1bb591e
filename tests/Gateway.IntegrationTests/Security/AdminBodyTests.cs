using System.Diagnostics;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: tie up the gateway's requests, connections and memory through the admin API without any credentials, by
/// sending a body that never ends (or a huge one). The token is checked before a byte of the body is read; the body is
/// capped at 4 KB however it is sent and must arrive within a short time.
/// </summary>
public sealed class AdminBodyTests : IAsyncLifetime
{
    /// <summary>Far beyond the gateway's 2 s body timeout, far below "minutes", and loose enough for a loaded machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private GatewayInstance? _gateway;

    private GatewayInstance Gateway => _gateway!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(FreePort.ClosedPortUrl()));

    public async Task DisposeAsync() => await _gateway!.DisposeAsync();

    [Fact]
    public async Task Attack_AnonymousStalledChunkedBody_Refused401WithoutWaitingForTheBody()
    {
        // Arrange: headers of a chunked upload, then half a chunk, then nothing, ever.
        await using var connection = await RawHttp.ConnectAsync(Gateway.BaseAddress);
        await connection.WriteHeadAsync("POST", "/admin/cache/invalidate", Gateway.BaseAddress,
            [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
        await connection.WriteAsync("400\r\n{\"tenant_id\":");
        var clock = Stopwatch.StartNew();

        // Act
        var answer = await connection.ReadAnswerAsync(Bound);

        // Assert: Kestrel's own minimum data rate would end the read after its 5 s grace with a 400, not a 401.
        Assert.Equal(401, answer.Status);
        Assert.Contains("unauthorized", answer.Body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Bound, $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Attack_AnonymousHugeChunkedBody_Refused401BeforeReadingIt()
    {
        // Arrange: a 1 MB chunked upload, written only as far as the gateway reads.
        await using var connection = await RawHttp.ConnectAsync(Gateway.BaseAddress);
        await connection.WriteHeadAsync("POST", "/admin/cache/invalidate", Gateway.BaseAddress,
            [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
        await connection.WriteAsync("100000\r\n" + new string('a', 16 * 1024));

        // Act
        var answer = await connection.ReadAnswerAsync(Bound);

        // Assert
        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task Attack_AuthenticatedStalledChunkedBody_408WithinTheBodyTimeout()
    {
        // Arrange: a valid token, then a body that stops half way.
        await using var connection = await RawHttp.ConnectAsync(Gateway.BaseAddress);
        await connection.WriteHeadAsync("POST", "/admin/cache/invalidate", Gateway.BaseAddress,
            [("Authorization", "Bearer " + TestTokens.TenantAdmin(GatewayConfigBuilder.GoldTenant)), ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
        await connection.WriteAsync("400\r\n{\"tenant_id\":");
        var clock = Stopwatch.StartNew();

        // Act
        var answer = await connection.ReadAnswerAsync(Bound);

        // Assert
        Assert.Equal(408, answer.Status);
        Assert.Contains("request-timeout", answer.Body, StringComparison.Ordinal);
        Assert.Equal("close", answer.Header("Connection"));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"answered after {clock.Elapsed}, before the timeout");
    }

    [Fact]
    public async Task Attack_AuthenticatedChunkedBodyOver4KB_Refused413()
    {
        // Arrange: 5 KB in 1 KB chunks, with no declared length.
        await using var connection = await RawHttp.ConnectAsync(Gateway.BaseAddress);
        await connection.WriteHeadAsync("POST", "/admin/cache/invalidate", Gateway.BaseAddress,
            [("Authorization", "Bearer " + TestTokens.TenantAdmin(GatewayConfigBuilder.GoldTenant)), ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
        for (var i = 0; i < 5; i++)
        {
            await connection.WriteAsync("400\r\n" + new string(' ', 1024) + "\r\n");
        }

        // Act
        var answer = await connection.ReadAnswerAsync(Bound);

        // Assert
        Assert.Equal(413, answer.Status);
        Assert.Contains("payload-too-large", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attack_AuthenticatedDeclaredLengthOver4KB_Refused413WithoutReading()
    {
        // Arrange: a declared 5000-byte body of which nothing is sent.
        await using var connection = await RawHttp.ConnectAsync(Gateway.BaseAddress);
        await connection.WriteHeadAsync("POST", "/admin/cache/invalidate", Gateway.BaseAddress,
            [("Authorization", "Bearer " + TestTokens.TenantAdmin(GatewayConfigBuilder.GoldTenant)), ("Content-Type", "application/json"), ("Content-Length", "5000")]);

        // Act
        var answer = await connection.ReadAnswerAsync(Bound);

        // Assert
        Assert.Equal(413, answer.Status);
    }
}
