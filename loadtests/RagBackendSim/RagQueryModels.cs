using System.Text.Json.Serialization;

namespace RagBackendSim;

/// <summary>Body of <c>POST /query</c>.</summary>
public sealed class RagQueryRequest
{
    /// <summary>The question; required and non-blank.</summary>
    [JsonPropertyName("query")]
    public string? Query { get; set; }

    /// <summary>Documents to return, 1 to 20; 3 when absent.</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    /// <summary>Answer as server-sent events even without <c>Accept: text/event-stream</c>.</summary>
    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }
}

/// <summary>A JSON answer of <c>POST /query</c>; also the payload of the final <c>done</c> event of a streamed answer.</summary>
/// <remarks><see cref="Answer"/> and document ids depend only on tenant and query, so two tenants asking the same thing get different answers.</remarks>
public sealed record RagQueryResponse(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("tier")] string? Tier,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("documents")] IReadOnlyList<RagDocument> Documents,
    [property: JsonPropertyName("served_by")] string ServedBy,
    [property: JsonPropertyName("generated_at")] DateTimeOffset GeneratedAt);

/// <summary>A retrieved document and its similarity score.</summary>
public sealed record RagDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("score")] double Score);

/// <summary>One <c>data:</c> event of a streamed answer; the tokens concatenated in order equal the JSON answer.</summary>
public sealed record RagStreamToken(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("index")] int Index);

/// <summary>Source-generated serializers, so the hot path does no reflection.</summary>
[JsonSerializable(typeof(RagQueryRequest))]
[JsonSerializable(typeof(RagQueryResponse))]
[JsonSerializable(typeof(RagStreamToken))]
[JsonSerializable(typeof(RagBackendStatsSnapshot))]
internal sealed partial class SimJsonContext : JsonSerializerContext;
