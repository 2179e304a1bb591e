using System.Globalization;

namespace LoadDriver.Scenarios.Attacks;

/// <summary>The gateway's own count of what its guards did to the attacker, read from <c>GET /metrics</c> at the end of an arm.</summary>
internal static class GatewayCounters
{
    public const string StreamsEnded = "streams ended by the gateway";
    public const string BufferRefusals = "uploads refused (buffer budget)";
    public const string WritesSkipped = "cache writes skipped (quota)";
    public const string AutoThrottled = "429 auto_throttle";
    public const string CacheBytes = "attacker's cache bytes";
    public const string Unauthorized = "401 (all tenants)";

    public static async Task<IReadOnlyDictionary<string, double>> ReadAsync(Uri gateway, string attacker, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
            text = await http.GetStringAsync("metrics", cancellationToken);
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return new Dictionary<string, double>();
        }

        var tenant = ("tenant", attacker);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [StreamsEnded] = Sum(text, "gateway_stream_ended_total", tenant),
            [BufferRefusals] = Sum(text, "gateway_request_buffer_rejections_total", tenant),
            [WritesSkipped] = Sum(text, "gateway_cache_write_skips_total", tenant, ("reason", "quota"))
                + Sum(text, "gateway_cache_write_skips_total", tenant, ("reason", "store_full")),
            [AutoThrottled] = Sum(text, "gateway_throttle_rejections_total", tenant, ("reason", "auto_throttle")),
            [CacheBytes] = Sum(text, "gateway_cache_size_bytes", tenant),
            [Unauthorized] = Sum(text, "gateway_requests_total", ("outcome", "unauthorized")),
        };
    }

    /// <summary>Sum of the samples of <paramref name="metric"/> carrying every one of <paramref name="labels"/> (Prometheus text format).</summary>
    internal static double Sum(string exposition, string metric, params (string Name, string Value)[] labels)
    {
        double sum = 0;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[metric.Length..];
            var close = rest.StartsWith('{') ? rest.IndexOf('}', StringComparison.Ordinal) : -1;
            if (close < 0 && !rest.StartsWith(' '))
            {
                continue; // A longer metric name sharing the prefix.
            }

            var labelText = close < 0 ? "" : rest[..close];
            var sample = rest[(close + 1)..].Trim().Split(' ')[0]; // a timestamp may follow the value
            if (labels.All(l => labelText.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal))
                && double.TryParse(sample, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
            }
        }

        return sum;
    }
}
