using System.Globalization;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>A node as <c>CLUSTER NODES</c> describes it.</summary>
/// <param name="Id">Node id.</param>
/// <param name="Port">Client port on 127.0.0.1.</param>
/// <param name="IsMaster">Whether it is a master.</param>
/// <param name="MasterId">Its master's id when it is a replica.</param>
/// <param name="IsFailed">Flagged <c>fail</c> or <c>fail?</c>.</param>
/// <param name="Slots">Slot ranges it serves (masters only).</param>
public sealed record ClusterNode(string Id, int Port, bool IsMaster, string? MasterId, bool IsFailed, IReadOnlyList<(int From, int To)> Slots)
{
    /// <summary>Whether this node serves <paramref name="slot"/>.</summary>
    public bool Owns(int slot) => Slots.Any(range => slot >= range.From && slot <= range.To);

    /// <summary>Parses the reply of <c>CLUSTER NODES</c>.</summary>
    public static IReadOnlyList<ClusterNode> Parse(string clusterNodes)
    {
        ArgumentNullException.ThrowIfNull(clusterNodes);
        var nodes = new List<ClusterNode>();
        foreach (var line in clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <epoch> <link-state> <slot> ...
            var fields = line.Split(' ');
            var address = fields[1];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..address.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var flags = fields[2].Split(',');
            var slots = fields.Skip(8).Where(s => !s.StartsWith('[')).Select(s =>
            {
                var dash = s.IndexOf('-', StringComparison.Ordinal);
                return dash < 0
                    ? (int.Parse(s, CultureInfo.InvariantCulture), int.Parse(s, CultureInfo.InvariantCulture))
                    : (int.Parse(s[..dash], CultureInfo.InvariantCulture), int.Parse(s[(dash + 1)..], CultureInfo.InvariantCulture));
            }).ToList();
            nodes.Add(new ClusterNode(
                fields[0],
                port,
                flags.Contains("master"),
                fields[3] == "-" ? null : fields[3],
                flags.Contains("fail") || flags.Contains("fail?"),
                slots));
        }

        return nodes;
    }
}
