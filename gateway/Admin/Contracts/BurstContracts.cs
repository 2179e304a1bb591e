namespace Gateway.Admin.Contracts;

/// <summary><c>POST /admin/tenants/{tenant}/burst</c> body.</summary>
/// <param name="Factor">What the tenant's limit is multiplied by: above 1, at most its tier's <c>MaxBurstFactor</c>.</param>
/// <param name="DurationSeconds">How long the grant lasts: 1 to 86400.</param>
public sealed record BurstRequest(double Factor, int DurationSeconds);

/// <summary>Answer of a burst grant or of its end.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="MaxQps">The tier's limit.</param>
/// <param name="EffectiveMaxQps">The limit every node applies from now on (within a second), auto-throttle aside.</param>
/// <param name="Burst">The grant now in force; null after it ended.</param>
/// <param name="Message">What happened, for a person.</param>
public sealed record BurstResponse(string TenantId, string Tier, int MaxQps, double EffectiveMaxQps, BurstView? Burst, string Message);
