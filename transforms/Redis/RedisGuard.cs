using Gateway.Config.Reload;
using Gateway.Transforms.Diagnostics;
using Gateway.Transforms.Pipeline;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Redis;

/// <summary>
/// Runs Redis calls on the request path within a budget of tens of milliseconds and behind a circuit
/// breaker. A failure is never an exception to the caller: it gets <c>Succeeded = false</c> and falls back
/// (cache bypass, local limits). Only the caller's own cancellation (the tier deadline) propagates.
/// </summary>
public sealed partial class RedisGuard : IReadinessCheck
{
    private readonly RedisConnection _connection;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisGuard> _logger;
    private readonly TimeSpan _budget;

    /// <summary>Creates the guard.</summary>
    public RedisGuard(RedisConnection connection, IGatewaySettings settings, GatewayMetrics metrics, TimeProvider time, ILogger<RedisGuard> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        _connection = connection;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        var redis = settings.Current.Options.Redis;
        _budget = TimeSpan.FromMilliseconds(redis.OperationTimeoutMs);
        Breaker = new RedisCircuitBreaker(redis.BreakerFailureThreshold, TimeSpan.FromMilliseconds(redis.BreakerCooldownMs), time);
        Breaker.StateChanged += open =>
        {
            _metrics.SetRedisCircuitOpen(open);
            if (open)
            {
                LogCircuitOpened(_logger);
            }
            else
            {
                LogCircuitClosed(_logger);
            }
        };
    }

    /// <summary>The breaker, exposed for readiness and tests.</summary>
    public RedisCircuitBreaker Breaker { get; }

    /// <summary>Whether Redis is configured at all.</summary>
    public bool IsConfigured => _connection.IsConfigured;

    /// <summary>The shared multiplexer (for pub/sub subscriptions); null when not configured or not started.</summary>
    public IConnectionMultiplexer? Multiplexer => _connection.Multiplexer;

    /// <summary>Runs <paramref name="action"/> against Redis within the per-call budget.</summary>
    public async ValueTask<RedisOutcome<T>> ExecuteAsync<T>(string operation, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var multiplexer = _connection.Multiplexer;
        if (multiplexer is null || !Breaker.TryAcquire())
        {
            return default;
        }

        if (!multiplexer.IsConnected)
        {
            // Do not spend the budget on a call that cannot succeed.
            Fail(operation);
            return default;
        }

        Task<T> call;
        try
        {
            call = action(multiplexer.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Fail(operation);
            return default;
        }

        try
        {
            var value = await call.WaitAsync(_budget, _time, cancellationToken).ConfigureAwait(false);
            Breaker.RecordSuccess();
            return new RedisOutcome<T>(true, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(call);
            throw;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Observe(call);
            Fail(operation);
            return default;
        }
    }

    /// <inheritdoc />
    public ReadinessReport Check()
    {
        if (!_connection.IsConfigured)
        {
            return new ReadinessReport("redis", ReadinessReport.Ok, "not configured: embedded in-process store, single node");
        }

        if (!_connection.IsConnected)
        {
            return new ReadinessReport("redis", ReadinessReport.Degraded, "disconnected: cache bypassed, rate limits local to this node");
        }

        return Breaker.IsOpen
            ? new ReadinessReport("redis", ReadinessReport.Degraded, "circuit open after repeated failures: cache bypassed, rate limits local")
            : new ReadinessReport("redis", ReadinessReport.Ok, "connected");
    }

    private void Fail(string operation)
    {
        _metrics.RedisFailed(operation);
        Breaker.RecordFailure();
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Redis degraded: circuit opened after repeated failures; cache bypassed and limits local")]
    private static partial void LogCircuitOpened(ILogger logger);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Redis recovered: circuit closed, shared cache and limits resumed")]
    private static partial void LogCircuitClosed(ILogger logger);
}

/// <summary>Result of a guarded Redis call; <c>default</c> means it failed or was skipped.</summary>
public readonly record struct RedisOutcome<T>(bool Succeeded, T? Value);
