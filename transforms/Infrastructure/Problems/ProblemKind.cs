namespace Gateway.Transforms.Infrastructure.Problems;

/// <summary>The kinds of error the gateway answers with; each has a stable problem <c>type</c> URI.</summary>
public enum ProblemKind
{
    /// <summary>400: the request itself is malformed.</summary>
    BadRequest,

    /// <summary>401: missing or invalid bearer token.</summary>
    Unauthorized,

    /// <summary>403: the token is valid but may not do this (unknown tenant, other tenant's admin data).</summary>
    Forbidden,

    /// <summary>404: no such resource.</summary>
    NotFound,

    /// <summary>405: the resource exists but not for this method (the answer lists the allowed ones in <c>Allow</c>).</summary>
    MethodNotAllowed,

    /// <summary>408: the request body did not arrive in time.</summary>
    RequestTimeout,

    /// <summary>413: request body over the configured cap.</summary>
    PayloadTooLarge,

    /// <summary>429: tenant over its rate limit.</summary>
    RateLimited,

    /// <summary>502: the upstream failed.</summary>
    UpstreamError,

    /// <summary>503: shed by the fair queue because the deadline could not be met.</summary>
    Shed,

    /// <summary>503: the node's budget for buffered request bodies, or the tenant's share of it, is spent.</summary>
    BufferFull,

    /// <summary>503: a dependency (the shared store) is unavailable.</summary>
    StoreUnavailable,

    /// <summary>504: the tier's hard timeout passed.</summary>
    Timeout,

    /// <summary>500: a bug; details are logged, never sent.</summary>
    Internal,
}
