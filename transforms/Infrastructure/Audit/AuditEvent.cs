using System.Text.Json.Serialization;

namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>
/// One entry of the audit trail, written as one JSON line (snake_case names, nulls left out). Admin actions record who
/// did what to which tenant and how it ended; audited cache lookups record who read which entry of the tenant.
/// </summary>
/// <param name="Time">When the action ended.</param>
/// <param name="Action">What was attempted: <c>cache.invalidate</c>, <c>burst.grant</c>, <c>burst.end</c>, <c>cache.access</c>.</param>
/// <param name="Outcome">How it ended, written as <c>result</c>: <c>ok</c>, <c>denied</c> (401/403), <c>rate_limited</c> (429) or <c>error</c> (anything else).</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Actor">The verified token's subject and tenant; null when no valid token was presented.</param>
/// <param name="Scope">The scope the action was allowed by (or, when refused, the strongest the token had); null for none.</param>
/// <param name="TargetTenant">The tenant acted on; null when it could not be read (an unauthenticated call's body is never read).</param>
/// <param name="Parameters">The action's arguments (burst factor and duration, route and key hash of a lookup, ...).</param>
/// <param name="Reason">Why it was refused or failed, as told to the caller.</param>
/// <param name="Client">The caller's address.</param>
public sealed record AuditEvent(
    DateTimeOffset Time,
    string Action,
    [property: JsonPropertyName("result")] string Outcome,
    int? Status,
    AuditActor? Actor,
    string? Scope,
    string? TargetTenant,
    IReadOnlyDictionary<string, object?>? Parameters = null,
    string? Reason = null,
    string? Client = null);

/// <summary>Who acted: the token's <c>sub</c> and tenant claim (null for a platform token without one).</summary>
public sealed record AuditActor(string? Subject, string? Tenant);
