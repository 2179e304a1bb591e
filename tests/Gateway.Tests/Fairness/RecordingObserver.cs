using Gateway.Config.Tiers;
using Gateway.Transforms.Fairness;

namespace Gateway.Tests.Fairness;

/// <summary>Records what a <see cref="FairQueue"/> reports.</summary>
internal sealed class RecordingObserver : IFairQueueObserver
{
    public Dictionary<string, int> InFlight { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Queued { get; } = new(StringComparer.Ordinal);

    public List<(string TenantId, double SlotTimeShare, double OfferedRate)> Offenses { get; } = [];

    public void InFlightChanged(string tenantLabel, int delta) =>
        InFlight[tenantLabel] = InFlight.GetValueOrDefault(tenantLabel) + delta;

    public void QueueDepthChanged(string tenantLabel, int delta) =>
        Queued[tenantLabel] = Queued.GetValueOrDefault(tenantLabel) + delta;

    public void Offending(string tenantId, Tier tier, double slotTimeShare, double offeredRate) => Offenses.Add((tenantId, slotTimeShare, offeredRate));
}
