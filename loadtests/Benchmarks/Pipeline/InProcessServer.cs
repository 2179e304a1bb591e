using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Benchmarks.Pipeline;

/// <summary>
/// An <see cref="IServer"/> with no sockets: it keeps the application the host hands it, and
/// <see cref="BenchConnection"/> drives requests through it the way Kestrel's HTTP/1.1 connection does (one reused
/// feature object and HttpContext per connection; OnStarting before the first body byte; OnCompleted and
/// DisposeContext after the response). What it measures is the gateway's pipeline, not HTTP parsing or the kernel.
/// </summary>
internal sealed class InProcessServer : IServer
{
    private Func<BenchConnection>? _connect;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    /// <summary>Opens a connection (its feature object and HttpContext are reused for every request on it).</summary>
    public BenchConnection Connect() => (_connect ?? throw new InvalidOperationException("The host has not started."))();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _connect = () => new BenchConnection<TContext>(application);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
