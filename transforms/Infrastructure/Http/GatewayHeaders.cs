using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// Headers the gateway owns. Clients may not send them; the gateway sets them from verified facts: the tenant headers
/// from the token, the forwarding headers (<c>X-Forwarded-For/Proto/Host/Prefix</c>) from the connection, by YARP.
/// </summary>
internal static class GatewayHeaders
{
    /// <summary>Tenant id for the upstream, from the verified token.</summary>
    public const string TenantId = "X-Tenant-Id";

    /// <summary>Tenant tier for the upstream.</summary>
    public const string TenantTier = "X-Tenant-Tier";

    /// <summary>Cache result on responses.</summary>
    public const string Cache = "X-Cache";

    /// <summary>How a semantic cache hit matched: <c>semantic; similarity=0.97</c>.</summary>
    public const string CacheMatch = "X-Cache-Match";

    // The gateway's own headers, and every header that claims where a request came from: the upstream must see only
    // the X-Forwarded-* values the gateway (YARP) sets itself, never a client's story about its address, host or scheme.
    // X-Original-* covers X-Original-URL / X-Original-Host, which some servers honour as a path or host override.
    private static readonly string[] OwnedNames =
    [
        "x-tier", "x-cache", "x-cache-match", "x-gateway", "x-tenant",
        "forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "x-cluster-client-ip", "x-rewrite-url",
    ];

    private static readonly string[] OwnedPrefixes = ["x-tenant-", "x-gateway-", "x-tier-", "x-forwarded-", "x-original-"];

    /// <summary>
    /// True for names the gateway owns, compared case-insensitively with '_' read as '-'
    /// (some servers behind us fold underscores into dashes, so <c>X_Tenant_Id</c> is the same header to them).
    /// </summary>
    public static bool IsGatewayOwned(string name)
    {
        Span<char> normalized = stackalloc char[Math.Min(name.Length, 128)];
        var length = Math.Min(name.Length, normalized.Length);
        for (var i = 0; i < length; i++)
        {
            var c = name[i];
            normalized[i] = c == '_' ? '-' : char.ToLowerInvariant(c);
        }

        ReadOnlySpan<char> value = normalized[..length];
        foreach (var owned in OwnedNames)
        {
            if (value.SequenceEqual(owned))
            {
                return true;
            }
        }

        foreach (var prefix in OwnedPrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Removes every gateway-owned header from <paramref name="headers"/>.</summary>
    public static void Scrub(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        List<string>? doomed = null;
        foreach (var header in headers)
        {
            if (IsGatewayOwned(header.Key))
            {
                (doomed ??= []).Add(header.Key);
            }
        }

        if (doomed is null)
        {
            return;
        }

        foreach (var name in doomed)
        {
            headers.Remove(name);
        }
    }
}
