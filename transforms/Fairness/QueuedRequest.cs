namespace Gateway.Transforms.Fairness;

/// <summary>A request waiting in a tenant's lane. Completed exactly once: granted, shed, or cancelled.</summary>
internal sealed class QueuedRequest
{
    private readonly TaskCompletionSource<QueueResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FairQueue _queue;
    private CancellationTokenRegistration _cancellation;
    private ITimer? _shedTimer;

    public QueuedRequest(FairQueue queue, TenantLane lane, double cost, long sequence, long enqueuedAt)
    {
        _queue = queue;
        Lane = lane;
        Cost = cost;
        Sequence = sequence;
        EnqueuedAt = enqueuedAt;
    }

    public TenantLane Lane { get; }

    /// <summary>Expected service time in seconds (the lane's estimate when it queued): what its dispatch charges.</summary>
    public double Cost { get; }

    /// <summary>Arrival order, the tie-break between equal tags.</summary>
    public long Sequence { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when queued.</summary>
    public long EnqueuedAt { get; }

    /// <summary>Position in the lane; null once it has left the queue. Guarded by the queue's lock.</summary>
    public LinkedListNode<QueuedRequest>? Node { get; set; }

    public Task<QueueResult> Completion => _completion.Task;

    /// <summary>The slot handed over when <see cref="Completion"/> is <see cref="QueueResult.Granted"/>.</summary>
    public Slot Slot { get; private set; }

    /// <summary>
    /// Starts watching <paramref name="cancellationToken"/> (cancellation removes the request from the queue) and
    /// arms the shed timer. Called once, outside the queue's lock, after the request was queued.
    /// </summary>
    public void Arm(TimeSpan shedAfter, TimeProvider time, CancellationToken cancellationToken)
    {
        if (shedAfter != Timeout.InfiniteTimeSpan)
        {
            _shedTimer = time.CreateTimer(static state => ((QueuedRequest)state!).Shed(), this,
                shedAfter < TimeSpan.Zero ? TimeSpan.Zero : shedAfter, Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((QueuedRequest)state!).Cancel(token), this);
        }
    }

    /// <summary>Stops the timer and the cancellation callback once the wait is over.</summary>
    public void Disarm()
    {
        _cancellation.Dispose();
        _shedTimer?.Dispose();
    }

    /// <summary>Hands the request its slot. Called under the queue's lock after it left the lane.</summary>
    public void Grant(Slot slot)
    {
        Slot = slot;
        _completion.TrySetResult(QueueResult.Granted);
    }

    /// <summary>Sheds the request if it is still queued (the deadline timer, or a test).</summary>
    public void Shed()
    {
        if (_queue.TryRemove(this))
        {
            _completion.TrySetResult(QueueResult.Shed);
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (_queue.TryRemove(this))
        {
            _completion.TrySetCanceled(token);
        }
    }
}
