using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary><c>gateway.tenant.burst_factor</c>: the burst grant's factor of every configured tenant (1 without a grant), per node.</summary>
internal static class BurstGrantMetrics
{
    /// <summary>Creates the gauge over <paramref name="grants"/>' copies of the tenants in <paramref name="settings"/>' table.</summary>
    public static void Create(IMeterFactory meterFactory, IGatewaySettings settings, BurstGrants grants)
    {
        var meter = GatewayMeter.Create(meterFactory);
        meter.CreateObservableGauge("gateway.tenant.burst_factor", () => Observe(settings, grants), "1",
            "Factor of the tenant's burst grant in force (1 without one).");
    }

    private static IEnumerable<Measurement<double>> Observe(IGatewaySettings settings, BurstGrants grants)
    {
        var table = settings.Current.Table;
        foreach (var tenantId in table.TenantIds)
        {
            if (table.TryResolve(tenantId, out var tenant))
            {
                yield return new Measurement<double>(grants.Factor(tenantId), GatewayMeter.TenantTags(tenantId, tenant.Tier.Name));
            }
        }
    }
}
