using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>One answer of the semantic route as a test sees it.</summary>
/// <param name="Status">Response status.</param>
/// <param name="Cache"><c>X-Cache</c>.</param>
/// <param name="Match"><c>X-Cache-Match</c>, on semantic hits.</param>
/// <param name="Tenant">The tenant the upstream answered for (from the body).</param>
/// <param name="Query">The question the upstream answered (from the body).</param>
/// <param name="Body">The raw body.</param>
/// <param name="Milliseconds">Time to the complete answer.</param>
public sealed record SemanticAnswer(HttpStatusCode Status, string? Cache, string? Match, string? Tenant, string? Query, string Body, double Milliseconds)
{
    /// <summary>Whether the answer came from the semantic cache.</summary>
    public bool IsSemanticHit => Match is not null;
}

/// <summary>
/// A <see cref="CacheGateway"/> with a semantic route, <c>/s/**</c> (<c>"SemanticCache": "true"</c>, text at <c>/query</c>),
/// whose upstream answers <c>{"tenant", "query"}</c> from the verified tenant header and the request body. Unless told
/// otherwise it embeds with the real all-MiniLM-L6-v2, one copy shared by every gateway of the test run.
/// </summary>
internal static class SemanticCacheGateway
{
    /// <summary>Path of the semantic route.</summary>
    public const string Path = "/s/ask";

    private static readonly Lazy<MiniLmEmbeddingGenerator> Model = new(() => new MiniLmEmbeddingGenerator(Environment.ProcessorCount));

    /// <summary>Starts the gateway (and its upstream unless shared) and waits until the embedding provider is ready.</summary>
    /// <param name="redis">Redis configuration; null for the embedded store.</param>
    /// <param name="sharedUpstream">The first node's upstream, for a second node.</param>
    /// <param name="id">The first node's tenant suffix, for a second node.</param>
    /// <param name="configure">More configuration (budgets, an embedding endpoint, route metadata).</param>
    /// <param name="realModel">False to keep the configured provider (an HTTP endpoint set by <paramref name="configure"/>).</param>
    public static async Task<CacheGateway> StartAsync(string? redis, WireMockServer? sharedUpstream = null, string? id = null, Action<GatewayConfigBuilder>? configure = null, bool realModel = true)
    {
        var cache = await CacheGateway.StartAsync(
            redis,
            sharedUpstream,
            id,
            (config, upstream) =>
            {
                config.WithRoute("semantic", "/s/{**rest}", upstream, new Dictionary<string, string> { ["Cache"] = "true", ["SemanticCache"] = "true" });

                // A generous budget, as for Redis: these tests run in parallel on two cores and are about matching, not
                // about the budget (the failure tests set their own).
                config.With("Gateway:Embeddings:BudgetMs", 2000);
                configure?.Invoke(config);
            },
            realModel ? UseSharedModel : null);
        if (sharedUpstream is null)
        {
            AnswerWithQuery(cache.Upstream);
        }

        await cache.Gateway.Services.GetRequiredService<SemanticEmbeddings>().WarmUpAsync();
        return cache;
    }

    /// <summary>Replaces the gateway's embedding provider with the shared copy of the real model.</summary>
    public static void UseSharedModel(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton(sp => new SemanticEmbeddings(
            SemanticEmbeddings.Embedded, MiniLmEmbeddingGenerator.Dimensions, () => new Shared(Model.Value), sp.GetRequiredService<ILogger<SemanticEmbeddings>>(), warmUpCall: true)));

    /// <summary>Asks <paramref name="question"/> as <paramref name="tenant"/> on the semantic route, with further JSON fields if given.</summary>
    public static async Task<SemanticAnswer> AskAsync(this CacheGateway cache, string tenant, string question, string extraFields = "", HttpClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        using var request = GatewayInstance.Request(HttpMethod.Post, Path, CacheGateway.Token(tenant));
        request.Content = new StringContent("{\"query\":" + JsonSerializer.Serialize(question) + extraFields + "}", Encoding.UTF8, "application/json");

        // The Host is part of the cache key (and so of the context): every node behind a load balancer sees the same.
        request.Headers.Host = CacheGateway.LoadBalancedHost;
        var clock = Stopwatch.StartNew();
        using var response = await (client ?? cache.Gateway.Client).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        response.Headers.TryGetValues("X-Cache", out var xCache);
        response.Headers.TryGetValues("X-Cache-Match", out var match);
        string? answeredTenant = null, answeredQuery = null;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var json = JsonDocument.Parse(body);
            answeredTenant = json.RootElement.GetProperty("tenant").GetString();
            answeredQuery = json.RootElement.GetProperty("query").GetString();
        }

        return new SemanticAnswer(response.StatusCode, xCache?.SingleOrDefault(), match?.SingleOrDefault(), answeredTenant, answeredQuery, body, elapsed);
    }

    /// <summary>Upstream calls the semantic route received.</summary>
    public static int SemanticUpstreamCalls(this CacheGateway cache) => cache.Upstream.LogEntries.Count(e => e.RequestMessage.Path == Path);

    private static void AnswerWithQuery(WireMockServer upstream) =>
        upstream.Given(Request.Create().WithPath("/s/*").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var tenant = request.HeaderValues("X-Tenant-Id").SingleOrDefault();
                using var json = JsonDocument.Parse(request.Body ?? "{}");
                var query = json.RootElement.TryGetProperty("query", out var q) ? q.GetString() : null;
                return new ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new BodyData
                    {
                        BodyAsString = JsonSerializer.Serialize(new { tenant, query }),
                        DetectedBodyType = BodyType.String,
                    },
                };
            }));

    /// <summary>The shared model, which a gateway's container must not dispose.</summary>
    private sealed class Shared(MiniLmEmbeddingGenerator model) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            model.GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => model.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
