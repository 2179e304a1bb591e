using Gateway.Config.Options;
using Gateway.Config.Tiers;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Tenants</c> and <c>Gateway:DefaultTier</c>: valid tenant ids, each mapped to a defined tier.</summary>
internal sealed class TenantsValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        foreach (var (tenantId, tenant) in options.Tenants)
        {
            var key = $"{GatewayOptionsValidator.Root}:Tenants:{tenantId}";
            if (!TenantId.IsValid(tenantId))
            {
                errors.Add($"{key}: tenant ids are 1-{TenantId.MaxLength} letters, digits, '.', '_' or '-'.");
            }

            if (tenant is null || string.IsNullOrWhiteSpace(tenant.Tier))
            {
                errors.Add($"{key}:Tier is missing.");
            }
            else if (!options.Tiers.ContainsKey(tenant.Tier))
            {
                errors.Add($"{key}:Tier '{tenant.Tier}' is not a defined tier ({string.Join(", ", options.Tiers.Keys)}).");
            }
        }

        if (!string.IsNullOrEmpty(options.DefaultTier) && !options.Tiers.ContainsKey(options.DefaultTier))
        {
            errors.Add($"{GatewayOptionsValidator.Root}:DefaultTier '{options.DefaultTier}' is not a defined tier.");
        }
    }
}
