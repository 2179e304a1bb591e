using Gateway.Config.Options;
using Gateway.Config.Tiers;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// The upstream capacity of one cluster on this node, shared between tenants by weighted fair queuing.
/// </summary>
/// <remarks>
/// <para>
/// Up to <c>MaxInFlight</c> requests pass straight through. Beyond that each request waits in its tenant's FIFO
/// lane, and a freed slot goes to the lane whose head has the smallest virtual finish tag (self-clocked fair
/// queuing): a request queued by tenant <c>i</c> gets <c>F = max(V, F_last(i)) + 1 / w_i</c>, where <c>V</c> is the tag
/// of the request dispatched last and <c>w_i</c> the tier's <c>FairShareWeight</c>. A backlogged tenant with weight 4
/// is served four times as often as one with weight 1, and a flood only lengthens the flooding tenant's own lane:
/// a newcomer's tag starts from <c>V</c>, not behind the flood.
/// </para>
/// <para>
/// A tenant that holds more than <c>AutoThrottleShare</c> of the slots while others wait and has a backlog of
/// its own is reported to the auto-throttle.
/// </para>
/// <para>
/// A request is shed at once (503) when its lane is full, or when the time left before its tier deadline is less
/// than the expected wait plus service time, estimated from an EWMA of recent upstream durations on this
/// cluster (outliers capped, see <see cref="ServiceTimeEstimate"/>). A queued request that is still waiting when only the service time and the margin are left is shed
/// then, rather than left to run into the 504.
/// </para>
/// <para>All state is guarded by one lock per cluster, held for a few field updates at a time.</para>
/// </remarks>
internal sealed class FairQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<string, TenantLane> _lanes = new(StringComparer.Ordinal);
    private readonly List<TenantLane> _backlogged = [];
    private readonly ServiceTimeEstimate _serviceTime = new();
    private readonly TimeProvider _time;
    private readonly IFairQueueObserver? _observer;
    private int _inFlight;
    private int _queued;
    private int _capacity = 1;
    private double _shareThreshold = 1;
    private double _virtualTime;
    private long _sequence;

    public FairQueue(string clusterId, TimeProvider time, IFairQueueObserver? observer)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        ArgumentNullException.ThrowIfNull(time);
        ClusterId = clusterId;
        _time = time;
        _observer = observer;
    }

    public string ClusterId { get; }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Current EWMA of upstream service time; zero before the first sample.</summary>
    public TimeSpan ServiceTime
    {
        get
        {
            lock (_gate)
            {
                return _serviceTime.Estimate;
            }
        }
    }

    /// <summary>Takes a slot, queues the request or sheds it.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="tenantLabel">Its metric label.</param>
    /// <param name="tier">Its tier (weight).</param>
    /// <param name="options">The fairness settings in force.</param>
    /// <param name="remaining">Time left before the tier deadline, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    public QueueEntry TryEnter(string tenantId, string tenantLabel, Tier tier, FairnessOptions options, TimeSpan remaining)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            _capacity = options.MaxInFlight;
            _shareThreshold = options.AutoThrottleShare;
            var lane = GetLane(tenantId, tenantLabel, tier);
            if (_queued == 0 && _inFlight < _capacity)
            {
                TakeSlot(lane);
                return new QueueEntry(QueueEntryStatus.Granted, lane, null, ShedReason.None, TimeSpan.Zero, TimeSpan.Zero);
            }

            var service = _serviceTime.Estimate;
            if (lane.Queue.Count >= options.MaxQueuePerTenant)
            {
                var drain = EstimateWait(lane.Queue.Count, service);
                PruneIfIdle(lane);
                return new QueueEntry(QueueEntryStatus.Shed, lane, null, ShedReason.QueueFull, drain, TimeSpan.Zero);
            }

            var finish = Math.Max(_virtualTime, lane.LastFinish) + 1.0 / lane.Weight;
            var wait = EstimateWait(CountAhead(lane, finish), service);
            var margin = TimeSpan.FromMilliseconds(options.ShedMarginMs);
            var infinite = remaining == Timeout.InfiniteTimeSpan;
            if (!infinite && remaining - margin < wait + service)
            {
                PruneIfIdle(lane);
                return new QueueEntry(QueueEntryStatus.Shed, lane, null, ShedReason.Deadline, wait, TimeSpan.Zero);
            }

            var waiter = new QueuedRequest(this, lane, finish, ++_sequence, _time.GetTimestamp());
            lane.LastFinish = finish;
            waiter.Node = lane.Queue.AddLast(waiter);
            if (lane.Queue.Count == 1)
            {
                _backlogged.Add(lane);
            }

            _queued++;
            _observer?.QueueDepthChanged(lane.Label, 1);
            DetectOffenders();
            var shedAfter = infinite ? Timeout.InfiniteTimeSpan : remaining - margin - service;
            return new QueueEntry(QueueEntryStatus.Queued, lane, waiter, ShedReason.None, wait, shedAfter);
        }
    }

    /// <summary>Gives back a slot taken through <paramref name="lane"/> and hands freed slots to waiting requests.</summary>
    /// <param name="lane">The lane the slot was granted to.</param>
    /// <param name="serviceTime">How long the slot was held (feeds the service-time estimate).</param>
    public void Release(TenantLane lane, TimeSpan serviceTime)
    {
        ArgumentNullException.ThrowIfNull(lane);
        lock (_gate)
        {
            _inFlight--;
            lane.InFlight--;
            _observer?.InFlightChanged(lane.Label, -1);
            _serviceTime.Add(serviceTime);
            Dispatch();
            PruneIfIdle(lane);
        }
    }

    /// <summary>Removes a request that is still queued (cancelled or shed); false when it already left the queue.</summary>
    public bool TryRemove(QueuedRequest waiter)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                return false;
            }

            Unlink(waiter);
            PruneIfIdle(waiter.Lane);
            return true;
        }
    }

    /// <summary>Queue depth of one tenant (tests, diagnostics).</summary>
    public int QueuedFor(string tenantId)
    {
        lock (_gate)
        {
            return _lanes.TryGetValue(tenantId, out var lane) ? lane.Queue.Count : 0;
        }
    }

    /// <summary>In-flight count of one tenant (tests, diagnostics).</summary>
    public int InFlightFor(string tenantId)
    {
        lock (_gate)
        {
            return _lanes.TryGetValue(tenantId, out var lane) ? lane.InFlight : 0;
        }
    }

    private void Dispatch()
    {
        while (_queued > 0 && _inFlight < _capacity)
        {
            var lane = NextLane();
            var waiter = lane.Queue.First!.Value;
            _virtualTime = Math.Max(_virtualTime, waiter.Finish);
            Unlink(waiter);
            TakeSlot(lane);
            waiter.Grant();
            if (IsOffending(lane))
            {
                _observer?.Offending(lane.TenantId, lane.Tier, lane.InFlight, _capacity);
            }
        }
    }

    /// <summary>
    /// Holds more than <c>AutoThrottleShare</c> of the slots while other tenants wait, and wants still more (has a
    /// backlog of its own). The backlog condition keeps a tenant that momentarily holds many slots, say after a
    /// stall bunched its requests, from being throttled although it asks for nothing more.
    /// </summary>
    private bool IsOffending(TenantLane lane) =>
        lane.InFlight > _shareThreshold * _capacity && lane.Queue.Count > 0 && _queued > lane.Queue.Count;

    private TenantLane NextLane()
    {
        TenantLane? best = null;
        QueuedRequest? bestHead = null;
        foreach (var lane in _backlogged)
        {
            var head = lane.Queue.First!.Value;
            if (bestHead is null || head.Finish < bestHead.Finish || (head.Finish == bestHead.Finish && head.Sequence < bestHead.Sequence))
            {
                best = lane;
                bestHead = head;
            }
        }

        return best!;
    }

    private void Unlink(QueuedRequest waiter)
    {
        var lane = waiter.Lane;
        var wasTail = lane.Queue.Last == waiter.Node;
        lane.Queue.Remove(waiter.Node!);
        waiter.Node = null;
        _queued--;
        _observer?.QueueDepthChanged(lane.Label, -1);
        if (lane.Queue.Count == 0)
        {
            _backlogged.Remove(lane);

            // Tags of requests that left without being served must not push the tenant's next request back.
            lane.LastFinish = Math.Min(lane.LastFinish, _virtualTime);
        }
        else if (wasTail)
        {
            lane.LastFinish = lane.Queue.Last!.Value.Finish;
        }
    }

    private void TakeSlot(TenantLane lane)
    {
        _inFlight++;
        lane.InFlight++;
        _observer?.InFlightChanged(lane.Label, 1);
    }

    private void DetectOffenders()
    {
        if (_observer is null)
        {
            return;
        }

        foreach (var lane in _lanes.Values)
        {
            if (IsOffending(lane))
            {
                _observer.Offending(lane.TenantId, lane.Tier, lane.InFlight, _capacity);
            }
        }
    }

    private int CountAhead(TenantLane lane, double finish)
    {
        // The tenant's own queue is FIFO, so all of it is ahead. In another lane, tags grow by 1 / w per request,
        // which gives the number of its requests tagged before ours without walking the lane.
        var ahead = lane.Queue.Count;
        foreach (var other in _backlogged)
        {
            if (ReferenceEquals(other, lane))
            {
                continue;
            }

            var head = other.Queue.First!.Value.Finish;
            if (head <= finish)
            {
                ahead += (int)Math.Min(other.Queue.Count, 1 + Math.Floor((finish - head) * other.Weight));
            }
        }

        return ahead;
    }

    private TimeSpan EstimateWait(int ahead, TimeSpan service) =>
        service <= TimeSpan.Zero ? TimeSpan.Zero : service * (ahead + 1) / Math.Max(1, _capacity);

    private TenantLane GetLane(string tenantId, string label, Tier tier)
    {
        if (_lanes.TryGetValue(tenantId, out var lane))
        {
            lane.Tier = tier;
            return lane;
        }

        lane = new TenantLane(tenantId, label, tier) { Ephemeral = label != tenantId };
        _lanes.Add(tenantId, lane);
        return lane;
    }

    private void PruneIfIdle(TenantLane lane)
    {
        // Lanes of configured tenants stay (a few hundred at most); default-tier tenants are not bounded by the table.
        if (lane.Ephemeral && lane.InFlight == 0 && lane.Queue.Count == 0)
        {
            _lanes.Remove(lane.TenantId);
        }
    }
}
