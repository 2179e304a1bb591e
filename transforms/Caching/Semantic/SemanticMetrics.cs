using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Caching.Semantic;

/// <summary>
/// The semantic cache's series: <c>gateway.cache.semantic.similarity</c> (closest stored query per lookup, by result),
/// <c>gateway.cache.semantic.embedding.duration</c> (by provider and result) and the per-tenant index gauges
/// <c>gateway.cache.semantic.vectors</c> and <c>gateway.cache.semantic.index_size</c>. Semantic hits themselves are
/// <c>result="semantic_hit"</c> in <c>gateway.cache.requests</c>.
/// </summary>
internal sealed class SemanticMetrics
{
    private static readonly IReadOnlyList<double> SimilarityBuckets = [0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0];

    private readonly Histogram<double> _similarity;
    private readonly Histogram<double> _embedding;
    private readonly IGatewaySettings _settings;
    private readonly TenantVectorIndex _index;

    /// <summary>Creates the instruments; the gauges read <paramref name="index"/> when scraped.</summary>
    public SemanticMetrics(IMeterFactory meterFactory, IGatewaySettings settings, TenantVectorIndex index)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(index);
        _settings = settings;
        _index = index;
        var meter = GatewayMeter.Create(meterFactory);
        _similarity = meter.CreateHistogram("gateway.cache.semantic.similarity", "1",
            "Cosine similarity of the closest stored query per semantic lookup, by result: hit, recalled (a repeat answered from the remembered match, without embedding), refused (by the detail guard), below_threshold.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SimilarityBuckets });
        _embedding = meter.CreateDurationHistogram("gateway.cache.semantic.embedding.duration",
            "Time spent embedding a query for the semantic cache, by provider and result (ok or why it was skipped).");
        meter.CreateObservableGauge("gateway.cache.semantic.vectors", () => PerTenant(static s => (long)s.Count), "{vector}", "Vectors this node holds in a tenant's semantic index.");
        meter.CreateObservableGauge("gateway.cache.semantic.index_size", () => PerTenant(static s => s.Bytes), "By", "Bytes of a tenant's semantic index on this node.");
    }

    /// <summary>Records a search's closest similarity; nothing when the context had no stored query.</summary>
    public void Searched(string tenant, float bestSimilarity, bool served, int candidates) =>
        Similarity(tenant, bestSimilarity, served ? "hit" : candidates > 0 ? "refused" : "below_threshold");

    /// <summary>Records a repeat answered from the match remembered for it, without embedding or searching.</summary>
    public void Recalled(string tenant, float similarity) => Similarity(tenant, similarity, "recalled");

    private void Similarity(string tenant, float similarity, string result)
    {
        if (_similarity.Enabled && similarity > 0)
        {
            _similarity.Record(similarity, new TagList { { "tenant", tenant }, { "result", result } });
        }
    }

    /// <summary>Records one embedding attempt.</summary>
    public void Embedded(string provider, EmbeddingOutcome outcome)
    {
        if (_embedding.Enabled)
        {
            _embedding.Record(outcome.Elapsed.TotalSeconds, new TagList { { "provider", provider }, { "result", Label(outcome.SkipReason) } });
        }
    }

    /// <summary>The <c>result</c> label of an embedding: <c>ok</c> or the reason it was skipped.</summary>
    public static string Label(EmbeddingSkipReason reason) => reason switch
    {
        EmbeddingSkipReason.None => "ok",
        EmbeddingSkipReason.NotReady => "not_ready",
        EmbeddingSkipReason.EmptyText => "empty_text",
        EmbeddingSkipReason.TooLong => "too_long",
        EmbeddingSkipReason.NoTimeLeft => "no_time_left",
        EmbeddingSkipReason.BudgetExceeded => "budget_exceeded",
        EmbeddingSkipReason.CircuitOpen => "circuit_open",
        EmbeddingSkipReason.ProviderFailed => "provider_failed",
        _ => "cancelled",
    };

    // Tenants outside the configured table (default tier) are summed under "unknown", as everywhere else.
    private IEnumerable<Measurement<long>> PerTenant(Func<TenantIndexStats, long> select)
    {
        var table = _settings.Current.Table;
        return _index.AllStats()
            .GroupBy(t => table.IsKnownTenant(t.Key) ? t.Key : GatewayRequest.UnknownLabel, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(t => select(t.Value)), new KeyValuePair<string, object?>("tenant", g.Key)));
    }
}
