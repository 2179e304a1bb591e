using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Joins Garnet nodes into a cluster with plain cluster commands, doing what <c>redis-cli --cluster create</c> does for
/// Redis: slots to the primaries, MEET, then one replica per primary. Also promotes a replica when its primary is gone,
/// because Garnet has no automatic failover.
/// </summary>
internal static class GarnetClusterForming
{
    /// <summary>
    /// Makes the first <paramref name="primaryCount"/> of <paramref name="ports"/> primaries with an even share of the
    /// slots and node <c>primaryCount + i</c> the replica of primary <c>i</c>.
    /// </summary>
    public static async Task FormAsync(IReadOnlyList<int> ports, int primaryCount, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < primaryCount; i++)
        {
            var from = RedisClusterFixture.SlotCount * i / primaryCount;
            var to = (RedisClusterFixture.SlotCount * (i + 1) / primaryCount) - 1;
            await RespClient.SendAsync(ports[i], "CLUSTER", "ADDSLOTSRANGE", Text(from), Text(to));

            // Distinct epochs up front, as redis-cli sets them, so no two primaries start out in a config-epoch tie.
            await RespClient.SendAsync(ports[i], "CLUSTER", "SET-CONFIG-EPOCH", Text(i + 1));
        }

        foreach (var port in ports.Skip(1))
        {
            await RespClient.SendAsync(ports[0], "CLUSTER", "MEET", "127.0.0.1", Text(port));
        }

        await UntilAsync(() => EveryoneKnowsAsync(ports), "all nodes to know each other", timeout - clock.Elapsed);
        for (var i = primaryCount; i < ports.Count; i++)
        {
            var primaryId = await MyIdAsync(ports[i - primaryCount]);
            var replica = ports[i];
            await UntilAsync(async () => await TryReplicateAsync(replica, primaryId), $"127.0.0.1:{replica} to replicate {primaryId}", timeout - clock.Elapsed);
        }
    }

    /// <summary>
    /// Promotes the replica on <paramref name="replicaPort"/> whose primary is down: with Garnet this orchestrated
    /// takeover stands in for the automatic failover a Redis Cluster performs by itself once its node timeout passes.
    /// </summary>
    public static Task PromoteAsync(int replicaPort) =>
        RespClient.SendAsync(replicaPort, "CLUSTER", "FAILOVER", "TAKEOVER");

    private static async Task<bool> TryReplicateAsync(int replicaPort, string primaryId)
    {
        try
        {
            await RespClient.SendAsync(replicaPort, "CLUSTER", "REPLICATE", primaryId);
            return true;
        }
        catch (RespErrorException)
        {
            // Usually "unknown node" while gossip is still spreading: try again.
            return false;
        }
    }

    private static async Task<bool> EveryoneKnowsAsync(IReadOnlyList<int> ports)
    {
        foreach (var port in ports)
        {
            if (ClusterNode.Parse(await RespClient.TextAsync(port, "CLUSTER", "NODES")).Count != ports.Count)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<string> MyIdAsync(int port) => await RespClient.TextAsync(port, "CLUSTER", "MYID");

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The Garnet cluster did not get {what} within {timeout.TotalSeconds:F0} s. {last}");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
