using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;

namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>
/// Embeddings from an OpenAI-compatible HTTP service: <c>POST {endpoint}{path}</c> with
/// <c>{"model","input"}</c>, reading <c>data[].embedding</c>.
/// </summary>
/// <remarks>
/// Written over <see cref="HttpClient"/> rather than Microsoft.Extensions.AI.OpenAI because the RAG
/// platforms this talks to (vLLM, TEI, Ollama, LiteLLM, Azure-style proxies) differ in path and
/// auth, several need no key, and the OpenAI SDK requires a key and asks for base64 vectors by default.
/// Timeouts are the caller's: the budget wrapper cancels the token.
/// </remarks>
internal sealed class OpenAiCompatibleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly HttpClient _http;
    private readonly Uri _requestUri;
    private readonly string _model;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates the generator; <paramref name="http"/> belongs to the caller (an <c>IHttpClientFactory</c> client).</summary>
    public OpenAiCompatibleEmbeddingGenerator(HttpClient http, Uri endpoint, string path, string model, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The endpoint must be absolute.", nameof(endpoint));
        }

        _http = http;

        // Concatenate rather than new Uri(base, path): a leading '/' would otherwise drop a base path
        // such as https://rag.example/openai/.
        _requestUri = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/'));
        _model = model;
        _authorization = string.IsNullOrEmpty(apiKey) ? null : new AuthenticationHeaderValue("Bearer", apiKey);
        _metadata = new EmbeddingGeneratorMetadata("openai-compatible", endpoint, model, null);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as string[] ?? values.ToArray();
        if (inputs.Length == 0)
        {
            return [];
        }

        var model = options?.ModelId ?? _model;
        var body = new EmbeddingsRequest(model, inputs, options?.Dimensions);
        using var request = new HttpRequestMessage(HttpMethod.Post, _requestUri)
        {
            Content = JsonContent.Create(body, EmbeddingsJsonContext.Default.EmbeddingsRequest),
        };
        request.Headers.Authorization = _authorization;

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The body is not read into the message: providers echo inputs there, and inputs are user text.
            throw new HttpRequestException($"Embeddings endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        var payload = await response.Content.ReadFromJsonAsync(EmbeddingsJsonContext.Default.EmbeddingsResponse, cancellationToken).ConfigureAwait(false);
        return ToEmbeddings(payload, inputs.Length, model);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => VectorMath.Service(this, _metadata, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient belongs to IHttpClientFactory or the caller.
    }

    private static GeneratedEmbeddings<Embedding<float>> ToEmbeddings(EmbeddingsResponse? payload, int expected, string model)
    {
        if (payload?.Data is not { Count: > 0 } data || data.Count != expected)
        {
            throw new InvalidDataException($"Embeddings endpoint returned {payload?.Data?.Count ?? 0} vectors for {expected} inputs.");
        }

        var ordered = new float[expected][];
        for (var i = 0; i < data.Count; i++)
        {
            // "index" is optional in some servers; fall back to position.
            var index = data[i].Index ?? i;
            if (index < 0 || index >= expected || ordered[index] is not null || data[i].Embedding is not { Length: > 0 } vector)
            {
                throw new InvalidDataException("Embeddings endpoint returned a missing, duplicate or empty vector.");
            }

            if (!VectorMath.TryNormalize(vector))
            {
                throw new InvalidDataException("Embeddings endpoint returned a zero or non-finite vector.");
            }

            ordered[index] = vector;
        }

        var dimensions = ordered[0].Length;
        var result = new GeneratedEmbeddings<Embedding<float>>(expected);
        foreach (var vector in ordered)
        {
            if (vector.Length != dimensions)
            {
                throw new InvalidDataException("Embeddings endpoint returned vectors of different lengths.");
            }

            result.Add(new Embedding<float>(vector) { ModelId = payload.Model ?? model });
        }

        if (payload.Usage is { } usage)
        {
            result.Usage = new UsageDetails { InputTokenCount = usage.PromptTokens, TotalTokenCount = usage.TotalTokens };
        }

        return result;
    }
}
