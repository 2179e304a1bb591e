using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Serialization;
using Microsoft.Extensions.Primitives;

namespace Gateway.Benchmarks;

/// <summary>Cache key hashing (SHA-256 over the length-prefixed parts) and the entry envelope written on a store and read on a hit.</summary>
[MemoryDiagnoser]
public class CacheBenchmarks
{
    private CacheKeyParts _parts;
    private CacheEntry _entry = null!;
    private byte[] _stored = [];

    /// <summary>Request body bytes hashed into the key; answer body bytes in the entry.</summary>
    [Params(128, 4096)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = Encoding.UTF8.GetBytes("{\"query\":\"" + new string('q', Math.Max(1, BodyBytes - 12)) + "\"}");
        _parts = new CacheKeyParts("rag-query", "POST", "gateway.example", "/query", "", "application/json", body, [], null);
        var answer = Encoding.UTF8.GetBytes("{\"tenant_id\":\"acme\",\"answer\":\"" + new string('a', Math.Max(1, BodyBytes - 40)) + "\"}");
        _entry = new CacheEntry("acme", 200, DateTimeOffset.UtcNow,
            [new("Content-Type", "application/json; charset=utf-8"), new("X-Served-By", "rag-sim")], answer);
        _stored = CacheEntrySerializer.Serialize(_entry);
        _ = StringValues.Empty;
    }

    [Benchmark(Description = "cache key: SHA-256 of route, method, host, path, query, content type, body")]
    public string KeyHash() => CacheKeyBuilder.Compute(_parts);

    [Benchmark(Description = "cached response: serialize entry (store)")]
    public byte[] SerializeEntry() => CacheEntrySerializer.Serialize(_entry);

    [Benchmark(Description = "cached response: read entry for its tenant (hit)")]
    public bool ReadEntry() => CacheEntrySerializer.TryRead(_stored, "acme", out _) == CacheEntryReadStatus.Ok;
}
