using System.Text.Json.Serialization;

namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>The request body: <c>{"model", "input", "dimensions"?}</c>.</summary>
internal sealed record EmbeddingsRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("input")] string[] Input,
    [property: JsonPropertyName("dimensions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Dimensions);

/// <summary>The response body: <c>{"data": [...], "model", "usage"}</c>.</summary>
internal sealed record EmbeddingsResponse(
    [property: JsonPropertyName("data")] List<EmbeddingsItem>? Data,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("usage")] EmbeddingsUsage? Usage);

/// <summary>One vector of the response.</summary>
internal sealed record EmbeddingsItem(
    [property: JsonPropertyName("embedding")] float[]? Embedding,
    [property: JsonPropertyName("index")] int? Index);

/// <summary>Token counts, when the service reports them.</summary>
internal sealed record EmbeddingsUsage(
    [property: JsonPropertyName("prompt_tokens")] long? PromptTokens,
    [property: JsonPropertyName("total_tokens")] long? TotalTokens);

/// <summary>Source-generated serialization of the wire types.</summary>
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(EmbeddingsResponse))]
internal sealed partial class EmbeddingsJsonContext : JsonSerializerContext;
