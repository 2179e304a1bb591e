using Gateway.Config.Options;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// One request's reservation in the <see cref="RequestBufferBudget"/>, and where its segments come from (the node's
/// <see cref="RequestBufferPool"/>, when given); disposing it (at the end of the request) gives the reservation back.
/// </summary>
internal sealed class RequestBufferLease : IDisposable
{
    private readonly RequestBufferBudget _budget;
    private readonly string _tenantId;
    private readonly LimitsOptions _limits;
    private readonly RequestBufferPool? _pool;

    public RequestBufferLease(RequestBufferBudget budget, string tenantId, LimitsOptions limits, RequestBufferPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(limits);
        _budget = budget;
        _tenantId = tenantId;
        _limits = limits;
        _pool = pool;
    }

    /// <summary>Bytes this request holds.</summary>
    public long Bytes { get; private set; }

    /// <summary>Reserves <paramref name="bytes"/> more; false (keeping what it had) when the budget refuses.</summary>
    public bool TryAdd(long bytes)
    {
        if (!_budget.TryReserve(_tenantId, bytes, _limits))
        {
            return false;
        }

        Bytes += bytes;
        return true;
    }

    /// <summary>A segment of <see cref="RequestBufferPool.SegmentSize"/> bytes for bytes already reserved; its content is undefined.</summary>
    public byte[] RentSegment() => _pool?.Rent() ?? new byte[RequestBufferPool.SegmentSize];

    /// <summary>Gives a segment from <see cref="RentSegment"/> back for reuse (the pool keeps at most the node's cap).</summary>
    public void ReturnSegment(byte[] segment) => _pool?.Return(segment, _limits.MaxBufferedBytes);

    public void Dispose()
    {
        _budget.Release(_tenantId, Bytes);
        Bytes = 0;
    }
}
