using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>
/// One pub/sub subscription on the shared connection: made once the multiplexer exists, retried at most once a second
/// after a failure, and re-established by the multiplexer itself after a reconnect. Callers call
/// <see cref="EnsureSubscribed"/> wherever they use what the channel announces; it costs two reads once subscribed.
/// </summary>
internal sealed partial class RedisSubscription
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private readonly RedisGuard _guard;
    private readonly RedisChannel _channel;
    private readonly Action<RedisChannel, RedisValue> _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _state;
    private long _lastAttempt;

    /// <summary>Creates the subscription (not yet made) of <paramref name="handler"/> to <paramref name="channel"/>.</summary>
    public RedisSubscription(RedisGuard guard, string channel, Action<RedisChannel, RedisValue> handler, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _guard = guard;
        _channel = RedisChannel.Literal(channel);
        _handler = handler;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether announcements are being received.</summary>
    public bool IsSubscribed => Volatile.Read(ref _state) == 2;

    /// <summary>Subscribes when not subscribed yet and the multiplexer exists; never waits for Redis.</summary>
    public void EnsureSubscribed()
    {
        if (Volatile.Read(ref _state) != 0 || _guard.Multiplexer is not { } multiplexer)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastAttempt);
        if (last != 0 && _time.GetElapsedTime(last, now) < Retry)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            Interlocked.Exchange(ref _lastAttempt, now);
            _ = SubscribeAsync(multiplexer);
        }
    }

    private async Task SubscribeAsync(IConnectionMultiplexer multiplexer)
    {
        try
        {
            await multiplexer.GetSubscriber().SubscribeAsync(_channel, _handler).ConfigureAwait(false);
            Volatile.Write(ref _state, 2);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogSubscribeFailed(_logger, _channel.ToString(), ex.Message);
            Volatile.Write(ref _state, 0);
        }
    }

    [LoggerMessage(EventId = 514, Level = LogLevel.Warning, Message = "Could not subscribe to the Redis channel {Channel} ({Reason}); its announcements are replaced by re-reading every second until it works")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, string reason);
}
