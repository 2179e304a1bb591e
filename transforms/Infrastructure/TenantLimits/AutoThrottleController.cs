using System.Collections.Concurrent;
using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>
/// Lowers the limit of a tenant whose upstream slot-time starves the others. The fair queue reports offences through
/// <see cref="IAutoThrottle"/> (a tenant holding more than <c>AutoThrottleShare</c> of a cluster's recent slot-time,
/// wanting more, while others wait), whatever the tenant's request rate: a tenant of slow queries well under its QPS
/// limit offends as surely as a flood.
/// </summary>
/// <remarks>
/// <para>
/// On the first offence the tenant's limit becomes <c>AutoThrottleFactor</c> times the lower of its tier's rate and the
/// rate it was sending (the fair queue's per-node figure times <c>Throttling:ExpectedNodes</c>), so the throttle bites
/// even below the tier's limit. If it still offends <see cref="TightenInterval"/> later, the limit is lowered again by
/// the factor, never below <see cref="MinimumRate"/>. The tenant gets its full limit back once it has not offended for
/// <c>AutoThrottleCooldownSeconds</c>. Start, tightening and end are logged with the limits before and after; while
/// throttled the tenant's <see cref="EffectiveLimit"/> carries the lowered rate (see <see cref="TenantLimitPolicy"/>).
/// </para>
/// <para>All time comes from the injected <see cref="TimeProvider"/>, so tests drive the cool-down.</para>
/// </remarks>
internal sealed partial class AutoThrottleController : IAutoThrottle
{
    /// <summary>Time a throttled tenant must keep offending before its limit is lowered again.</summary>
    public static readonly TimeSpan TightenInterval = TimeSpan.FromSeconds(5);

    /// <summary>Lowest limit the auto-throttle sets, in requests per second: a throttled tenant is slowed, never shut out.</summary>
    public const double MinimumRate = 1;

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
    public void ReportOffense(string tenantId, Tier tier, double slotTimeShare, double offeredRate)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(tier);
        var options = _settings.Current.Options;
        var factor = options.Fairness.AutoThrottleFactor;
        var sending = offeredRate * Math.Max(1, options.Throttling.ExpectedNodes);
        var entry = _entries.GetOrAdd(tenantId, static _ => new Entry());
        var now = _time.GetTimestamp();
        double before;
        double after;
        bool engaged;
        lock (entry)
        {
            entry.LastOffense = now;
            engaged = !entry.Throttled;
            if (engaged)
            {
                before = tier.MaxQps;
                entry.Throttled = true;
                entry.Since = now;
                entry.Tier = tier;
            }
            else if (_time.GetElapsedTime(entry.LastChange, now) >= TightenInterval && entry.Rate > MinimumRate)
            {
                before = entry.Rate;
            }
            else
            {
                return;
            }

            var basis = sending > 0 ? Math.Min(sending, before) : before;
            after = Math.Clamp(basis * factor, Math.Min(MinimumRate, tier.MaxQps), tier.MaxQps);
            entry.Rate = after;
            entry.LastChange = now;
        }

        var sharePct = Math.Round(slotTimeShare * 100);
        after = Math.Round(after, 2);
        if (engaged)
        {
            var sendingRate = Math.Round(sending, 1);
            LogEngaged(_logger, tenantId, tier.Name, sharePct, sendingRate, before, after);
        }
        else
        {
            before = Math.Round(before, 2);
            LogTightened(_logger, tenantId, tier.Name, sharePct, before, after);
        }
    }

    /// <summary>Whether <paramref name="tenantId"/> is throttled now; releases it first when its cool-down has passed.</summary>
    public bool IsThrottled(string tenantId) => ThrottledRate(tenantId) is not null;

    /// <summary>The rate <paramref name="tenantId"/> is held to while throttled, or null; releases it first when its cool-down has passed.</summary>
    public double? ThrottledRate(string tenantId)
    {
        if (!_entries.TryGetValue(tenantId, out var entry) || !entry.Throttled)
        {
            return null;
        }

        if (TryRelease(tenantId, entry, _settings.Current.Options.Fairness.AutoThrottleCooldownSeconds))
        {
            return null;
        }

        lock (entry)
        {
            return entry.Throttled ? entry.Rate : null;
        }
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

    private bool TryRelease(string tenantId, Entry entry, int cooldownSeconds)
    {
        Tier? tier;
        TimeSpan throttledFor;
        double limitBefore;
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
            limitBefore = Math.Round(entry.Rate, 2);
            throttledFor = _time.GetElapsedTime(entry.Since, now);
        }

        if (tier is not null)
        {
            LogReleased(_logger, tenantId, tier.Name, cooldownSeconds, throttledFor.TotalSeconds, limitBefore, tier.MaxQps);
        }

        return true;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Warning,
        Message = "Auto-throttle on for tenant {TenantId} ({Tier}): held {SharePct}% of an upstream's slot-time while other tenants waited, sending {SendingRate} req/s; limit {LimitBefore} -> {LimitAfter} req/s")]
    private static partial void LogEngaged(ILogger logger, string tenantId, string tier, double sharePct, double sendingRate, double limitBefore, double limitAfter);

    [LoggerMessage(EventId = 422, Level = LogLevel.Warning,
        Message = "Auto-throttle tightened for tenant {TenantId} ({Tier}): still held {SharePct}% of an upstream's slot-time while other tenants waited; limit {LimitBefore} -> {LimitAfter} req/s")]
    private static partial void LogTightened(ILogger logger, string tenantId, string tier, double sharePct, double limitBefore, double limitAfter);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information,
        Message = "Auto-throttle off for tenant {TenantId} ({Tier}): no excess slot-time for {CooldownSeconds} s after {ThrottledSeconds:F0} s throttled; limit {LimitBefore} -> {LimitAfter} req/s")]
    private static partial void LogReleased(ILogger logger, string tenantId, string tier, int cooldownSeconds, double throttledSeconds, double limitBefore, double limitAfter);

    private sealed class Entry
    {
        public volatile bool Throttled;

        public long LastOffense;

        public long LastChange;

        public long Since;

        public double Rate;

        public Tier? Tier;
    }
}
