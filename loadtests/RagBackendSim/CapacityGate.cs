using Microsoft.Extensions.Options;

namespace RagBackendSim;

/// <summary>The backend's concurrency limit: a FIFO queue in front of <see cref="RagBackendOptions.Capacity"/> slots.</summary>
internal sealed class CapacityGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly RagBackendStats _stats;

    public CapacityGate(IOptions<RagBackendOptions> options, RagBackendStats stats)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stats);
        var capacity = options.Value.Capacity;
        _slots = new SemaphoreSlim(capacity, capacity);
        _stats = stats;
    }

    /// <summary>Waits for a slot; the returned lease gives it back when disposed.</summary>
    /// <exception cref="OperationCanceledException">The request was aborted while queued; no slot is held.</exception>
    public async ValueTask<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        // The synchronous try keeps the uncontended path free of queue bookkeeping. It cannot jump the queue:
        // SemaphoreSlim hands a released slot straight to the oldest async waiter, so the count is only above
        // zero when nobody waits.
        if (!_slots.Wait(0, CancellationToken.None))
        {
            _stats.OnQueued();
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _stats.OnDequeued();
            }
        }

        _stats.OnSlotTaken();
        return new Lease(this);
    }

    public void Dispose() => _slots.Dispose();

    private void Release()
    {
        _stats.OnSlotReleased();
        _slots.Release();
    }

    /// <summary>A held slot.</summary>
    internal readonly struct Lease : IDisposable
    {
        private readonly CapacityGate? _gate;

        public Lease(CapacityGate gate) => _gate = gate;

        public void Dispose() => _gate?.Release();
    }
}
