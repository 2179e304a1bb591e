namespace Gateway.Transforms.Throttling;

/// <summary>A tenant's throttling state as the gauges show it.</summary>
internal readonly record struct TenantThrottleState(double EffectiveLimit, double Utilization, bool Hot, bool AutoThrottled);
