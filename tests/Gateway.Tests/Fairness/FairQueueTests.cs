using Gateway.Config.Options;
using Gateway.Tests.Support;
using Gateway.Transforms.Fairness;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Fairness;

public sealed class FairQueueTests
{
    private const string SecondSilver = "tenant-s2";
    private static readonly TimeSpan Ample = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingObserver _observer = new();
    private readonly TestGatewaySettings _settings = new(o => o.Tenants[SecondSilver] = new TenantOptions { Tier = "silver" });

    [Fact]
    public void TryEnter_BelowCapacity_GrantsAtOnce()
    {
        // Arrange
        var queue = CreateQueue();

        // Act
        var admissions = Enumerable.Range(0, 3).Select(_ => Enter(queue, TestGatewaySettings.Gold, Options(capacity: 3))).ToList();

        // Assert
        Assert.All(admissions, a => Assert.Equal(QueueEntryStatus.Granted, a.Status));
        Assert.Equal(3, queue.InFlight);
        Assert.Equal(0, queue.Queued);
        Assert.Equal(3, _observer.InFlight[TestGatewaySettings.Gold]);
    }

    [Fact]
    public async Task TryEnter_AtCapacity_QueuesUntilRelease()
    {
        // Arrange
        var queue = CreateQueue();
        var first = Enter(queue, TestGatewaySettings.Gold, Options(capacity: 1));

        // Act
        var second = Enter(queue, TestGatewaySettings.Gold, Options(capacity: 1));
        var queuedBeforeRelease = second.Waiter!.Completion.IsCompleted;
        queue.Release(first.Slot, TimeSpan.FromMilliseconds(10));

        // Assert
        Assert.Equal(QueueEntryStatus.Queued, second.Status);
        Assert.False(queuedBeforeRelease);
        Assert.Equal(QueueResult.Granted, await second.Waiter.Completion);
        Assert.Equal(1, queue.InFlight);
        Assert.Equal(0, queue.Queued);
    }

    [Fact]
    public void TryEnter_TenantAloneOnCluster_UsesEverySlot()
    {
        // Arrange: work-conserving, nobody else is active.
        var queue = CreateQueue();

        // Act
        var entries = Enumerable.Range(0, 4).Select(_ => Enter(queue, TestGatewaySettings.Silver, Options(capacity: 4))).ToList();

        // Assert
        Assert.All(entries, e => Assert.Equal(QueueEntryStatus.Granted, e.Status));
        Assert.Equal(4, queue.InFlightFor(TestGatewaySettings.Silver));
    }

    [Fact]
    public void TryEnter_OtherTenantActive_BorrowsOnlyUnclaimedSlotsAndLeavesItsShareFree()
    {
        // Arrange: capacity 4; gold (weight 2) has one request in flight: shares gold 2, silver 1.
        var queue = CreateQueue();
        var options = Options(capacity: 4);
        Enter(queue, TestGatewaySettings.Gold, options);

        // Act: silver asks for three slots, then gold for its second.
        var silver = Enumerable.Range(0, 3).Select(_ => Enter(queue, TestGatewaySettings.Silver, options)).ToList();
        var goldSecond = Enter(queue, TestGatewaySettings.Gold, options);

        // Assert: silver gets its share and borrows the one slot nobody claims; gold's second slot stayed free for it.
        Assert.Equal(2, queue.ShareOf(TestGatewaySettings.Gold));
        Assert.Equal(1, queue.ShareOf(TestGatewaySettings.Silver));
        Assert.Equal([QueueEntryStatus.Granted, QueueEntryStatus.Granted, QueueEntryStatus.Queued], silver.Select(s => s.Status));
        Assert.Equal(QueueEntryStatus.Granted, goldSecond.Status);
    }

    [Fact]
    public void Release_NewcomerWhileOneTenantHoldsEverySlot_FreedSlotsGoToNewcomerUntilSharesRestored()
    {
        // Arrange: silver alone took all four slots and queues two more; then gold arrives with two requests.
        var queue = CreateQueue();
        var options = Options(capacity: 4);
        var silver = Enumerable.Range(0, 4).Select(_ => Enter(queue, TestGatewaySettings.Silver, options)).ToList();
        var silverWaiting = Enumerable.Range(0, 2).Select(_ => Enter(queue, TestGatewaySettings.Silver, options)).ToList();
        var gold = Enumerable.Range(0, 2).Select(_ => Enter(queue, TestGatewaySettings.Gold, options)).ToList();

        // Act: three of silver's slots free one after the other.
        queue.Release(silver[0].Slot, TimeSpan.FromMilliseconds(10));
        queue.Release(silver[1].Slot, TimeSpan.FromMilliseconds(10));
        queue.Release(silver[2].Slot, TimeSpan.FromMilliseconds(10));

        // Assert: the first two go to gold (its share is 2), though silver queued first; the third to silver, which may
        // borrow it once gold holds its share. Silver's last waiter stays queued: no slot is free.
        Assert.All(gold, g => Assert.True(g.Waiter!.Completion.IsCompletedSuccessfully));
        Assert.Equal(2, queue.InFlightFor(TestGatewaySettings.Gold));
        Assert.True(silverWaiting[0].Waiter!.Completion.IsCompleted);
        Assert.False(silverWaiting[1].Waiter!.Completion.IsCompleted);
        Assert.Equal(2, queue.InFlightFor(TestGatewaySettings.Silver));
    }

    [Fact]
    public void TryEnter_TierMaxConcurrency_CapsTenantEvenWhenAlone()
    {
        // Arrange
        _settings.Reload(o =>
        {
            o.Tenants[SecondSilver] = new TenantOptions { Tier = "silver" };
            o.Tiers["silver"].MaxConcurrency = 2;
        });
        var queue = CreateQueue();

        // Act
        var entries = Enumerable.Range(0, 3).Select(_ => Enter(queue, TestGatewaySettings.Silver, Options(capacity: 8))).ToList();

        // Assert
        Assert.Equal([QueueEntryStatus.Granted, QueueEntryStatus.Granted, QueueEntryStatus.Queued], entries.Select(e => e.Status));
    }

    [Fact]
    public async Task Wake_ReservedShareIdleForIdleAfterMs_WaitingBorrowerGetsTheSlot()
    {
        // Arrange: gold used the cluster a moment ago, so two of the four slots are its share; silver takes its share
        // and borrows the one unclaimed slot, and its third request must wait while gold's share is held free.
        var queue = CreateQueue();
        var options = Options(capacity: 4);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(10));
        Enter(queue, TestGatewaySettings.Silver, options);
        Enter(queue, TestGatewaySettings.Silver, options);
        var third = Enter(queue, TestGatewaySettings.Silver, options);
        Assert.Equal(QueueEntryStatus.Queued, third.Status);

        // Act: nothing happens until gold has been idle for IdleAfterMs (2 s).
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        var before = third.Waiter!.Completion.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        // Assert
        Assert.False(before);
        Assert.Equal(QueueResult.Granted, await third.Waiter.Completion);
        Assert.Equal(3, queue.InFlightFor(TestGatewaySettings.Silver));
    }

    [Fact]
    public void Release_EqualWeightsFloodAndTrickle_TrickleNotStarved()
    {
        // Arrange: one slot; A (silver) queues 10, then B (silver too) queues 2.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        var holder = Enter(queue, TestGatewaySettings.Silver, options);
        var waiting = Enumerable.Range(0, 10).Select(_ => ("A", Enter(queue, TestGatewaySettings.Silver, options)))
            .Concat(Enumerable.Range(0, 2).Select(_ => ("B", Enter(queue, SecondSilver, options))))
            .ToList();

        // Act
        var order = DrainOneAtATime(queue, holder, waiting, _ => TimeSpan.FromMilliseconds(10));

        // Assert: B's two requests go out among the first four, not after A's ten.
        Assert.Equal(2, order.Take(4).Count(t => t == "B"));
    }

    [Fact]
    public void Release_WeightsTwoToOne_ServesInThatRatio()
    {
        // Arrange: one slot held by platinum; gold (weight 2) and silver (weight 1) each queue 12.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        var holder = Enter(queue, TestGatewaySettings.Platinum, options);
        var waiting = Enumerable.Range(0, 12).Select(_ => ("G", Enter(queue, TestGatewaySettings.Gold, options)))
            .Concat(Enumerable.Range(0, 12).Select(_ => ("S", Enter(queue, TestGatewaySettings.Silver, options))))
            .ToList();

        // Act
        var order = DrainOneAtATime(queue, holder, waiting, _ => TimeSpan.FromMilliseconds(10));

        // Assert
        Assert.Equal(8, order.Take(12).Count(t => t == "G"));
    }

    [Fact]
    public void Release_WeightsFourToOne_ServesInThatRatio()
    {
        // Arrange: platinum (weight 4) against silver (weight 1), both backlogged.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        var holder = Enter(queue, TestGatewaySettings.Gold, options);
        var waiting = Enumerable.Range(0, 20).Select(_ => ("S", Enter(queue, TestGatewaySettings.Silver, options)))
            .Concat(Enumerable.Range(0, 20).Select(_ => ("P", Enter(queue, TestGatewaySettings.Platinum, options))))
            .ToList();

        // Act
        var order = DrainOneAtATime(queue, holder, waiting, _ => TimeSpan.FromMilliseconds(10));

        // Assert: in the first 20 dispatches platinum gets 16 and silver 4, though silver queued first.
        Assert.Equal(16, order.Take(20).Count(t => t == "P"));
    }

    [Fact]
    public void Release_SlowTenantChargedBySlotTime_FastTenantGetsProportionallyMoreDispatches()
    {
        // Arrange: one slot, equal weights. S's queries take 200 ms, F's 10 ms; each has run one already.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        queue.Release(Enter(queue, TestGatewaySettings.Silver, options).Slot, TimeSpan.FromMilliseconds(200));
        queue.Release(Enter(queue, SecondSilver, options).Slot, TimeSpan.FromMilliseconds(10));
        var holder = Enter(queue, TestGatewaySettings.Silver, options);
        var waiting = Enumerable.Range(0, 30).Select(_ => ("S", Enter(queue, TestGatewaySettings.Silver, options)))
            .Concat(Enumerable.Range(0, 30).Select(_ => ("F", Enter(queue, SecondSilver, options))))
            .ToList();

        // Act: each slot is held for its tenant's service time.
        var order = DrainOneAtATime(queue, holder, waiting, tenant => TimeSpan.FromMilliseconds(tenant == "S" ? 200 : 10));

        // Assert: equal slot-time, not equal counts: over the first 22 dispatches S gets about one in twenty-one.
        var first = order.Take(22).ToList();
        Assert.InRange(first.Count(t => t == "S"), 1, 2);
        Assert.InRange(first.Count(t => t == "F"), 20, 21);
    }

    [Fact]
    public void TryEnter_LaneFull_ShedsAtOnce()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 1, maxQueue: 2);
        Enter(queue, TestGatewaySettings.Gold, options);
        Enter(queue, TestGatewaySettings.Gold, options);
        Enter(queue, TestGatewaySettings.Gold, options);

        // Act
        var third = Enter(queue, TestGatewaySettings.Gold, options);
        var otherTenant = Enter(queue, TestGatewaySettings.Silver, options);

        // Assert: the full lane is the flooding tenant's alone.
        Assert.Equal(QueueEntryStatus.Shed, third.Status);
        Assert.Equal(ShedReason.QueueFull, third.Reason);
        Assert.Equal(QueueEntryStatus.Queued, otherTenant.Status);
    }

    [Fact]
    public void TryEnter_EstimatedWaitOverTwiceWhatItMayWait_ShedsAtOnceAndQueuesTheDoubtful()
    {
        // Arrange: service time 100 ms (one sample), one slot busy, so a newcomer's estimated wait is 100 ms.
        var queue = CreateQueue();
        var options = Options(capacity: 1, shedMarginMs: 10);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(100));
        Enter(queue, TestGatewaySettings.Gold, options);
        var tier = _settings.TierOf(TestGatewaySettings.Gold);

        // Act: it may wait 105 - 10 - 100 < 0 ms; 150 - 10 - 100 = 40 ms (100 > 2 × 40); 205 - 10 - 100 = 95 ms; 390 ms.
        var noTime = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, tier, options, TimeSpan.FromMilliseconds(105));
        var tooLate = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, tier, options, TimeSpan.FromMilliseconds(150));
        var doubtful = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, tier, options, TimeSpan.FromMilliseconds(205));
        var inTime = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, tier, options, TimeSpan.FromMilliseconds(500));

        // Assert: the doubtful one waits, and its timer sheds it when it can no longer start in time.
        Assert.Equal([QueueEntryStatus.Shed, QueueEntryStatus.Shed], new[] { noTime.Status, tooLate.Status });
        Assert.Equal(ShedReason.Deadline, tooLate.Reason);
        Assert.Equal(TimeSpan.FromMilliseconds(100), tooLate.EstimatedWait);
        Assert.Equal(QueueEntryStatus.Queued, doubtful.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(205 - 10 - 100), doubtful.ShedAfter);
        Assert.Equal(QueueEntryStatus.Queued, inTime.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(500 - 10 - 100), inTime.ShedAfter);
    }

    [Fact]
    public void TryEnter_SlowTenantAtItsShare_ShedsWhatItsOwnSlotsCannotServeInTime()
    {
        // Arrange: capacity 2 shared by gold and silver (one slot each); silver's queries take 400 ms and it holds its slot.
        var queue = CreateQueue();
        var options = Options(capacity: 2, shedMarginMs: 10);
        queue.Release(Enter(queue, TestGatewaySettings.Silver, options).Slot, TimeSpan.FromMilliseconds(400));
        Enter(queue, TestGatewaySettings.Gold, options);
        Enter(queue, TestGatewaySettings.Silver, options);

        // Act: with 1 s left each may wait 590 ms; silver's own slot serves the next in 400 ms, the one after in 800 ms
        // (doubtful: queued, its timer decides), and the third in 1,200 ms, over twice what it may wait.
        var tier = _settings.TierOf(TestGatewaySettings.Silver);
        var first = queue.TryEnter(TestGatewaySettings.Silver, TestGatewaySettings.Silver, tier, options, TimeSpan.FromSeconds(1));
        var second = queue.TryEnter(TestGatewaySettings.Silver, TestGatewaySettings.Silver, tier, options, TimeSpan.FromSeconds(1));
        var third = queue.TryEnter(TestGatewaySettings.Silver, TestGatewaySettings.Silver, tier, options, TimeSpan.FromSeconds(1));

        // Assert
        Assert.Equal(QueueEntryStatus.Queued, first.Status);
        Assert.Equal(QueueEntryStatus.Queued, second.Status);
        Assert.Equal(QueueEntryStatus.Shed, third.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), third.EstimatedWait);
    }

    [Fact]
    public void TryEnter_BehindOtherTenantsBacklog_CountsOnlyRequestsTaggedEarlier()
    {
        // Arrange: 100 ms service, one slot; silver has 20 queued. A gold newcomer is tagged before all of them.
        var queue = CreateQueue();
        var options = Options(capacity: 1, shedMarginMs: 0);
        queue.Release(Enter(queue, TestGatewaySettings.Silver, options).Slot, TimeSpan.FromMilliseconds(100));
        Enter(queue, TestGatewaySettings.Silver, options);
        for (var i = 0; i < 20; i++)
        {
            Enter(queue, TestGatewaySettings.Silver, options);
        }

        // Act
        var gold = Enter(queue, TestGatewaySettings.Gold, options);

        // Assert: it waits for the one busy slot only: 100 ms, not 2.1 s.
        Assert.Equal(QueueEntryStatus.Queued, gold.Status);
        Assert.InRange(gold.EstimatedWait.TotalMilliseconds, 100, 200);
    }

    [Fact]
    public async Task Shed_StillQueuedWhenTimerFires_RemovedAndShed()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 1, shedMarginMs: 10);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(100));
        var holder = Enter(queue, TestGatewaySettings.Gold, options);
        var waiting = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, _settings.TierOf(TestGatewaySettings.Gold), options, TimeSpan.FromMilliseconds(500));
        waiting.Waiter!.Arm(waiting.ShedAfter, _time, CancellationToken.None);

        // Act / Assert: nothing before deadline − margin − service (390 ms), shed at it.
        _time.Advance(TimeSpan.FromMilliseconds(389));
        Assert.False(waiting.Waiter.Completion.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(waiting.Waiter.Completion.IsCompleted);
        Assert.Equal(QueueResult.Shed, await waiting.Waiter.Completion);
        Assert.Equal(0, queue.Queued);

        // A later release finds nobody to hand the slot to.
        queue.Release(holder.Slot, TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, queue.InFlight);
    }

    [Fact]
    public async Task Cancel_WhileQueued_RemovedWithoutTakingASlot()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        var holder = Enter(queue, TestGatewaySettings.Gold, options);
        var waiting = Enter(queue, TestGatewaySettings.Silver, options);
        using var cancellation = new CancellationTokenSource();
        waiting.Waiter!.Arm(Timeout.InfiniteTimeSpan, _time, cancellation.Token);

        // Act
        await cancellation.CancelAsync();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Waiter.Completion);
        Assert.Equal(0, queue.Queued);
        Assert.Equal(0, _observer.Queued[TestGatewaySettings.Silver]);
        queue.Release(holder.Slot, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, queue.InFlight);
    }

    [Fact]
    public void TryEnter_SlowTenantHoldsMostSlotTimeWhenAnotherArrives_ReportsOffense()
    {
        // Arrange: capacity 2; silver alone takes both slots for a second and queues more.
        var queue = CreateQueue();
        var options = Options(capacity: 2);
        Enter(queue, TestGatewaySettings.Silver, options);
        Enter(queue, TestGatewaySettings.Silver, options);
        _time.Advance(TimeSpan.FromSeconds(1));
        Enter(queue, TestGatewaySettings.Silver, options);
        var beforeOthersWait = _observer.Offenses.Count;

        // Act: gold arrives and has to wait.
        Enter(queue, TestGatewaySettings.Gold, options);

        // Assert: no offence while silver was alone; one as soon as gold is active, with silver's whole share of the slot-time.
        Assert.Equal(0, beforeOthersWait);
        var offense = Assert.Single(_observer.Offenses);
        Assert.Equal(TestGatewaySettings.Silver, offense.TenantId);
        Assert.Equal(1.0, offense.SlotTimeShare, precision: 6);
    }

    [Fact]
    public void TryEnter_ManyFastRequestsLittleSlotTime_NoOffenseForTheFastTenant()
    {
        // Arrange: gold ran 20 requests of 10 ms (0.2 s), silver 2 of 1 s (2 s); capacity 1.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        for (var i = 0; i < 20; i++)
        {
            queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(10));
        }

        queue.Release(Enter(queue, TestGatewaySettings.Silver, options).Slot, TimeSpan.FromSeconds(1));
        var holder = Enter(queue, TestGatewaySettings.Silver, options);
        _time.Advance(TimeSpan.FromSeconds(1));

        // Act: both want more.
        Enter(queue, TestGatewaySettings.Gold, options);
        Enter(queue, TestGatewaySettings.Silver, options);

        // Assert: counted by requests gold sent ten times more; by slot-time silver is the offender.
        Assert.All(_observer.Offenses, o => Assert.Equal(TestGatewaySettings.Silver, o.TenantId));
        Assert.NotEmpty(_observer.Offenses);
        Assert.Equal(QueueEntryStatus.Granted, holder.Status);
    }

    [Fact]
    public void TryEnter_BriefBurstWhenClusterIsFresh_NoOffense()
    {
        // Arrange: capacity 2; gold is active; of silver's burst of four, one has held its share (one slot) for 200 ms
        // and the rest wait: all the slot-time there is, but only 0.2 slot-seconds of it.
        var queue = CreateQueue();
        var options = Options(capacity: 2);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.Zero);
        Enter(queue, TestGatewaySettings.Silver, options);
        Enter(queue, TestGatewaySettings.Silver, options);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        // Act
        Enter(queue, TestGatewaySettings.Silver, options);
        Enter(queue, TestGatewaySettings.Silver, options);

        // Assert
        Assert.Empty(_observer.Offenses);
    }

    [Fact]
    public void TryEnter_BacklogButNobodyElseActive_NoOffense()
    {
        // Arrange: gold alone holds both slots for a second and queues more.
        var queue = CreateQueue();
        var options = Options(capacity: 2);
        Enter(queue, TestGatewaySettings.Gold, options);
        Enter(queue, TestGatewaySettings.Gold, options);
        _time.Advance(TimeSpan.FromSeconds(1));

        // Act
        Enter(queue, TestGatewaySettings.Gold, options);
        Enter(queue, TestGatewaySettings.Gold, options);

        // Assert
        Assert.Empty(_observer.Offenses);
    }

    [Fact]
    public void Release_Granted_ServiceTimeEstimateFollowsEwma()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 2);

        // Act
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(100));
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(200));

        // Assert: 100 + 0.2 × (200 − 100).
        Assert.Equal(120, queue.ServiceTime.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Release_OneStalledRequest_MovesEstimateByAtMostTwentyPercent()
    {
        // Arrange: a steady 100 ms upstream.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(100));

        // Act: one request spanned a two-second stall.
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromSeconds(2));

        // Assert: the sample counts as 2 × 100 + 5 = 205 ms: 100 + 0.2 × 105.
        Assert.Equal(121, queue.ServiceTime.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Release_UpstreamReallySlowsDown_EstimateFollowsWithinTwentyRequests()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(50));

        // Act: the upstream now takes 500 ms per request.
        for (var i = 0; i < 20; i++)
        {
            queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Slot, TimeSpan.FromMilliseconds(500));
        }

        // Assert
        Assert.InRange(queue.ServiceTime.TotalMilliseconds, 400, 500);
    }

    private static List<string> DrainOneAtATime(FairQueue queue, QueueEntry holder, List<(string Tenant, QueueEntry QueueEntry)> waiting, Func<string, TimeSpan> serviceTime)
    {
        Assert.All(waiting, w => Assert.Equal(QueueEntryStatus.Queued, w.QueueEntry.Status));
        var served = new HashSet<QueuedRequest>();
        var order = new List<string>();
        var current = holder.Slot;
        var currentTenant = "";
        while (order.Count < waiting.Count)
        {
            // Each release hands the freed slot to exactly one waiting request.
            queue.Release(current, serviceTime(currentTenant));
            var next = Assert.Single(waiting, w => w.QueueEntry.Waiter!.Completion.IsCompleted && !served.Contains(w.QueueEntry.Waiter));
            served.Add(next.QueueEntry.Waiter!);
            order.Add(next.Tenant);
            current = next.QueueEntry.Waiter!.Slot;
            currentTenant = next.Tenant;
        }

        return order;
    }

    private QueueEntry Enter(FairQueue queue, string tenantId, FairnessOptions options) =>
        queue.TryEnter(tenantId, tenantId, _settings.TierOf(tenantId), options, Ample);

    private FairQueue CreateQueue() => new("rag", _time, _observer);

    private static FairnessOptions Options(int capacity, int maxQueue = 256, int shedMarginMs = 10) => new()
    {
        MaxInFlight = capacity,
        MaxQueuePerTenant = maxQueue,
        AutoThrottleShare = 0.5,
        ShedMarginMs = shedMarginMs,
    };
}
