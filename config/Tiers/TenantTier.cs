namespace Gateway.Config.Tiers;

/// <summary>A tenant together with the tier it currently resolves to.</summary>
public readonly record struct TenantTier(string TenantId, Tier Tier, bool ViaDefaultTier);
