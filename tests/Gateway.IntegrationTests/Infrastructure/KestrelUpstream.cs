using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal Kestrel upstream running one <see cref="RequestDelegate"/>, for what WireMock cannot do: stream
/// server-sent events one by one, or observe that the gateway aborted the request (<c>HttpContext.RequestAborted</c>).
/// </summary>
public sealed class KestrelUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelUpstream(WebApplication app)
    {
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Url = address.EndsWith('/') ? address : address + "/";
    }

    /// <summary>Root URL, e.g. <c>http://127.0.0.1:41235/</c>.</summary>
    public string Url { get; }

    /// <summary>Starts an upstream on a free 127.0.0.1 port that answers every request with <paramref name="handler"/>.</summary>
    public static async Task<KestrelUpstream> StartAsync(RequestDelegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new KestrelUpstream(app);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // A handler still parked on a test's gate is cut off.
            }
        }

        await _app.DisposeAsync();
    }
}
