using Gateway.Config.Options;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>One request's reservation in the <see cref="RequestBufferBudget"/>; disposing it (at the end of the request) gives it all back.</summary>
internal sealed class RequestBufferLease : IDisposable
{
    private readonly RequestBufferBudget _budget;
    private readonly string _tenantId;
    private readonly LimitsOptions _limits;

    public RequestBufferLease(RequestBufferBudget budget, string tenantId, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(limits);
        _budget = budget;
        _tenantId = tenantId;
        _limits = limits;
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

    public void Dispose()
    {
        _budget.Release(_tenantId, Bytes);
        Bytes = 0;
    }
}
