using System.Collections.Concurrent;
using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>
/// Lowers the limit of a tenant that holds more than its share of an upstream while the upstream is saturated.
/// The fair queue reports offences through <see cref="IAutoThrottle"/>; while throttled the tenant's
/// <see cref="EffectiveLimit"/> carries <c>Gateway:Fairness:AutoThrottleFactor</c> (see <see cref="TenantLimitPolicy"/>).
/// The tenant gets its full limit back once it has not offended for <c>AutoThrottleCooldownSeconds</c>. Start and end
/// are logged with the limit before and after.
/// </summary>
/// <remarks>All time comes from the injected <see cref="TimeProvider"/>, so tests drive the cool-down.</remarks>
internal sealed partial class AutoThrottleController : IAutoThrottle
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IGatewaySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<AutoThrottleController> _logger;

    /// <summary>Creates the controller.</summary>
    public AutoThrottleController(IGatewaySettings settings, TimeProvider time, ILogger<AutoThrottleController> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public void ReportOffense(string tenantId, Tier tier, int inFlight, int capacity)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(tier);
        var entry = _entries.GetOrAdd(tenantId, static _ => new Entry());
        var now = _time.GetTimestamp();
        bool engaged;
        lock (entry)
        {
            entry.LastOffense = now;
            engaged = !entry.Throttled;
            if (engaged)
            {
                entry.Throttled = true;
                entry.Since = now;
                entry.Tier = tier;
            }
        }

        if (engaged)
        {
            var limitAfter = Throttled(tier).Rate;
            LogEngaged(_logger, tenantId, tier.Name, inFlight, capacity, tier.MaxQps, limitAfter);
        }
    }

    /// <summary>Whether <paramref name="tenantId"/> is throttled now; releases it first when its cool-down has passed.</summary>
    public bool IsThrottled(string tenantId)
    {
        if (!_entries.TryGetValue(tenantId, out var entry) || !entry.Throttled)
        {
            return false;
        }

        return !TryRelease(tenantId, entry, _settings.Current.Options.Fairness.AutoThrottleCooldownSeconds);
    }

    /// <summary>Releases every tenant whose cool-down has passed. Called once a second.</summary>
    public void Evaluate()
    {
        var cooldown = _settings.Current.Options.Fairness.AutoThrottleCooldownSeconds;
        foreach (var (tenantId, entry) in _entries)
        {
            if (entry.Throttled)
            {
                TryRelease(tenantId, entry, cooldown);
            }
            else
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(tenantId, entry));
            }
        }
    }

    private EffectiveLimit Throttled(Tier tier) => EffectiveLimit.Of(tier, _settings.Current.Options.Fairness.AutoThrottleFactor, autoThrottled: true);

    private bool TryRelease(string tenantId, Entry entry, int cooldownSeconds)
    {
        Tier? tier;
        TimeSpan throttledFor;
        lock (entry)
        {
            if (!entry.Throttled)
            {
                return true;
            }

            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(entry.LastOffense, now) < TimeSpan.FromSeconds(cooldownSeconds))
            {
                return false;
            }

            entry.Throttled = false;
            tier = entry.Tier;
            throttledFor = _time.GetElapsedTime(entry.Since, now);
        }

        if (tier is not null)
        {
            var limitBefore = Throttled(tier).Rate;
            LogReleased(_logger, tenantId, tier.Name, cooldownSeconds, throttledFor.TotalSeconds, limitBefore, tier.MaxQps);
        }

        return true;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Warning,
        Message = "Auto-throttle on for tenant {TenantId} ({Tier}): held {InFlight} of {Capacity} upstream slots while other tenants waited; limit {LimitBefore} -> {LimitAfter} req/s")]
    private static partial void LogEngaged(ILogger logger, string tenantId, string tier, int inFlight, int capacity, double limitBefore, double limitAfter);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information,
        Message = "Auto-throttle off for tenant {TenantId} ({Tier}): no excess share for {CooldownSeconds} s after {ThrottledSeconds:F0} s throttled; limit {LimitBefore} -> {LimitAfter} req/s")]
    private static partial void LogReleased(ILogger logger, string tenantId, string tier, int cooldownSeconds, double throttledSeconds, double limitBefore, double limitAfter);

    private sealed class Entry
    {
        public volatile bool Throttled;

        public long LastOffense;

        public long Since;

        public Tier? Tier;
    }
}
