using Gateway.Config.Options;
using Gateway.Config.Tiers;
using Gateway.Tests.Support;
using Gateway.Transforms.Fairness;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Fairness;

public sealed class FairQueueTests
{
    private static readonly TimeSpan Ample = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingObserver _observer = new();
    private readonly TestGatewaySettings _settings = new();

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
        queue.Release(first.Lane, TimeSpan.FromMilliseconds(10));

        // Assert
        Assert.Equal(QueueEntryStatus.Queued, second.Status);
        Assert.False(queuedBeforeRelease);
        Assert.Equal(QueueResult.Granted, await second.Waiter.Completion);
        Assert.Equal(1, queue.InFlight);
        Assert.Equal(0, queue.Queued);
    }

    [Fact]
    public void Release_EqualWeightsFloodAndTrickle_TrickleNotStarved()
    {
        // Arrange: one slot; A (silver, weight 1) queues 10, then B (silver too) queues 2.
        _settings.Reload(o => o.Tenants["tenant-b"] = new TenantOptions { Tier = "silver" });
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        var holder = Enter(queue, TestGatewaySettings.Silver, options);
        var waiting = Enumerable.Range(0, 10).Select(_ => ("A", Enter(queue, TestGatewaySettings.Silver, options)))
            .Concat(Enumerable.Range(0, 2).Select(_ => ("B", Enter(queue, "tenant-b", options))))
            .ToList();

        // Act
        var order = DrainOneAtATime(queue, holder, waiting);

        // Assert: B's requests go out 2nd and 4th, not after A's ten.
        Assert.Equal("ABAB" + new string('A', 8), string.Concat(order));
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
        var order = DrainOneAtATime(queue, holder, waiting);

        // Assert
        Assert.Equal("GGSGGSGGSGGSGGSGGSSSSSSS", string.Concat(order));
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
        var order = DrainOneAtATime(queue, holder, waiting);

        // Assert: in the first 20 dispatches platinum gets 16 and silver 4, though silver queued first.
        Assert.Equal(16, order.Take(20).Count(t => t == "P"));
        Assert.Equal(4, order.Take(20).Count(t => t == "S"));
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
    public void TryEnter_ExpectedWaitPlusServiceExceedsDeadline_ShedsAtOnce()
    {
        // Arrange: service time 100 ms (one sample), one slot busy.
        var queue = CreateQueue();
        var options = Options(capacity: 1, shedMarginMs: 10);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(100));
        Enter(queue, TestGatewaySettings.Gold, options);

        // Act: wait ≈ 100 ms for the slot + 100 ms service = 200 ms.
        var tooLate = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, _settings.TierOf(TestGatewaySettings.Gold), options, TimeSpan.FromMilliseconds(205));
        var inTime = queue.TryEnter(TestGatewaySettings.Gold, TestGatewaySettings.Gold, _settings.TierOf(TestGatewaySettings.Gold), options, TimeSpan.FromMilliseconds(500));

        // Assert
        Assert.Equal(QueueEntryStatus.Shed, tooLate.Status);
        Assert.Equal(ShedReason.Deadline, tooLate.Reason);
        Assert.Equal(TimeSpan.FromMilliseconds(100), tooLate.EstimatedWait);
        Assert.Equal(QueueEntryStatus.Queued, inTime.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(500 - 10 - 100), inTime.ShedAfter);
    }

    [Fact]
    public void TryEnter_BehindOtherTenantsBacklog_CountsOnlyRequestsTaggedEarlier()
    {
        // Arrange: 100 ms service, one slot; silver has 20 queued. A gold newcomer is tagged after about one of them.
        var queue = CreateQueue();
        var options = Options(capacity: 1, shedMarginMs: 0);
        queue.Release(Enter(queue, TestGatewaySettings.Silver, options).Lane, TimeSpan.FromMilliseconds(100));
        Enter(queue, TestGatewaySettings.Silver, options);
        for (var i = 0; i < 20; i++)
        {
            Enter(queue, TestGatewaySettings.Silver, options);
        }

        // Act
        var gold = Enter(queue, TestGatewaySettings.Gold, options);

        // Assert: gold's tag (0.5) is below silver's head (1), so it waits for one slot only: 100 ms, not 2.1 s.
        Assert.Equal(QueueEntryStatus.Queued, gold.Status);
        Assert.InRange(gold.EstimatedWait.TotalMilliseconds, 100, 200);
    }

    [Fact]
    public async Task Shed_StillQueuedWhenTimerFires_RemovedAndShed()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 1, shedMarginMs: 10);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(100));
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
        queue.Release(holder.Lane, TimeSpan.FromMilliseconds(100));
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
        queue.Release(holder.Lane, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, queue.InFlight);
    }

    [Fact]
    public void TryEnter_TenantHoldsMostSlotsWhileOtherWaits_ReportsOffense()
    {
        // Arrange: capacity 4, share threshold 0.5; gold takes all four slots and queues more.
        var queue = CreateQueue();
        var options = Options(capacity: 4);
        for (var i = 0; i < 6; i++)
        {
            Enter(queue, TestGatewaySettings.Gold, options);
        }

        var beforeOthersWait = _observer.Offenses.Count;

        // Act
        Enter(queue, TestGatewaySettings.Silver, options);

        // Assert: no offence while gold was alone; one as soon as silver waits.
        Assert.Equal(0, beforeOthersWait);
        var offense = Assert.Single(_observer.Offenses);
        Assert.Equal((TestGatewaySettings.Gold, 4, 4), offense);
    }

    [Fact]
    public void TryEnter_TenantHoldsMostSlotsWithoutBacklogOfItsOwn_NoOffense()
    {
        // Arrange: gold holds three of four slots but wants nothing more; silver fills the last slot.
        var queue = CreateQueue();
        var options = Options(capacity: 4);
        for (var i = 0; i < 3; i++)
        {
            Enter(queue, TestGatewaySettings.Gold, options);
        }

        Enter(queue, TestGatewaySettings.Silver, options);

        // Act: silver queues more.
        Enter(queue, TestGatewaySettings.Silver, options);
        Enter(queue, TestGatewaySettings.Silver, options);

        // Assert
        Assert.Empty(_observer.Offenses);
    }

    [Fact]
    public void Release_DispatchKeepsFloodingTenantAboveShareWhileOthersWait_ReportsOffense()
    {
        // Arrange: capacity 2 (share threshold 1 slot); silver holds one slot, gold the other and has a backlog.
        var queue = CreateQueue();
        var options = Options(capacity: 2);
        var silver = Enter(queue, TestGatewaySettings.Silver, options);
        Enter(queue, TestGatewaySettings.Gold, options);
        for (var i = 0; i < 4; i++)
        {
            Enter(queue, TestGatewaySettings.Gold, options);
        }

        Enter(queue, TestGatewaySettings.Silver, options);
        _observer.Offenses.Clear();

        // Act: silver's slot frees; gold (weight 2) wins it and now holds both while silver still waits.
        queue.Release(silver.Lane, TimeSpan.FromMilliseconds(10));

        // Assert
        Assert.Equal(2, queue.InFlightFor(TestGatewaySettings.Gold));
        Assert.Equal(1, queue.QueuedFor(TestGatewaySettings.Silver));
        Assert.Contains((TestGatewaySettings.Gold, 2, 2), _observer.Offenses);
    }

    [Fact]
    public void Release_Granted_ServiceTimeEstimateFollowsEwma()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 2);

        // Act
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(100));
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(200));

        // Assert: 100 + 0.2 × (200 − 100).
        Assert.Equal(120, queue.ServiceTime.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Release_OneStalledRequest_MovesEstimateByAtMostTwentyPercent()
    {
        // Arrange: a steady 100 ms upstream.
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(100));

        // Act: one request spanned a two-second stall.
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromSeconds(2));

        // Assert: the sample counts as 2 × 100 + 5 = 205 ms: 100 + 0.2 × 105.
        Assert.Equal(121, queue.ServiceTime.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Release_UpstreamReallySlowsDown_EstimateFollowsWithinTwentyRequests()
    {
        // Arrange
        var queue = CreateQueue();
        var options = Options(capacity: 1);
        queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(50));

        // Act: the upstream now takes 500 ms per request.
        for (var i = 0; i < 20; i++)
        {
            queue.Release(Enter(queue, TestGatewaySettings.Gold, options).Lane, TimeSpan.FromMilliseconds(500));
        }

        // Assert
        Assert.InRange(queue.ServiceTime.TotalMilliseconds, 400, 500);
    }

    private static List<string> DrainOneAtATime(FairQueue queue, QueueEntry holder, List<(string Tenant, QueueEntry QueueEntry)> waiting)
    {
        Assert.All(waiting, w => Assert.Equal(QueueEntryStatus.Queued, w.QueueEntry.Status));
        var served = new HashSet<QueuedRequest>();
        var order = new List<string>();
        var current = holder;
        while (order.Count < waiting.Count)
        {
            // Each release hands the freed slot to exactly one waiting request.
            queue.Release(current.Lane, TimeSpan.FromMilliseconds(10));
            var next = Assert.Single(waiting, w => w.QueueEntry.Waiter!.Completion.IsCompleted && !served.Contains(w.QueueEntry.Waiter));
            served.Add(next.QueueEntry.Waiter!);
            order.Add(next.Tenant);
            current = next.QueueEntry;
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
