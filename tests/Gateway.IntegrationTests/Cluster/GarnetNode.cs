using System.Net.Sockets;
using Garnet;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// One cluster-enabled Garnet server hosted in the test process on 127.0.0.1, with its own directory for checkpoints,
/// the append-only file and cluster config (Garnet replicates by streaming the AOF, so primaries need it on).
/// </summary>
internal sealed class GarnetNode(string directory) : IClusterServerNode
{
    private GarnetServer? _server;

    /// <inheritdoc />
    public int Port { get; private set; }

    /// <inheritdoc />
    public bool IsRunning => _server is not null;

    /// <summary>Starts on a free port, trying another when the port was taken between probing and binding.</summary>
    public async Task StartOnFreePortAsync()
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            try
            {
                await StartAsync();
                return;
            }
            catch (Exception ex) when (attempt < attempts && ex is SocketException or InvalidOperationException or TimeoutException)
            {
                await KillAsync();
            }
        }
    }

    /// <inheritdoc />
    public Task KillAsync()
    {
        // Disposing closes every client socket at once: the closest an in-process server gets to SIGKILL.
        Interlocked.Exchange(ref _server, null)?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void KillNow() => Interlocked.Exchange(ref _server, null)?.Dispose();

    /// <inheritdoc />
    public string LogTail() => "(in-process Garnet, no log)";

    private async Task StartAsync()
    {
        Directory.CreateDirectory(directory);
        _server = await RedisServers.StartGarnetAsync(Port,
        [
            "--cluster",
            "--lua",
            // Replication ships the AOF; small budgets because tests hold kilobytes and the defaults reserve gigabytes.
            "--aof",
            "--aof-memory", "16m",
            "--aof-page-size", "2m",
            "--memory", "64m",
            "--page", "1m",
            "--index", "1m",
            // The managed file device: the default native one needs libaio, which a machine with only the SDK lacks.
            "--device-type", "RandomAccess",
            "--checkpointdir", Path.Combine(directory, "checkpoints"),
            // Gossip every second so a slot takeover reaches the other nodes quickly.
            "--gossip-delay", "1",
            "--logger-level", "Warning",
        ]);
    }
}
