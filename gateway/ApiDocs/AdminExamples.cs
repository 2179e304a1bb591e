using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Admin.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Gateway.ApiDocs;

/// <summary>An example of each admin request and response body, put on its schema in the OpenAPI document.</summary>
internal static class AdminExamples
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 30, 0, TimeSpan.Zero);
    private static readonly BurstView Burst = new(2, Now.AddHours(1), Now, "operator@example.com");
    private static readonly TierConfig Gold = new(500, 1800, 500, 20);

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(TierResponse)] = new TierResponse("acme", "gold", Gold, 1000, Hot: false, Throttled: false, Burst),
        [typeof(TierConfig)] = Gold,
        [typeof(BurstView)] = Burst,
        [typeof(CacheMetricsResponse)] = new CacheMetricsResponse("acme", 9120, 1880, 0.8291, 48_213_004, 10_234, 21_474_836_480, 21_474_836_480),
        [typeof(InvalidateRequest)] = new InvalidateRequest("acme"),
        [typeof(InvalidateResponse)] = new InvalidateResponse("acme", 10_234,
            "Cache of tenant 'acme' invalidated (generation 8); other tenants are untouched and old entries are reclaimed in the background."),
        [typeof(BurstRequest)] = new BurstRequest(2, 3600),
        [typeof(BurstResponse)] = new BurstResponse("acme", "gold", 500, 1000, Burst,
            "Tenant 'acme' may send 2x its limit (1000 req/s) until 2026-12-02 10:30:00Z; every node applies it within a second."),
        [typeof(TenantsResponse)] = new TenantsResponse("gw-7f9c/1", Now, "redis", new WindowsView(10, 60, 600), [Row()]),
        [typeof(TenantRow)] = Row(),
        [typeof(WindowsView)] = new WindowsView(10, 60, 600),
        [typeof(TenantHistoryResponse)] = new TenantHistoryResponse("acme", "gold", "gw-7f9c/1", 5, 500, 1000, 500, 0.75,
            [new HistoryPoint(Now, 1210, 242, 0, 38.5, 0.83, 1), new HistoryPoint(Now.AddSeconds(5), 1195, 239, 0, 41.2, 0.84, 0.9992)]),
        [typeof(HistoryPoint)] = new HistoryPoint(Now, 1210, 242, 0, 38.5, 0.83, 1),
        [typeof(ConfigResponse)] = new ConfigResponse(7, Now, Now.AddDays(-1),
            new ReloadView(Now.AddMinutes(3), "failure", null, ["Gateway:Tiers:gold:TimeoutMs must be a positive number of milliseconds (got -5)."]),
            null, "redis", "/var/log/gateway/audit.jsonl",
            [new TierView("gold", 500, 1800, 500, 50, 21_474_836_480, 2, 2, 12)],
            [new TenantView("acme", "gold", false)]),
        [typeof(ReloadView)] = new ReloadView(Now, "success", 7, []),
        [typeof(TierView)] = new TierView("gold", 500, 1800, 500, 50, 21_474_836_480, 2, 2, 12),
        [typeof(TenantView)] = new TenantView("acme", "gold", false),
        [typeof(ProblemDetails)] = new Dictionary<string, object?>
        {
            ["type"] = "https://tenant-gateway.dev/problems/forbidden",
            ["title"] = "Forbidden",
            ["status"] = 403,
            ["detail"] = "Granting a burst needs a platform admin token (scope 'gateway:admin'); this token is limited to its own tenant.",
            ["instance"] = "/admin/tenants/acme/burst",
        },
    };

    /// <summary>The example of <paramref name="type"/>, if there is one.</summary>
    public static object? For(Type type) => Examples.GetValueOrDefault(type);

    /// <summary>Every type that has an example.</summary>
    public static IEnumerable<Type> Types => Examples.Keys;

    /// <summary>Schema transformer: sets the schema's example, serialized as the API serializes it (snake_case).</summary>
    public static Task ApplyAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (For(context.JsonTypeInfo.Type) is { } example)
        {
            var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            schema.Examples = [JsonSerializer.SerializeToNode(example, example.GetType(), json)!];
        }

        return Task.CompletedTask;
    }

    private static TenantRow Row() => new("acme", "gold", 500, 1000, Burst, 612.4, 0, Hot: true, Throttled: false, 0.61,
        9120, 1880, 0.8291, 48_213_004, 10_234, 21_474_836_480, 21_474_836_480, 41.2, 500, 0.9991, 36_800);
}
