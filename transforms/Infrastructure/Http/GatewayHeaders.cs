using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>Headers the gateway owns. Clients may not send them; the gateway sets them from verified facts.</summary>
internal static class GatewayHeaders
{
    /// <summary>Tenant id for the upstream, from the verified token.</summary>
    public const string TenantId = "X-Tenant-Id";

    /// <summary>Tenant tier for the upstream.</summary>
    public const string TenantTier = "X-Tenant-Tier";

    /// <summary>Cache result on responses.</summary>
    public const string Cache = "X-Cache";

    private static readonly string[] OwnedNames = ["x-tier", "x-cache", "x-gateway", "x-tenant", "x-forwarded-tenant"];
    private static readonly string[] OwnedPrefixes = ["x-tenant-", "x-gateway-", "x-tier-"];

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
