using System.Collections.Concurrent;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Contracts;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>
/// Runs Redis calls on the request path within a budget of tens of milliseconds and behind a circuit
/// breaker. A failure is never an exception to the caller: it gets <c>Succeeded = false</c> and falls back
/// (cache bypass, local limits). Only the caller's own cancellation (the tier deadline) propagates. A budget that
/// expires while the gateway itself was stalled is not Redis's failure (<see cref="RedisBudget"/>).
/// </summary>
/// <remarks>
/// On a Redis Cluster a call made for a key is guarded by the breaker of that key's hash slot: when one master dies,
/// only the tenants whose slots it held fall back until its replica is promoted, and every other tenant keeps the
/// shared cache and limits. Calls without a key, standalone Redis, and a client with no server connected at all use
/// the one server-wide <see cref="Breaker"/>.
/// </remarks>
internal sealed partial class RedisGuard : IReadinessCheck
{
    private readonly RedisConnection _connection;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisGuard> _logger;
    private readonly TimeSpan _budget;
    private readonly int _breakerThreshold;
    private readonly TimeSpan _breakerCooldown;
    private readonly ConcurrentDictionary<int, RedisCircuitBreaker> _slotBreakers = new();
    private int _openSlots;

    /// <summary>Creates the guard.</summary>
    public RedisGuard(RedisConnection connection, IGatewaySettings settings, RedisMetrics metrics, TimeProvider time, ILogger<RedisGuard> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        _connection = connection;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        var redis = settings.Current.Options.Redis;
        _budget = TimeSpan.FromMilliseconds(redis.OperationTimeoutMs);
        _breakerThreshold = redis.BreakerFailureThreshold;
        _breakerCooldown = TimeSpan.FromMilliseconds(redis.BreakerCooldownMs);
        Breaker = new RedisCircuitBreaker(_breakerThreshold, _breakerCooldown, time);
        Breaker.StateChanged += open =>
        {
            PublishCircuitState();
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

    /// <summary>The server-wide breaker (standalone Redis, calls without a key, nothing connected); exposed for readiness and tests.</summary>
    public RedisCircuitBreaker Breaker { get; }

    /// <summary>Whether Redis is configured at all.</summary>
    public bool IsConfigured => _connection.IsConfigured;

    /// <summary>The shared multiplexer (for pub/sub subscriptions); null when not configured or not started.</summary>
    public IConnectionMultiplexer? Multiplexer => _connection.Multiplexer;

    /// <summary>Cluster hash slots whose breaker is open right now (a master of theirs is failing).</summary>
    public int OpenSlots => Volatile.Read(ref _openSlots);

    /// <summary>Runs <paramref name="action"/> against Redis within the per-call budget, behind the server-wide breaker.</summary>
    public ValueTask<RedisOutcome<T>> ExecuteAsync<T>(string operation, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, default, action, cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/>, which works on <paramref name="key"/> (and keys of its slot), within the per-call
    /// budget, behind the breaker of <paramref name="key"/>'s cluster slot.
    /// </summary>
    public async ValueTask<RedisOutcome<T>> ExecuteAsync<T>(string operation, RedisKey key, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var multiplexer = _connection.Multiplexer;
        if (multiplexer is null)
        {
            return default;
        }

        var connected = multiplexer.IsConnected;
        var breaker = connected ? BreakerFor(multiplexer, key) : Breaker;
        if (!breaker.TryAcquire())
        {
            return default;
        }

        if (!connected)
        {
            // Do not spend the budget on a call that cannot succeed.
            Fail(operation, breaker);
            return default;
        }

        Task<T> call;
        try
        {
            call = action(multiplexer.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Fail(operation, breaker);
            return default;
        }

        try
        {
            var value = await RedisBudget.WaitAsync(call, _budget, _time, cancellationToken).ConfigureAwait(false);
            breaker.RecordSuccess();
            if (breaker != Breaker)
            {
                // A cluster call answered: the connection as a whole works again.
                Breaker.RecordSuccess();
            }

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
            Fail(operation, breaker);
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

        if (Breaker.IsOpen)
        {
            return new ReadinessReport("redis", ReadinessReport.Degraded, "circuit open after repeated failures: cache bypassed, rate limits local");
        }

        var openSlots = OpenSlots;
        return openSlots > 0
            ? new ReadinessReport("redis", ReadinessReport.Degraded,
                $"circuit open for {openSlots} cluster hash slot(s) (a master is failing over): their tenants bypass the cache and use local limits")
            : new ReadinessReport("redis", ReadinessReport.Ok, "connected");
    }

    private RedisCircuitBreaker BreakerFor(IConnectionMultiplexer multiplexer, RedisKey key)
    {
        // -1 for standalone Redis and for calls without a key.
        var slot = multiplexer.HashSlot(key);
        return slot < 0 ? Breaker : _slotBreakers.GetOrAdd(slot, static (_, guard) => guard.CreateSlotBreaker(), this);
    }

    private RedisCircuitBreaker CreateSlotBreaker()
    {
        var breaker = new RedisCircuitBreaker(_breakerThreshold, _breakerCooldown, _time);
        breaker.StateChanged += open =>
        {
            var count = open ? Interlocked.Increment(ref _openSlots) : Interlocked.Decrement(ref _openSlots);
            PublishCircuitState();
            if (open && count == 1)
            {
                LogSlotsDegraded(_logger);
            }
            else if (!open && count == 0)
            {
                LogSlotsRecovered(_logger);
            }
        };
        return breaker;
    }

    private void PublishCircuitState() => _metrics.SetCircuitOpen(Breaker.IsOpen || OpenSlots > 0);

    private void Fail(string operation, RedisCircuitBreaker breaker)
    {
        _metrics.Failed(operation);
        breaker.RecordFailure();
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Redis degraded: circuit opened after repeated failures; cache bypassed and limits local")]
    private static partial void LogCircuitOpened(ILogger logger);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Redis recovered: circuit closed, shared cache and limits resumed")]
    private static partial void LogCircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Redis Cluster partly degraded: a master keeps failing; tenants in its hash slots bypass the cache and use local limits, all others are unaffected")]
    private static partial void LogSlotsDegraded(ILogger logger);

    [LoggerMessage(EventId = 513, Level = LogLevel.Information, Message = "Redis Cluster recovered: every hash slot answers again, shared cache and limits resumed for all tenants")]
    private static partial void LogSlotsRecovered(ILogger logger);
}
