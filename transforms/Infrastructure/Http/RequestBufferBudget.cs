using Gateway.Config.Options;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// The node's memory for buffered request bodies: all tenants together hold at most
/// <c>Gateway:Limits:MaxBufferedBytes</c>, and one tenant at most <c>TenantBufferedShare</c> of it, so one tenant's
/// uploads (stalled or huge) can neither exhaust the node nor take the room the other tenants' small bodies need.
/// Bytes are reserved through a per-request <see cref="RequestBufferLease"/> before they are allocated and given back
/// when the request ends.
/// </summary>
internal sealed class RequestBufferBudget
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _tenants = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Bytes reserved now, all tenants together.</summary>
    public long TotalBytes
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>Bytes <paramref name="tenantId"/> has reserved now.</summary>
    public long BytesOf(string tenantId)
    {
        lock (_gate)
        {
            return _tenants.GetValueOrDefault(tenantId);
        }
    }

    /// <summary>Most bytes one tenant may hold under <paramref name="limits"/>: its share of the cap.</summary>
    public static long TenantCap(LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return (long)Math.Floor(limits.MaxBufferedBytes * limits.TenantBufferedShare);
    }

    /// <summary>Reserves <paramref name="bytes"/> for <paramref name="tenantId"/>; false, reserving nothing, when either cap would be passed.</summary>
    public bool TryReserve(string tenantId, long bytes, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate)
        {
            var held = _tenants.GetValueOrDefault(tenantId);
            if (_total + bytes > limits.MaxBufferedBytes || held + bytes > TenantCap(limits))
            {
                return false;
            }

            _total += bytes;
            _tenants[tenantId] = held + bytes;
            return true;
        }
    }

    /// <summary>Gives back <paramref name="bytes"/> reserved for <paramref name="tenantId"/>.</summary>
    public void Release(string tenantId, long bytes)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (bytes <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _total -= bytes;
            var left = _tenants.GetValueOrDefault(tenantId) - bytes;
            if (left > 0)
            {
                _tenants[tenantId] = left;
            }
            else
            {
                _tenants.Remove(tenantId);
            }
        }
    }
}
