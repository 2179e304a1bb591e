namespace Gateway.Config.Options;

/// <summary>One tier of service: <c>Gateway:Tiers:{name}</c>.</summary>
public sealed class TierOptions
{
    /// <summary>Hard end-to-end timeout, counted from the request's arrival at the gateway.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>Time to live of cached responses.</summary>
    public int CacheTtlSeconds { get; set; }

    /// <summary>Admitted requests per second, across all gateway nodes.</summary>
    public int MaxQps { get; set; }

    /// <summary>Extra requests admitted at once above the steady rate; defaults to one second's worth of <see cref="MaxQps"/> divided by ten.</summary>
    public int? Burst { get; set; }

    /// <summary>Cache quota as a size string such as <c>40GB</c> or <c>512KB</c> (binary units).</summary>
    public string CacheQuota { get; set; } = "";

    /// <summary>Weight of this tier in the fair upstream queue.</summary>
    public int? FairShareWeight { get; set; }

    /// <summary>
    /// Hard cap on a tenant's requests in flight to one cluster from one node, whatever its share; unset means only the
    /// weighted share applies.
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Longest life of a streamed (<c>text/event-stream</c>) answer, counted from its first byte; the gateway then ends it cleanly.</summary>
    public int MaxStreamSeconds { get; set; } = DefaultMaxStreamSeconds;

    /// <summary>Default of <see cref="MaxStreamSeconds"/>: two minutes, ample for a generated answer, short enough that a held stream returns its slot.</summary>
    public const int DefaultMaxStreamSeconds = 120;

    /// <summary>
    /// Largest factor a platform admin may multiply this tier's limit by with a temporary burst grant
    /// (<c>POST /admin/tenants/{id}/burst</c>); defaults to <see cref="DefaultMaxBurstFactor"/>. 1 forbids grants.
    /// </summary>
    public double? MaxBurstFactor { get; set; }

    /// <summary>Default of <see cref="MaxBurstFactor"/>: the "temporary 2x QPS" a tenant can be sold.</summary>
    public const double DefaultMaxBurstFactor = 2;

    /// <summary>Highest <see cref="MaxBurstFactor"/> the configuration accepts.</summary>
    public const double MaxBurstFactorLimit = 10;

    /// <summary>The SPEC §2 table.</summary>
    public static Dictionary<string, TierOptions> CreateDefaults() => new(StringComparer.Ordinal)
    {
        ["platinum"] = new() { TimeoutMs = 200, CacheTtlSeconds = 3600, MaxQps = 1000, CacheQuota = "40GB", FairShareWeight = 4 },
        ["gold"] = new() { TimeoutMs = 500, CacheTtlSeconds = 1800, MaxQps = 500, CacheQuota = "20GB", FairShareWeight = 2 },
        ["silver"] = new() { TimeoutMs = 1000, CacheTtlSeconds = 900, MaxQps = 200, CacheQuota = "10GB", FairShareWeight = 1 },
    };
}
