using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Gateway.IntegrationTests.Hosting;

/// <summary>Issue 12 item 4: Kestrel's connection cap and minimum request-body data rate come from <c>Gateway:Limits</c>.</summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public async Task Start_DefaultLimits_DeliberateConnectionCapBufferAndBodyRate()
    {
        // Arrange / Act
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder());
        var limits = gateway.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        // Assert
        Assert.Equal(10_000, limits.MaxConcurrentConnections);
        Assert.Equal(64 * 1024, limits.MaxRequestBufferSize);
        Assert.Equal(1024, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate.GracePeriod);
    }

    [Fact]
    public async Task Start_DefaultLimits_SocketTransportReadsAheadNoMoreThanRequestBuffer()
    {
        // Arrange / Act
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder());
        var sockets = gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        // Assert: without it the transport reads 1 MB ahead of every connection, outside the buffered-body budget.
        Assert.Equal(64 * 1024, sockets.MaxReadBufferSize);
    }

    [Fact]
    public async Task Start_MaxRequestBufferBytesSet_SocketTransportAndKestrelUseIt()
    {
        // Arrange / Act
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .With("Gateway:Limits:MaxRequestBufferBytes", 32 * 1024));
        var sockets = gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        var limits = gateway.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        // Assert
        Assert.Equal(32 * 1024, sockets.MaxReadBufferSize);
        Assert.Equal(32 * 1024, limits.MaxRequestBufferSize);
    }

    [Fact]
    public async Task Proxy_ConnectionsAtMaxConcurrentConnections_NextConnectionRefusedUntilOneCloses()
    {
        // Arrange: room for two connections; two idle sockets take it.
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("{}"));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Limits:MaxConcurrentConnections", 2));
        var idle = new List<TcpClient>();
        for (var i = 0; i < 2; i++)
        {
            var socket = new TcpClient();
            await socket.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
            idle.Add(socket);
        }

        // Act: a third connection is closed without an answer; after one idle socket goes, requests get through.
        var refused = await TryGetAsync(gateway);
        idle[0].Dispose();
        var admitted = await Poll.UntilAsync(() => TryGetAsync(gateway), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(10));

        // Assert
        Assert.NotEqual(HttpStatusCode.OK, refused);
        Assert.Equal(HttpStatusCode.OK, admitted);
        idle.ForEach(s => s.Dispose());
    }

    private static async Task<HttpStatusCode?> TryGetAsync(GatewayInstance gateway)
    {
        using var client = gateway.CreateClient(TimeSpan.FromSeconds(5));
        try
        {
            using var response = await client.SendAsync(GatewayInstance.Request(HttpMethod.Get, "/q", TestTokens.For(GatewayConfigBuilder.GoldTenant)));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
