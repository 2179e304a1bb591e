using System.Text.Json.Serialization;

namespace RagBackendSim;

/// <summary>The simulator's counters at one moment, in the JSON shape of <c>GET /stats</c>.</summary>
/// <remarks>The JSON names are fixed by attributes so a client can deserialize <c>/stats</c> with any serializer options.</remarks>
public sealed record RagBackendStatsSnapshot(
    [property: JsonPropertyName("in_flight")] long InFlight,
    [property: JsonPropertyName("queued")] long Queued,
    [property: JsonPropertyName("served")] long Served,
    [property: JsonPropertyName("aborted")] long Aborted,
    [property: JsonPropertyName("by_tenant")] IReadOnlyDictionary<string, RagTenantStats> ByTenant);

/// <summary>One tenant's cumulative counters.</summary>
public sealed record RagTenantStats(
    [property: JsonPropertyName("served")] long Served,
    [property: JsonPropertyName("aborted")] long Aborted);
