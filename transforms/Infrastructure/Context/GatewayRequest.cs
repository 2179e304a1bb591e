using Gateway.Config.Settings;
using Gateway.Config.Tiers;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>
/// Per-request state shared by the stages, stored as an HTTP feature. Created at the edge before
/// routing; the tenant fields are filled in once the token has been verified.
/// </summary>
public sealed class GatewayRequest
{
    /// <summary>Label used for tenants that are not in the configured table, so label cardinality stays bounded.</summary>
    public const string UnknownLabel = "unknown";

    /// <summary>Creates the state for a request that arrived at <paramref name="arrivalTimestamp"/>.</summary>
    public GatewayRequest(GatewaySettings settings, long arrivalTimestamp)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        ArrivalTimestamp = arrivalTimestamp;
    }

    /// <summary>Settings snapshot taken when the request arrived; a reload never changes it mid-request.</summary>
    public GatewaySettings Settings { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> at arrival: the tier deadline counts from here.</summary>
    public long ArrivalTimestamp { get; }

    /// <summary>The client connection's abort token, kept because stages replace <c>HttpContext.RequestAborted</c> with the deadline.</summary>
    public CancellationToken ClientAborted { get; init; }

    /// <summary>Verified tenant id, or null before authentication.</summary>
    public string? TenantId { get; private set; }

    /// <summary>The tenant's tier, or null before authentication.</summary>
    public Tier? Tier { get; private set; }

    /// <summary>Subject (<c>sub</c>) of the verified token.</summary>
    public string? Subject { get; private set; }

    /// <summary>Tenant label for metrics: the id when it is in the configured table, otherwise <see cref="UnknownLabel"/>.</summary>
    public string TenantLabel { get; private set; } = UnknownLabel;

    /// <summary>Tier label for metrics.</summary>
    public string TierLabel => Tier?.Name ?? UnknownLabel;

    /// <summary>YARP route id once routing has happened.</summary>
    public string? RouteId { get; set; }

    /// <summary>How the request ended, when a stage decided it.</summary>
    public RequestOutcome Outcome { get; set; }

    /// <summary>
    /// A stage wrote the whole response itself (a cache hit, a coalesced replay): the tier deadline passing afterwards
    /// does not replace it with a 504.
    /// </summary>
    public bool ResponseCompleted { get; set; }

    /// <summary>What the cache did, for telemetry; <see cref="CacheResult.None"/> when the route does not cache.</summary>
    public CacheResult CacheResult { get; set; }

    /// <summary>What the rate limiter decided, for telemetry; <see cref="ThrottleDecision.None"/> before (or without) throttling.</summary>
    public ThrottleDecision ThrottleDecision { get; set; }

    /// <summary>
    /// The gateway ended a streamed answer before the upstream did (its maximum duration or idle time): the client saw a
    /// clean end, but the answer is incomplete and must not be cached.
    /// </summary>
    public bool StreamCutShort { get; set; }

    /// <summary>The source of the tier deadline while the deadline stage runs (it disarms it for a starting event stream).</summary>
    internal CancellationTokenSource? Deadline { get; set; }

    /// <summary>The cache key's SHA-256 (hex) once the cache stage has computed it; null on routes that do not cache or that bypassed early.</summary>
    public string? CacheKeyHash { get; set; }

    /// <summary>The request body when a stage had to buffer it; later stages reuse it instead of reading again.</summary>
    public ReadOnlyMemory<byte>? BufferedBody { get; set; }

    /// <summary>Records the verified tenant.</summary>
    public void SetTenant(TenantTier tenant, string? subject)
    {
        TenantId = tenant.TenantId;
        Tier = tenant.Tier;
        Subject = subject;
        TenantLabel = tenant.ViaDefaultTier && !Settings.Table.IsKnownTenant(tenant.TenantId)
            ? UnknownLabel
            : tenant.TenantId;
    }

    /// <summary>Time left until the tier deadline.</summary>
    public TimeSpan Remaining(TimeProvider time) =>
        Tier is null ? Timeout.InfiniteTimeSpan : Tier.Timeout - time.GetElapsedTime(ArrivalTimestamp);
}
