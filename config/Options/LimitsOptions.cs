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
}
