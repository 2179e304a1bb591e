namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>A temporary raise of one tenant's limit, granted by a platform admin and shared by every node.</summary>
/// <param name="Factor">What the tenant's limit is multiplied by while the grant lasts (above 1, at most its tier's <c>MaxBurstFactor</c>).</param>
/// <param name="ExpiresAt">When the grant ends by itself.</param>
/// <param name="GrantedAt">When it was granted.</param>
/// <param name="GrantedBy">Subject of the admin token that granted it.</param>
public sealed record BurstGrant(double Factor, DateTimeOffset ExpiresAt, DateTimeOffset GrantedAt, string? GrantedBy);
