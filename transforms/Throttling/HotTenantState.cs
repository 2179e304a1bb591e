namespace Gateway.Transforms.Throttling;

/// <summary>A tenant's hot-detection figures.</summary>
/// <param name="Hot">At or above the hot threshold.</param>
/// <param name="Rate">Requests per second offered over the window, on this node.</param>
/// <param name="Limit">This node's share of the tenant's limit.</param>
/// <param name="Utilization"><paramref name="Rate"/> over <paramref name="Limit"/>.</param>
internal readonly record struct HotTenantState(bool Hot, double Rate, double Limit, double Utilization);
