using System.Globalization;
using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Management</c>: every URL is <c>http(s)://host[:port]</c>, as Kestrel binds them.</summary>
internal sealed class ManagementValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Management:Urls";
        foreach (var url in options.Management.UrlList())
        {
            if (!IsListenUrl(url))
            {
                errors.Add($"{key}: '{url}' is not a listen URL such as http://+:9090 or http://127.0.0.1:9090 (scheme http or https, a host, an optional port, no path).");
            }
        }
    }

    /// <summary>
    /// Checked by hand rather than with <see cref="Uri"/>: Kestrel's wildcard hosts (<c>+</c>, <c>*</c>) are not valid
    /// URI hosts, and a path would be silently ignored by Kestrel.
    /// </summary>
    private static bool IsListenUrl(string url)
    {
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            return false;
        }

        var scheme = url[..separator];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var authority = url[(separator + 3)..].TrimEnd('/');
        if (authority.Length == 0 || authority.Contains('/', StringComparison.Ordinal) || authority.Contains('?', StringComparison.Ordinal))
        {
            return false;
        }

        // [ipv6]:port, host:port or host.
        var closing = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        if (colon <= closing)
        {
            return true;
        }

        return colon > 0
            && int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is >= 0 and <= 65535;
    }
}
