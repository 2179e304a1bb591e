namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Limits</c> section: request limits at the edge.</summary>
public sealed class LimitsOptions
{
    /// <summary>Largest request body accepted (bytes); larger bodies get 413 before anything is forwarded.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Time a client has to send the request headers.</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Total size of request headers.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    /// <summary>Number of request headers.</summary>
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Size of the request line (method, target, version).</summary>
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// Request-body bytes the node holds in memory at once, all tenants together (bodies buffered for the body limit
    /// and the cache key). Past it, or past a tenant's share of it, a request gets 503 with <c>Retry-After</c>.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Share of <see cref="MaxBufferedBytes"/> one tenant may hold, so one tenant's uploads cannot take the rest's room.</summary>
    public double TenantBufferedShare { get; set; } = 0.25;

    /// <summary>
    /// Bytes Kestrel reads ahead from one connection before the gateway consumes them (read at start-up): Kestrel's
    /// <c>MaxRequestBufferSize</c> and the socket transport's <c>MaxReadBufferSize</c>, both 1 MB by default. With many
    /// connections pushing bodies nobody reads yet that is memory outside the buffered-body budget, kept afterwards in
    /// Kestrel's block pool, so the default here is 64 KB (uploads simply wait on TCP flow control).
    /// </summary>
    public int MaxRequestBufferBytes { get; set; } = 64 * 1024;

    /// <summary>Open connections Kestrel accepts (read at start-up); 0 means no limit.</summary>
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// Slowest request-body upload Kestrel tolerates, in bytes per second after <see cref="MinRequestBodyDataRateGraceSeconds"/>
    /// (read at start-up); 0 turns the check off.
    /// </summary>
    public double MinRequestBodyDataRate { get; set; } = 1024;

    /// <summary>Grace period before <see cref="MinRequestBodyDataRate"/> applies.</summary>
    public int MinRequestBodyDataRateGraceSeconds { get; set; } = 5;

    /// <summary>A streamed answer with no byte from the upstream for this long is ended cleanly.</summary>
    public int StreamIdleSeconds { get; set; } = 30;
}
