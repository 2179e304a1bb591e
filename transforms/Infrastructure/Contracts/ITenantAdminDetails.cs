using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.Contracts;

/// <summary>Adds fields to <c>GET /admin/tiers/{tenant}</c> (for example the throttling state).</summary>
public interface ITenantAdminDetails
{
    /// <summary>Adds this component's fields for <paramref name="tenant"/>.</summary>
    void Describe(TenantTier tenant, IDictionary<string, object?> body);
}
