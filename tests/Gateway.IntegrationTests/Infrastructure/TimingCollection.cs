namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that need the process to themselves. xunit runs this collection after the parallel ones, one test at a
/// time, so nothing else competes for the two CPU cores and no other gateway is alive in the process.
/// </summary>
/// <remarks>
/// Put a test here when it measures latency against a tier budget, or when it asserts on <c>GET /metrics</c>:
/// OpenTelemetry listens to meters by name, so one in-process gateway's <c>/metrics</c> also aggregates the
/// instruments of every other gateway alive in the test process, and may lose a series when such a gateway is disposed.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    /// <summary>Collection name for <c>[Collection(TimingCollection.Name)]</c>.</summary>
    public const string Name = "Timing";
}
