namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>The values of <see cref="AuditEvent.Outcome"/>.</summary>
public static class AuditResults
{
    /// <summary>Done.</summary>
    public const string Ok = "ok";

    /// <summary>Refused: no valid token (401) or not allowed (403).</summary>
    public const string Denied = "denied";

    /// <summary>Refused by the per-tenant admin write limit (429).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Anything else: a malformed request, an unknown tenant, the store unavailable.</summary>
    public const string Error = "error";

    /// <summary>The result an HTTP <paramref name="status"/> stands for.</summary>
    public static string ForStatus(int status) => status switch
    {
        >= 200 and < 300 => Ok,
        401 or 403 => Denied,
        429 => RateLimited,
        _ => Error,
    };
}
