using Gateway.Config.Options;
using Gateway.Config.Tiers;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// The upstream capacity of one cluster on this node, shared between tenants by weighted concurrency shares and
/// cost-aware fair queuing.
/// </summary>
/// <remarks>
/// <para>
/// <b>Shares.</b> Up to <c>MaxInFlight</c> requests are in flight at once. While other tenants are active on the
/// cluster a tenant holds at most its weighted share of the slots and may borrow only slots no other active tenant
/// has a claim on (<see cref="ConcurrencyShares"/>): a tenant alone uses every slot, and one that arrives gets the next
/// freed slots until the shares are restored. A tier's <c>MaxConcurrency</c> caps a tenant whatever its share.
/// </para>
/// <para>
/// <b>Cost.</b> Requests that cannot start wait in their tenant's FIFO lane. A freed slot goes to the lane with the
/// strongest claim (within its share before borrowing) and, among those, the smallest virtual finish tag
/// <c>max(V, charged) + cost / weight</c>, where <c>cost</c> is the tenant's own expected service time. When a slot is
/// given back, the tenant's charge is settled against the time the slot was really held. So a tenant is charged by
/// upstream slot-time, not by request count: one whose queries take twenty times longer gets a twentieth of the
/// dispatches, and a flood only lengthens the flooding tenant's own lane.
/// </para>
/// <para>
/// <b>Shedding.</b> A request is shed at once (503) when its lane is full, or when the time left before its tier
/// deadline is less than the expected wait plus its tenant's service time. A queued request still waiting when only
/// the service time and the margin are left is shed then, rather than left to run into the 504.
/// </para>
/// <para>
/// <b>Offences.</b> A tenant that held more than <c>AutoThrottleShare</c> of the cluster's recent slot-time and still
/// wants more while other tenants are active is reported to the auto-throttle (<see cref="SlotTimeMeter"/>), whatever
/// its request rate.
/// </para>
/// <para>All state is guarded by one lock per cluster, held for a few field updates and a pass over the lanes.</para>
/// </remarks>
internal sealed partial class FairQueue
{
    /// <summary>Smallest cost charged per request, so virtual time advances before any service time is known.</summary>
    private const double MinCostSeconds = 0.001;

    private readonly object _gate = new();
    private readonly Dictionary<string, TenantLane> _lanes = new(StringComparer.Ordinal);
    private readonly List<TenantLane> _backlogged = [];
    private readonly ServiceTimeEstimate _serviceTime = new();
    private readonly TimeProvider _time;
    private readonly IFairQueueObserver? _observer;
    private readonly ITimer _wake;
    private int _inFlight;
    private int _queued;
    private int _capacity = 1;
    private double _shareThreshold = 1;
    private long _idleAfterTicks;
    private double _virtualTime;
    private long _sequence;
    private long _wakeAt = long.MaxValue;

    public FairQueue(string clusterId, TimeProvider time, IFairQueueObserver? observer)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        ArgumentNullException.ThrowIfNull(time);
        ClusterId = clusterId;
        _time = time;
        _observer = observer;
        _idleAfterTicks = time.TimestampFrequency * 2;
        _wake = time.CreateTimer(static state => ((FairQueue)state!).OnWake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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

    /// <summary>Current EWMA of upstream service time over all tenants; zero before the first sample.</summary>
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
    /// <param name="tier">Its tier (weight, hard cap).</param>
    /// <param name="options">The fairness settings in force.</param>
    /// <param name="remaining">Time left before the tier deadline, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    public QueueEntry TryEnter(string tenantId, string tenantLabel, Tier tier, FairnessOptions options, TimeSpan remaining)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            Apply(options);
            var now = _time.GetTimestamp();
            var lane = GetLane(tenantId, tenantLabel, tier);
            lane.LastActive = now;
            lane.SlotTime.Offered(now);

            // Slots may have become free for the waiting lanes since the last event (a share went idle).
            Dispatch(now);
            if (lane.Queue.Count == 0 && _inFlight < _capacity)
            {
                var shares = Shares(now);
                if (ClaimOf(lane, shares) != SlotClaim.None)
                {
                    var slot = TakeSlot(lane, Cost(lane), now);
                    return new QueueEntry(QueueEntryStatus.Granted, lane, slot, null, ShedReason.None, TimeSpan.Zero, TimeSpan.Zero);
                }
            }

            return Queue(lane, options, remaining, now);
        }
    }

    /// <summary>Gives back <paramref name="slot"/> and hands freed slots to waiting requests.</summary>
    /// <param name="slot">The slot taken through <see cref="TryEnter"/> or handed to a waiter.</param>
    /// <param name="serviceTime">How long the slot was held: settles the tenant's charge and feeds the estimates.</param>
    public void Release(Slot slot, TimeSpan serviceTime)
    {
        var lane = slot.Lane ?? throw new ArgumentException("Not a slot of this queue.", nameof(slot));
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _inFlight--;
            lane.InFlight--;
            lane.LastActive = now;
            lane.SlotTime.Finished(slot.StartedAt, now, serviceTime);
            _observer?.InFlightChanged(lane.Label, -1);

            // Settle the charge: the tenant pays for the time it really held the slot, not for the estimate.
            lane.Charged += (Math.Max(0, serviceTime.TotalSeconds) - slot.Charge) / lane.Weight;
            lane.ServiceTime.Add(serviceTime);
            _serviceTime.Add(serviceTime);
            Dispatch(now);
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

    /// <summary>The tenant's share of the slots now, given who is active (tests, diagnostics); 0 for an unknown tenant.</summary>
    public int ShareOf(string tenantId)
    {
        lock (_gate)
        {
            return _lanes.TryGetValue(tenantId, out var lane) ? Shares(_time.GetTimestamp()).ShareOf(lane) : 0;
        }
    }

    private void Apply(FairnessOptions options)
    {
        _capacity = options.MaxInFlight;
        _shareThreshold = options.AutoThrottleShare;
        _idleAfterTicks = (long)(options.IdleAfterMs / 1000.0 * _time.TimestampFrequency);
    }

    private QueueEntry Queue(TenantLane lane, FairnessOptions options, TimeSpan remaining, long now)
    {
        var service = Expected(lane);
        if (lane.Queue.Count >= options.MaxQueuePerTenant)
        {
            var drain = service * (lane.Queue.Count + 1) / Math.Max(1, lane.InFlight);
            PruneIfIdle(lane);
            return new QueueEntry(QueueEntryStatus.Shed, lane, default, null, ShedReason.QueueFull, drain, TimeSpan.Zero);
        }

        var wait = EstimateWait(lane, service.TotalSeconds, now);
        var margin = TimeSpan.FromMilliseconds(options.ShedMarginMs);
        var infinite = remaining == Timeout.InfiniteTimeSpan;
        if (!infinite && Hopeless(wait, remaining - margin - service))
        {
            PruneIfIdle(lane);
            return new QueueEntry(QueueEntryStatus.Shed, lane, default, null, ShedReason.Deadline, wait, TimeSpan.Zero);
        }

        var waiter = new QueuedRequest(this, lane, Cost(lane), ++_sequence, now);
        waiter.Node = lane.Queue.AddLast(waiter);
        if (lane.Queue.Count == 1)
        {
            // A lane's tags start from the virtual time when it becomes backlogged and then advance only with its own
            // dispatches; a lane that has been idle cannot bank credit, and one that waits is not pushed back.
            lane.Charged = Math.Max(lane.Charged, _virtualTime);
            _backlogged.Add(lane);
        }

        _queued++;
        _observer?.QueueDepthChanged(lane.Label, 1);
        DetectOffenders(now);
        ScheduleWake(now);
        var shedAfter = infinite ? Timeout.InfiniteTimeSpan : remaining - margin - service;
        return new QueueEntry(QueueEntryStatus.Queued, lane, default, waiter, ShedReason.None, wait, shedAfter);
    }

    /// <summary>
    /// Whether a request is shed on arrival: it could wait <paramref name="mayWait"/> at most (its time left less the
    /// margin and its expected service), and the estimated wait is more than twice that. The estimate comes from
    /// service-time averages that one slow answer can lift (a tenant sending a few requests a second, its lane at its
    /// share with one request in flight), so a request that might still make it is queued instead: its timer sheds it
    /// at the moment it can no longer start in time, and a slot that frees earlier serves it. A request that cannot
    /// make it even with no wait, or that would need more than twice the time it has, gets its 503 at once.
    /// </summary>
    private static bool Hopeless(TimeSpan wait, TimeSpan mayWait) => mayWait <= TimeSpan.Zero || wait > 2 * mayWait;

    /// <summary>Hands free slots to waiting lanes: strongest claim first, then the smallest virtual finish tag.</summary>
    private void Dispatch(long now)
    {
        var dispatched = false;
        while (_queued > 0 && _inFlight < _capacity)
        {
            var shares = Shares(now);
            TenantLane? best = null;
            var bestClaim = SlotClaim.None;
            var bestTag = double.MaxValue;
            long bestSequence = long.MaxValue;
            foreach (var lane in _backlogged)
            {
                var claim = ClaimOf(lane, shares);
                if (claim == SlotClaim.None || claim < bestClaim)
                {
                    continue;
                }

                var head = lane.Queue.First!.Value;
                var tag = FinishTag(lane, head.Cost);
                if (claim > bestClaim || tag < bestTag || (tag == bestTag && head.Sequence < bestSequence))
                {
                    best = lane;
                    bestClaim = claim;
                    bestTag = tag;
                    bestSequence = head.Sequence;
                }
            }

            if (best is null)
            {
                break;
            }

            var waiter = best.Queue.First!.Value;
            Unlink(waiter);
            waiter.Grant(TakeSlot(best, waiter.Cost, now));
            dispatched = true;
        }

        if (dispatched)
        {
            DetectOffenders(now);
        }

        ScheduleWake(now);
    }

    private Slot TakeSlot(TenantLane lane, double cost, long now)
    {
        // Charge the expected cost now (settled on release); the virtual clock follows the latest finish tag.
        var finish = FinishTag(lane, cost);
        lane.Charged = finish;
        _virtualTime = Math.Max(_virtualTime, finish);
        _inFlight++;
        lane.InFlight++;
        lane.SlotTime.Started(now);
        _observer?.InFlightChanged(lane.Label, 1);
        return new Slot(lane, cost, now);
    }

    /// <summary>
    /// Virtual finish tag of the lane's next request: from its charge while it is backlogged (fixed when it became so),
    /// else from the later of its charge and the virtual time.
    /// </summary>
    private double FinishTag(TenantLane lane, double cost) =>
        (lane.Queue.Count > 0 ? lane.Charged : Math.Max(_virtualTime, lane.Charged)) + (cost / lane.Weight);

    /// <summary>The tenant's expected service time: its own estimate, else the cluster's; zero before any sample.</summary>
    private TimeSpan Expected(TenantLane lane)
    {
        var own = lane.ServiceTime.Estimate;
        return own > TimeSpan.Zero ? own : _serviceTime.Estimate;
    }

    /// <summary>What one request of the tenant is charged up front, in seconds (settled on release).</summary>
    private double Cost(TenantLane lane) => Math.Max(MinCostSeconds, Expected(lane).TotalSeconds);

    private void Unlink(QueuedRequest waiter)
    {
        var lane = waiter.Lane;
        lane.Queue.Remove(waiter.Node!);
        waiter.Node = null;
        _queued--;
        _observer?.QueueDepthChanged(lane.Label, -1);
        if (lane.Queue.Count == 0)
        {
            _backlogged.Remove(lane);
        }
    }

    private TenantLane GetLane(string tenantId, string label, Tier tier)
    {
        if (_lanes.TryGetValue(tenantId, out var lane))
        {
            lane.Tier = tier;
            return lane;
        }

        lane = new TenantLane(tenantId, label, tier, _time.TimestampFrequency) { Ephemeral = label != tenantId };
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
