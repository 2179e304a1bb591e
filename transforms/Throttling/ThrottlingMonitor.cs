using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.Hosting;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Once a second: re-evaluates hot tenants and auto-throttle cool-downs and publishes every configured tenant's
/// throttle gauges. On reload: forgets local buckets, leases, refusals and gauges of tenants that left the table.
/// </summary>
internal sealed class ThrottlingMonitor : IHostedService, IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly IGatewaySettings _settings;
    private readonly HotTenantDetector _hot;
    private readonly AutoThrottleController _autoThrottle;
    private readonly TenantLimitPolicy _limits;
    private readonly TenantRateLimiter _limiter;
    private readonly ThrottlingMetrics _metrics;
    private readonly TimeProvider _time;
    private ITimer? _timer;

    /// <summary>Creates the monitor.</summary>
    public ThrottlingMonitor(IGatewaySettings settings, HotTenantDetector hot, AutoThrottleController autoThrottle, TenantLimitPolicy limits,
        TenantRateLimiter limiter, ThrottlingMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(hot);
        ArgumentNullException.ThrowIfNull(autoThrottle);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _hot = hot;
        _autoThrottle = autoThrottle;
        _limits = limits;
        _limiter = limiter;
        _metrics = metrics;
        _time = time;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _settings.Changed += OnSettingsChanged;
        _timer = _time.CreateTimer(static state => ((ThrottlingMonitor)state!).Tick(), this, Period, Period);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _settings.Changed -= OnSettingsChanged;
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    /// <summary>One evaluation round.</summary>
    public void Tick()
    {
        _hot.Evaluate();
        _autoThrottle.Evaluate();
        Publish(_settings.Current);
    }

    private void Publish(GatewaySettings settings)
    {
        foreach (var tenantId in settings.Table.TenantIds)
        {
            if (!settings.Table.TryResolve(tenantId, out var tenant))
            {
                continue;
            }

            var hot = _hot.Get(tenantId);
            var limit = _limits.For(tenantId, tenant.Tier, settings);
            _metrics.SetState(tenantId, tenant.Tier.Name, new TenantThrottleState(limit.Rate, hot.Utilization, hot.Hot, limit.AutoThrottled));
        }
    }

    private void OnSettingsChanged(GatewaySettings settings)
    {
        _limiter.Retain(tenantId => settings.Table.TryResolve(tenantId, out _));
        _metrics.RetainTenants(settings.Table.TenantIds.ToHashSet(StringComparer.Ordinal));
    }
}
