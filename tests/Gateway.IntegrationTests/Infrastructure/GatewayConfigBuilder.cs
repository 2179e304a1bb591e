using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Builds the JSON configuration file a test gateway runs with: the <c>Gateway</c> section (test JWT settings,
/// the SPEC §2 tiers, three tenants) and a YARP <c>ReverseProxy</c> section with one cluster per route.
/// </summary>
/// <example>
/// <code>
/// var config = new GatewayConfigBuilder()
///     .WithRoute("rag", "/{**catch-all}", upstream.Url)
///     .WithTenant("tenant-z", "gold")
///     .With("Gateway:Limits:MaxRequestBodyBytes", 4096);
/// await using var gateway = await GatewayInstance.StartAsync(config);
/// </code>
/// </example>
public sealed class GatewayConfigBuilder
{
    /// <summary>Issuer every test token carries.</summary>
    public const string Issuer = "test-issuer";

    /// <summary>Audience every test token carries.</summary>
    public const string Audience = "test-audience";

    /// <summary>HS256 key of the test gateway (UTF-8, 48 bytes).</summary>
    public const string SigningKey = "integration-tests-hs256-signing-key-0123456789ab";

    /// <summary>Platinum tenant of the default table.</summary>
    public const string PlatinumTenant = "tenant-a";

    /// <summary>Gold tenant of the default table.</summary>
    public const string GoldTenant = "tenant-b";

    /// <summary>Silver tenant of the default table.</summary>
    public const string SilverTenant = "tenant-s";

    /// <summary>Tier timeout set by <see cref="WithRelaxedTimeouts"/>.</summary>
    public const int RelaxedTimeoutMs = 30_000;

    /// <summary>Route id used by <see cref="WithUpstream"/>.</summary>
    public const string DefaultRouteId = "default";

    private readonly JsonObject _root;

    /// <summary>Starts from the default test configuration: no routes, tiers as in SPEC §2, tenants a/b/s, no Redis.</summary>
    public GatewayConfigBuilder()
    {
        _root = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["Jwt"] = new JsonObject
                {
                    ["Issuer"] = Issuer,
                    ["Audience"] = Audience,
                    ["SigningKey"] = SigningKey,

                    // Tests run outside the Development environment, where a shared secret must be allowed explicitly.
                    ["AllowSharedSecret"] = true,
                    ["ClockSkewSeconds"] = 30,
                },
                ["Tiers"] = new JsonObject
                {
                    ["platinum"] = Tier(200, 3600, 1000, "40GB"),
                    ["gold"] = Tier(500, 1800, 500, "20GB"),
                    ["silver"] = Tier(1000, 900, 200, "10GB"),
                },
                ["Tenants"] = new JsonObject
                {
                    [PlatinumTenant] = new JsonObject { ["Tier"] = "platinum" },
                    [GoldTenant] = new JsonObject { ["Tier"] = "gold" },
                    [SilverTenant] = new JsonObject { ["Tier"] = "silver" },
                },
                ["Redis"] = new JsonObject { ["Configuration"] = "" },
            },
            ["ReverseProxy"] = new JsonObject
            {
                ["Routes"] = new JsonObject(),
                ["Clusters"] = new JsonObject(),
            },
        };
    }

    /// <summary>Adds the catch-all route <see cref="DefaultRouteId"/> to <paramref name="upstream"/>.</summary>
    public GatewayConfigBuilder WithUpstream(string upstream, IReadOnlyDictionary<string, string>? metadata = null) =>
        WithRoute(DefaultRouteId, "/{**catch-all}", upstream, metadata);

    /// <summary>Adds route <paramref name="routeId"/> matching <paramref name="path"/> (any method) to its own cluster at <paramref name="upstream"/>.</summary>
    public GatewayConfigBuilder WithRoute(string routeId, string path, string upstream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(routeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(upstream);
        var clusterId = routeId + "-cluster";
        var route = new JsonObject
        {
            ["ClusterId"] = clusterId,
            ["Match"] = new JsonObject { ["Path"] = path },
        };
        if (metadata is not null)
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata)
            {
                meta[key] = value;
            }

            route["Metadata"] = meta;
        }

        var proxy = _root["ReverseProxy"]!;
        proxy["Routes"]![routeId] = route;
        proxy["Clusters"]![clusterId] = new JsonObject
        {
            ["Destinations"] = new JsonObject
            {
                ["d1"] = new JsonObject { ["Address"] = upstream.EndsWith('/') ? upstream : upstream + "/" },
            },
        };
        return this;
    }

    /// <summary>Maps <paramref name="tenantId"/> to <paramref name="tier"/> (which need not exist, for negative tests).</summary>
    public GatewayConfigBuilder WithTenant(string tenantId, string tier)
    {
        _root["Gateway"]!["Tenants"]![tenantId] = new JsonObject { ["Tier"] = tier };
        return this;
    }

    /// <summary>Adds or replaces tier <paramref name="name"/>.</summary>
    public GatewayConfigBuilder WithTier(string name, int timeoutMs, int cacheTtlSeconds = 900, int maxQps = 200, string cacheQuota = "10GB")
    {
        _root["Gateway"]!["Tiers"]![name] = Tier(timeoutMs, cacheTtlSeconds, maxQps, cacheQuota);
        return this;
    }

    /// <summary>
    /// Sets every tier's <c>TimeoutMs</c> to <see cref="RelaxedTimeoutMs"/>, keeping names and other figures. For tests
    /// that are not about deadlines: on a loaded CI machine a 200 ms budget would turn them into random 504s.
    /// </summary>
    public GatewayConfigBuilder WithRelaxedTimeouts()
    {
        foreach (var (_, tier) in _root["Gateway"]!["Tiers"]!.AsObject())
        {
            tier!["TimeoutMs"] = RelaxedTimeoutMs;
        }

        return this;
    }

    /// <summary>Sets <c>Gateway:DefaultTier</c>.</summary>
    public GatewayConfigBuilder WithDefaultTier(string tier) => With("Gateway:DefaultTier", tier);

    /// <summary>Sets <c>Gateway:Redis:Configuration</c>.</summary>
    public GatewayConfigBuilder WithRedis(string configuration) => With("Gateway:Redis:Configuration", configuration);

    /// <summary>Sets <c>Gateway:Management:Urls</c> to <c>http://127.0.0.1:{port}</c> on a free port: the operator endpoints' own listener.</summary>
    public GatewayConfigBuilder WithManagementListener() => With("Gateway:Management:Urls", $"http://127.0.0.1:{FreePort.Next()}");

    /// <summary>Adds a PEM public key to <c>Gateway:Jwt:PublicKeys</c> (which also turns HS256 tokens off).</summary>
    public GatewayConfigBuilder WithPublicKey(string pem)
    {
        var jwt = _root["Gateway"]!["Jwt"]!.AsObject();
        if (jwt["PublicKeys"] is not JsonArray keys)
        {
            keys = [];
            jwt["PublicKeys"] = keys;
        }

        keys.Add(pem);
        return this;
    }

    /// <summary>Sets the value at a configuration path such as <c>Gateway:Limits:MaxRequestBodyBytes</c>, creating objects on the way.</summary>
    public GatewayConfigBuilder With(string path, JsonNode? value)
    {
        Set(_root, path, value);
        return this;
    }

    /// <summary>Arbitrary edit of the document.</summary>
    public GatewayConfigBuilder Edit(Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        edit(_root);
        return this;
    }

    /// <summary>A deep copy of the document built so far.</summary>
    public JsonObject Build() => _root.DeepClone().AsObject();

    /// <summary>The document as indented JSON.</summary>
    public string ToJson() => _root.ToJsonString(Indented);

    /// <summary>Sets <paramref name="value"/> at the colon-separated <paramref name="path"/> of <paramref name="root"/>.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var parts = path.Split(':');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = [];
                node[part] = child;
            }

            node = child;
        }

        node[parts[^1]] = value;
    }

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static JsonObject Tier(int timeoutMs, int cacheTtlSeconds, int maxQps, string cacheQuota) => new()
    {
        ["TimeoutMs"] = timeoutMs,
        ["CacheTtlSeconds"] = cacheTtlSeconds,
        ["MaxQps"] = maxQps,
        ["CacheQuota"] = cacheQuota,
    };
}
