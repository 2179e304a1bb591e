using BenchmarkDotNet.Attributes;
using Gateway.Transforms.Throttling;

namespace Gateway.Benchmarks;

/// <summary>Admission by the node-local token bucket (the embedded mode's limiter and the Redis fallback).</summary>
[MemoryDiagnoser]
public class LimiterBenchmarks
{
    private readonly LocalRateLimiters _limiters = new();
    private readonly RateLimitPolicy _open = new(10_000_000, 1_000_000);
    private readonly RateLimitPolicy _closed = new(1, 1);

    [GlobalSetup]
    public void Setup()
    {
        _limiters.Acquire("acme", _open, RateLimitSource.Embedded);
        _limiters.Acquire("tiny", _closed, RateLimitSource.Embedded);
    }

    [Benchmark(Description = "limiter: admit (tokens available)")]
    public bool Admit() => _limiters.Acquire("acme", _open, RateLimitSource.Embedded).Allowed;

    [Benchmark(Description = "limiter: reject (bucket empty)")]
    public bool Reject() => _limiters.Acquire("tiny", _closed, RateLimitSource.Embedded).Allowed;
}
