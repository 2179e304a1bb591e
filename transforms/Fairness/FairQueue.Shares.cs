namespace Gateway.Transforms.Fairness;

/// <summary>The queue's view of who is active, what each may take, how long a newcomer waits, and who offends.</summary>
internal sealed partial class FairQueue
{
    /// <summary>
    /// Recent slot-time below which no tenant offends, whatever its share: a burst of a few requests when the cluster
    /// has just started (when a share of almost nothing is large) is not crowding anyone out.
    /// </summary>
    private const double MinimumOffendingSlotSeconds = 1;

    private bool IsActive(TenantLane lane, long now) =>
        lane.InFlight > 0 || lane.Queue.Count > 0 || now - lane.LastActive < _idleAfterTicks;

    /// <summary>Active weight and the unused shares reserved for active tenants, now.</summary>
    private ShareSnapshot Shares(long now)
    {
        long activeWeight = 0;
        foreach (var lane in _lanes.Values)
        {
            if (IsActive(lane, now))
            {
                activeWeight += lane.Weight;
            }
        }

        var snapshot = new ShareSnapshot(_capacity, activeWeight, 0, _capacity - _inFlight);
        var reserved = 0;
        foreach (var lane in _lanes.Values)
        {
            if (IsActive(lane, now))
            {
                reserved += Math.Max(0, snapshot.ShareOf(lane) - lane.InFlight);
            }
        }

        return snapshot with { Reserved = reserved };
    }

    private static SlotClaim ClaimOf(TenantLane lane, ShareSnapshot shares)
    {
        var share = shares.ShareOf(lane);
        var reservedForOthers = shares.Reserved - Math.Max(0, share - lane.InFlight);
        return ConcurrencyShares.Claim(lane.InFlight, share, lane.Tier.MaxConcurrency, shares.Free, reservedForOthers);
    }

    /// <summary>
    /// Expected time until a request of <paramref name="lane"/> queued now gets a slot: the larger of its place in the
    /// fair order (requests of other lanes tagged before it, at the cluster's service time) and the time its own lane
    /// needs when the tenant is already at its share or cap.
    /// </summary>
    private TimeSpan EstimateWait(TenantLane lane, double cost, long now)
    {
        var ownAhead = lane.Queue.Count;
        var tag = FinishTag(lane, Math.Max(cost, MinCostSeconds) * (ownAhead + 1));
        var ahead = ownAhead;
        foreach (var other in _backlogged)
        {
            if (ReferenceEquals(other, lane))
            {
                continue;
            }

            // Tags in another lane grow by about its cost over its weight per request: count those tagged before ours.
            var head = other.Queue.First!.Value;
            var headTag = FinishTag(other, head.Cost);
            if (headTag <= tag)
            {
                ahead += (int)Math.Min(other.Queue.Count, 1 + Math.Floor((tag - headTag) / (head.Cost / other.Weight)));
            }
        }

        var service = _serviceTime.Estimate.TotalSeconds;
        var fairWait = service <= 0 ? 0 : service * (ahead + 1) / Math.Max(1, _capacity);

        var shares = Shares(now);
        var slots = shares.ActiveWeight > lane.Weight ? shares.ShareOf(lane) : _capacity;
        if (lane.Tier.MaxConcurrency is { } cap)
        {
            slots = Math.Min(slots, cap);
        }

        var ownWait = lane.InFlight >= slots ? cost * (ownAhead + 1) / Math.Max(1, slots) : 0;
        return TimeSpan.FromSeconds(Math.Max(fairWait, ownWait));
    }

    /// <summary>
    /// Reports each tenant that wants more (has a backlog, so the cluster is under pressure) while holding more than
    /// <c>AutoThrottleShare</c> of the recent slot-time and another tenant is active on the cluster: it is crowding the
    /// others out, whatever its request rate. A tenant alone on the cluster never offends.
    /// </summary>
    private void DetectOffenders(long now)
    {
        if (_observer is null || _backlogged.Count == 0)
        {
            return;
        }

        double total = 0;
        foreach (var lane in _lanes.Values)
        {
            total += lane.SlotTime.HeldSeconds(now);
        }

        if (total <= 0)
        {
            return;
        }

        foreach (var lane in _backlogged)
        {
            var held = lane.SlotTime.HeldSeconds(now);
            var share = held / total;
            if (held >= MinimumOffendingSlotSeconds && share > _shareThreshold && OthersActive(lane, now))
            {
                _observer.Offending(lane.TenantId, lane.Tier, share, lane.SlotTime.OfferedRate(now));
            }
        }
    }

    private bool OthersActive(TenantLane offender, long now)
    {
        foreach (var lane in _lanes.Values)
        {
            if (!ReferenceEquals(lane, offender) && IsActive(lane, now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Slots can be free while requests wait, kept for tenants that were active a moment ago. Arms the timer for the
    /// moment the first of those claims lapses, so the waiters get the slots then even if nothing else happens.
    /// </summary>
    private void ScheduleWake(long now)
    {
        if (_queued == 0 || _inFlight >= _capacity)
        {
            return;
        }

        var earliest = long.MaxValue;
        foreach (var lane in _lanes.Values)
        {
            if (lane.InFlight == 0 && lane.Queue.Count == 0 && now - lane.LastActive < _idleAfterTicks)
            {
                earliest = Math.Min(earliest, lane.LastActive + _idleAfterTicks);
            }
        }

        if (earliest == long.MaxValue || (earliest >= _wakeAt && _wakeAt > now))
        {
            return;
        }

        _wakeAt = earliest;
        _wake.Change(TimeSpan.FromSeconds((double)(earliest - now) / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
    }

    private void OnWake()
    {
        lock (_gate)
        {
            _wakeAt = long.MaxValue;
            Dispatch(_time.GetTimestamp());
        }
    }

    /// <summary>Who is active on the cluster, what is free, and how many free slots are held for active tenants' unused shares.</summary>
    private readonly record struct ShareSnapshot(int Capacity, long ActiveWeight, int Reserved, int Free)
    {
        public int ShareOf(TenantLane lane) => ConcurrencyShares.Of(Capacity, lane.Weight, Math.Max(ActiveWeight, lane.Weight));
    }
}
