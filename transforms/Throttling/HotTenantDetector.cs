using System.Collections.Concurrent;
using Gateway.Config.Reload;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Flags tenants that use <c>Gateway:Throttling:HotThreshold</c> (default 80%) or more of their limit, measured as
/// the rate of requests offered (admitted and refused) over a sliding window of <c>HotWindowSeconds</c>.
/// One log event per transition, with the rate and the limit.
/// </summary>
/// <remarks>
/// Each node measures the traffic it sees and compares it with its share of the limit
/// (<c>MaxQps / ExpectedNodes</c>), which is right when a load balancer spreads a tenant evenly. A tenant stays hot
/// until it drops below 90% of the threshold, so a rate hovering at the threshold does not flap.
/// </remarks>
internal sealed partial class HotTenantDetector
{
    /// <summary>Share of the threshold below which a hot tenant is no longer hot.</summary>
    public const double ExitRatio = 0.9;

    private readonly ConcurrentDictionary<string, TenantTraffic> _tenants = new(StringComparer.Ordinal);
    private readonly IGatewaySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<HotTenantDetector> _logger;

    /// <summary>Creates the detector.</summary>
    public HotTenantDetector(IGatewaySettings settings, TimeProvider time, ILogger<HotTenantDetector> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    /// <summary>Counts one request offered by <paramref name="tenantId"/>, admitted or not.</summary>
    public void Record(string tenantId, int windowSeconds)
    {
        var traffic = _tenants.GetOrAdd(tenantId, static (_, w) => new TenantTraffic(w), windowSeconds);
        if (traffic.Window.WindowSeconds != windowSeconds)
        {
            // The window length was reloaded; start measuring afresh rather than mixing two window lengths.
            var fresh = new TenantTraffic(windowSeconds) { Hot = traffic.Hot };
            traffic = _tenants.TryUpdate(tenantId, fresh, traffic) ? fresh : _tenants.GetOrAdd(tenantId, fresh);
        }

        traffic.Window.Record(_time.GetTimestamp(), _time.TimestampFrequency);
    }

    /// <summary>The tenant's state as of the last <see cref="Evaluate"/>.</summary>
    public HotTenantState Get(string tenantId) =>
        _tenants.TryGetValue(tenantId, out var traffic)
            ? new HotTenantState(traffic.Hot, traffic.Rate, traffic.Limit, traffic.Utilization)
            : default;

    /// <summary>Recomputes every tenant's rate, logs transitions and forgets tenants that went idle. Called once a second.</summary>
    public void Evaluate()
    {
        var settings = _settings.Current;
        var throttling = settings.Options.Throttling;
        var now = _time.GetTimestamp();
        var frequency = _time.TimestampFrequency;
        foreach (var (tenantId, traffic) in _tenants)
        {
            if (!settings.Table.TryResolve(tenantId, out var tenant))
            {
                _tenants.TryRemove(tenantId, out _);
                continue;
            }

            var limit = (double)tenant.Tier.MaxQps / throttling.ExpectedNodes;
            var rate = traffic.Window.Rate(now, frequency);
            var utilization = rate / limit;
            traffic.Rate = rate;
            traffic.Limit = limit;
            traffic.Utilization = utilization;

            var threshold = traffic.Hot ? throttling.HotThreshold * ExitRatio : throttling.HotThreshold;
            var hot = utilization >= threshold;
            if (hot != traffic.Hot)
            {
                traffic.Hot = hot;
                if (hot)
                {
                    LogHot(_logger, tenantId, tenant.Tier.Name, rate, traffic.Window.WindowSeconds, utilization, limit);
                }
                else
                {
                    LogCooled(_logger, tenantId, tenant.Tier.Name, rate, traffic.Window.WindowSeconds, utilization, limit);
                }
            }

            if (!traffic.Hot && traffic.Window.IsIdle(now, frequency))
            {
                _tenants.TryRemove(tenantId, out _);
            }
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning,
        Message = "Hot tenant {TenantId} ({Tier}): {Rate:F1} req/s over the last {WindowSeconds} s is {Utilization:P0} of its {Limit:F1} req/s limit")]
    private static partial void LogHot(ILogger logger, string tenantId, string tier, double rate, int windowSeconds, double utilization, double limit);

    [LoggerMessage(EventId = 411, Level = LogLevel.Information,
        Message = "Tenant {TenantId} ({Tier}) no longer hot: {Rate:F1} req/s over the last {WindowSeconds} s is {Utilization:P0} of its {Limit:F1} req/s limit")]
    private static partial void LogCooled(ILogger logger, string tenantId, string tier, double rate, int windowSeconds, double utilization, double limit);

    /// <summary>One tenant's offered requests over the window, and the figures of the last evaluation.</summary>
    private sealed class TenantTraffic(int windowSeconds)
    {
        public SlidingRateWindow Window { get; } = new(windowSeconds);

        public volatile bool Hot;

        public double Rate;

        public double Limit;

        public double Utilization;
    }
}
