using System.Diagnostics;

namespace LoadDriver.Load;

/// <summary>
/// Open-loop load: every stream sends on its own fixed schedule whatever the server does. A dedicated thread walks
/// the merged schedule and starts each request at its intended time without waiting for earlier responses; its
/// latency is measured from the intended time, so a stalled server (or a late generator) shows up as latency
/// instead of silently thinning the load (no coordinated omission). Requests beyond <c>maxInFlight</c> are not
/// sent and are counted as <see cref="OutcomeKind.Overflow"/> errors.
/// </summary>
internal sealed class OpenLoopGenerator
{
    private static readonly double TicksPerSecond = Stopwatch.Frequency;
    private readonly RagClient _client;
    private readonly Recorder _recorder;
    private readonly Func<double, string> _phaseAt;
    private readonly int _maxInFlight;
    private readonly Action<string>? _progress;
    private int _inFlight;

    /// <param name="phaseAt">Phase name for a point of the timeline (seconds since the start).</param>
    /// <param name="progress">Receives one progress line per second, or null for a quiet run.</param>
    public OpenLoopGenerator(RagClient client, Recorder recorder, Func<double, string> phaseAt, int maxInFlight, Action<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(phaseAt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _client = client;
        _recorder = recorder;
        _phaseAt = phaseAt;
        _maxInFlight = maxInFlight;
        _progress = progress;
    }

    /// <summary>Stopwatch timestamp of second 0 of the timeline, once <see cref="RunAsync"/> has started.</summary>
    public long StartTimestamp { get; private set; }

    /// <summary>Runs every stream and action to the end, then waits (bounded) for the requests still in flight.</summary>
    public async Task RunAsync(IReadOnlyList<LoadStream> streams, IReadOnlyList<TimedAction> actions, TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(actions);
        StartTimestamp = Stopwatch.GetTimestamp() + (long)(0.2 * TicksPerSecond);
        var pending = new List<Task>();
        var dispatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Dispatch(streams, pending, cancellationToken);
                dispatched.SetResult();
            }
            catch (Exception ex)
            {
                dispatched.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop-dispatcher",
            Priority = ThreadPriority.AboveNormal,
        };

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = _progress is null ? Task.CompletedTask : ReportProgressAsync(stopProgress.Token);
        var actionTasks = actions.Select(a => RunActionAsync(a, cancellationToken)).ToList();
        thread.Start();
        await dispatched.Task;

        Task[] sends;
        lock (pending)
        {
            sends = [.. pending];
        }

        await Task.WhenAny(Task.WhenAll(sends), Task.Delay(drainTimeout, CancellationToken.None));
        await Task.WhenAll(actionTasks);
        await stopProgress.CancelAsync();
        await progress;
        _progress?.Invoke(_recorder.ProgressLine(Elapsed()) + "  (done)");
    }

    private double Elapsed() => (Stopwatch.GetTimestamp() - StartTimestamp) / TicksPerSecond;

    private void Dispatch(IReadOnlyList<LoadStream> streams, List<Task> pending, CancellationToken cancellationToken)
    {
        var next = new long[streams.Count];
        var queue = new PriorityQueue<int, long>();
        for (var s = 0; s < streams.Count; s++)
        {
            if (streams[s].Count > 0)
            {
                queue.Enqueue(s, DueTimestamp(streams[s], 0));
            }
        }

        while (queue.TryPeek(out var s, out var due))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() < due)
            {
                // No spinning: on a 2-core machine shared with the server a busy wait would steal the server's CPU.
                // Sleep(1) overshoots by about a millisecond, which the send lag histogram reports and the
                // latency includes (it is measured from the intended time).
                Thread.Sleep(1);
                continue;
            }

            queue.Dequeue();
            var stream = streams[s];
            var index = next[s]++;
            if (next[s] < stream.Count)
            {
                queue.Enqueue(s, DueTimestamp(stream, next[s]));
            }

            var dueSeconds = stream.DueSeconds(index);
            var stats = _recorder.Stats(stream.Tenant.Id, _phaseAt(dueSeconds), stream.Tenant.TimeoutMs);
            var second = (int)Math.Floor(dueSeconds);
            var query = stream.Query(index);
            if (Interlocked.Increment(ref _inFlight) > _maxInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                _recorder.Record(stats, stream.Group, second, new QueryOutcome(0, OutcomeKind.Overflow, null, null, false), 0);
                continue;
            }

            _recorder.OnSent(Micros(Stopwatch.GetTimestamp() - due));
            var task = SendAsync(stream, stats, second, index, query, due, cancellationToken);
            if (!task.IsCompleted)
            {
                lock (pending)
                {
                    pending.Add(task);
                }
            }
        }
    }

    private async Task SendAsync(LoadStream stream, TenantPhaseStats stats, int second, long index, string query, long intended, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = stream.Send is { } send
                ? await send(_client, index, query, cancellationToken)
                : await _client.QueryAsync(stream.Token, query, cancellationToken, stream.Configure);
            _recorder.Record(stats, stream.Group, second, outcome, Micros(Stopwatch.GetTimestamp() - intended));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RunActionAsync(TimedAction action, CancellationToken cancellationToken)
    {
        // Wait for the thread to publish the start time, then for the action's point of the timeline.
        while (StartTimestamp == 0)
        {
            await Task.Delay(10, cancellationToken);
        }

        var wait = (StartTimestamp + (long)(action.AtSeconds * TicksPerSecond) - Stopwatch.GetTimestamp()) / TicksPerSecond;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
        }

        await action.Run(cancellationToken);
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                _progress!(_recorder.ProgressLine(Elapsed()));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long DueTimestamp(LoadStream stream, long index) => StartTimestamp + (long)(stream.DueSeconds(index) * TicksPerSecond);

    private static long Micros(long ticks) => (long)(ticks * 1_000_000.0 / TicksPerSecond);
}
