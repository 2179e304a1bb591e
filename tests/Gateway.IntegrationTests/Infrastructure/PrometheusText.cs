using System.Globalization;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Reads sample values out of a Prometheus text exposition (<c>GET /metrics</c>).</summary>
public static class PrometheusText
{
    /// <summary>
    /// Sum of the samples of <paramref name="metric"/> whose labels include every pair in <paramref name="labels"/>;
    /// 0 when no such series exists yet (a counter that was never incremented is not exported).
    /// </summary>
    public static double Value(string exposition, string metric, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        double sum = 0;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[metric.Length..];
            string labelText;
            string valueText;
            if (rest.StartsWith('{'))
            {
                var close = rest.IndexOf('}', StringComparison.Ordinal);
                labelText = rest[1..close];
                valueText = rest[(close + 1)..].Trim();
            }
            else if (rest.StartsWith(' '))
            {
                labelText = "";
                valueText = rest.Trim();
            }
            else
            {
                continue; // A longer metric name sharing the prefix.
            }

            if (labels.All(l => labelText.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                // A sample may be followed by a timestamp.
                sum += double.Parse(valueText.Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
