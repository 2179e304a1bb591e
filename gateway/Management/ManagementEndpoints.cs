namespace Gateway.Management;

/// <summary>Which listeners an endpoint answers on; endpoints without it (the proxy routes) answer on the proxy listener only.</summary>
internal sealed class ServedOn
{
    private ServedOn(bool managementOnly)
    {
        ManagementOnly = managementOnly;
    }

    /// <summary>Operator endpoints: the management listener only (the proxy listener when none is configured).</summary>
    public static ServedOn Management { get; } = new(managementOnly: true);

    /// <summary>Health endpoints: every listener.</summary>
    public static ServedOn Every { get; } = new(managementOnly: false);

    /// <summary>True for <see cref="Management"/>.</summary>
    public bool ManagementOnly { get; }
}

/// <summary>The one place operator endpoints are mapped from.</summary>
internal static class ManagementEndpoints
{
    /// <summary>
    /// A route group for operator endpoints (<c>/admin</c>, <c>/metrics</c>, and any console or API description added
    /// later). Whatever is mapped on it answers only on the management listener when <c>Gateway:Management:Urls</c> is
    /// set; the first path segment of each of its routes is reserved, so an unmatched path under it (wrong method, double
    /// slash, unknown action, other case or encoding) is answered 404/405 by the gateway and never proxied.
    /// </summary>
    public static RouteGroupBuilder MapManagement(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");
        group.WithMetadata(ServedOn.Management);
        return group;
    }

    /// <summary>A route group for endpoints every listener answers (<c>/healthz</c>, <c>/readyz</c>).</summary>
    public static RouteGroupBuilder MapOnEveryListener(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");
        group.WithMetadata(ServedOn.Every);
        return group;
    }
}
