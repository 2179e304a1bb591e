namespace Gateway.Transforms.Tenancy;

/// <summary>Outcome of validating a bearer token.</summary>
public readonly record struct TokenCheck(TenantPrincipal? Principal, string? Failure)
{
    /// <summary>True when the token was accepted.</summary>
    public bool IsValid => Principal is not null;

    /// <summary>An accepted token.</summary>
    public static TokenCheck Valid(TenantPrincipal principal) => new(principal, null);

    /// <summary>A rejected token with a reason safe to show the client.</summary>
    public static TokenCheck Invalid(string reason) => new(null, reason);
}
