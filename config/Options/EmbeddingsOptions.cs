namespace Gateway.Config.Options;

/// <summary>
/// The <c>Gateway:Embeddings</c> section: the embedding provider of the semantic cache and each node's vector index.
/// Only used when a route sets <c>"SemanticCache": "true"</c>. The provider, its dimensions, concurrency, breaker and
/// index bounds are read at start-up; <see cref="BudgetMs"/> and <see cref="MaxQueryChars"/> follow reloads.
/// </summary>
public sealed class EmbeddingsOptions
{
    /// <summary>Dimensions of the embedded all-MiniLM-L6-v2 model.</summary>
    public const int EmbeddedDimensions = 384;

    /// <summary>Base URL of an OpenAI-compatible embeddings service; empty selects the embedded MiniLM model.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Path appended to <see cref="Endpoint"/>.</summary>
    public string Path { get; set; } = "/v1/embeddings";

    /// <summary>Model name sent as <c>"model"</c> to the service.</summary>
    public string Model { get; set; } = "text-embedding-3-small";

    /// <summary>Optional bearer token for the service; never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Length of the service's vectors; ignored for the embedded model (384). A vector of another length is a provider failure.</summary>
    public int Dimensions { get; set; } = EmbeddedDimensions;

    /// <summary>
    /// Most time one lookup may spend embedding, queueing included; the semantic step also never takes more than half
    /// of the time left before the tier deadline. Past it the lookup is skipped and the request goes upstream.
    /// </summary>
    public int BudgetMs { get; set; } = 50;

    /// <summary>Consecutive failures (errors or budget overruns) that open the provider's circuit.</summary>
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>How long an open circuit skips the provider before one probe call.</summary>
    public int BreakerCooldownMs { get; set; } = 30_000;

    /// <summary>Query texts longer than this are not embedded (MiniLM truncates at 512 tokens, which would make long texts that differ after the cut look alike).</summary>
    public int MaxQueryChars { get; set; } = 1_000;

    /// <summary>Threads that run the embedded model (dedicated, off the thread pool); 0 means half the cores, at least one.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>Most vectors one node keeps per tenant; the oldest go first.</summary>
    public int MaxVectorsPerTenant { get; set; } = 20_000;

    /// <summary>Most bytes (vectors and bookkeeping) one node keeps per tenant.</summary>
    public long MaxIndexBytesPerTenant { get; set; } = 64L * 1024 * 1024;
}
