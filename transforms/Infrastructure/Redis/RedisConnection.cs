using Gateway.Config.Reload;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>
/// The one shared <see cref="IConnectionMultiplexer"/>. Connects in the background at start-up and never
/// makes a request wait for a connection: with Redis down the gateway starts and serves, degraded.
/// The connection string is read at start-up; changing it needs a restart.
/// </summary>
internal sealed partial class RedisConnection : IHostedService, IAsyncDisposable
{
    private readonly ILogger<RedisConnection> _logger;
    private readonly ConfigurationOptions? _options;
    private IConnectionMultiplexer? _multiplexer;

    /// <summary>Creates the connection holder from the settings in force at start-up.</summary>
    public RedisConnection(IGatewaySettings settings, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        var redis = settings.Current.Options.Redis;
        if (!string.IsNullOrWhiteSpace(redis.Configuration))
        {
            _options = CreateOptions(redis.Configuration, redis.ConnectTimeoutMs, redis.OperationTimeoutMs);
        }
    }

    /// <summary>Whether a Redis server is configured (otherwise the embedded store is used).</summary>
    public bool IsConfigured => _options is not null;

    /// <summary>The multiplexer once created; null when not configured or before start.</summary>
    public IConnectionMultiplexer? Multiplexer => Volatile.Read(ref _multiplexer);

    /// <summary>True when the multiplexer has at least one connected server.</summary>
    public bool IsConnected => Multiplexer?.IsConnected == true;

    /// <summary>Builds client options that fail fast instead of queueing behind a dead server.</summary>
    public static ConfigurationOptions CreateOptions(string configuration, int connectTimeoutMs, int operationTimeoutMs)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = connectTimeoutMs;
        options.ConnectRetry = 1;

        // The request path bounds each call far tighter than this (RedisGuard); this only caps stragglers.
        options.SyncTimeout = Math.Max(250, operationTimeoutMs * 5);
        options.AsyncTimeout = Math.Max(250, operationTimeoutMs * 5);
        options.KeepAlive = 5;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName ??= "tenant-gateway";
        return options;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options is null)
        {
            return;
        }

        // With AbortOnConnectFail off this returns even when no server answers, and keeps reconnecting.
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_options).ConfigureAwait(false);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint);
        Volatile.Write(ref _multiplexer, multiplexer);
        if (!multiplexer.IsConnected)
        {
            LogStartedDisconnected(_logger);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            multiplexer.Dispose();
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Redis connection to {Endpoint} failed ({FailureType}); what it serves bypasses the cache and uses local limits until it or its replica is back")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endpoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Redis connection to {Endpoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endpoint);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Redis is not reachable at start-up; serving degraded and reconnecting in the background")]
    private static partial void LogStartedDisconnected(ILogger logger);
}
