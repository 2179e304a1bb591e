namespace Gateway.Admin;

/// <summary>OpenAPI metadata every admin endpoint shares.</summary>
internal static class AdminOpenApi
{
    /// <summary>Declares the 401 and 403 problems every admin endpoint may answer, and <paramref name="statusCodes"/>.</summary>
    public static RouteHandlerBuilder ProducesAdminProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        foreach (var status in statusCodes)
        {
            builder.ProducesProblem(status);
        }

        return builder.WithTags("admin");
    }

    /// <summary>
    /// Describes the JSON body the handler reads itself (after authenticating the caller). Unlike <c>Accepts&lt;T&gt;()</c> it
    /// adds no content-type constraint to routing: a body sent as another type still gets the handler's own 400, not a 415.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) => builder.WithMetadata(new JsonBody(typeof(T)));

    /// <summary>The body an admin endpoint reads, for the OpenAPI document.</summary>
    /// <param name="Type">The body's contract.</param>
    public sealed record JsonBody(Type Type);
}
