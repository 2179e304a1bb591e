using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary><c>gateway.redis.failures</c> and <c>gateway.redis.circuit_open</c>.</summary>
internal sealed class RedisMetrics
{
    private readonly Counter<long> _failures;
    private int _circuitOpen;

    /// <summary>Creates the instruments.</summary>
    public RedisMetrics(IMeterFactory meterFactory)
    {
        var meter = GatewayMeter.Create(meterFactory);
        _failures = meter.CreateCounter<long>("gateway.redis.failures", "{operation}", "Redis operations that failed or ran out of budget.");
        meter.CreateObservableGauge("gateway.redis.circuit_open", () => Volatile.Read(ref _circuitOpen), "{circuit}", "1 while the Redis circuit breaker skips Redis.");
    }

    /// <summary>Records a failed or timed-out Redis operation.</summary>
    public void Failed(string operation)
    {
        if (_failures.Enabled)
        {
            _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    /// <summary>Publishes the circuit breaker state.</summary>
    public void SetCircuitOpen(bool open) => Volatile.Write(ref _circuitOpen, open ? 1 : 0);
}
