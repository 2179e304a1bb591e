using System.Diagnostics;
using System.Globalization;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// One cluster-enabled <c>redis-server</c> process on 127.0.0.1 with its own directory (where its <c>nodes.conf</c> and
/// log live), client port and cluster bus port. Started again on the same ports and directory, it rejoins its cluster.
/// </summary>
internal sealed class RedisNode(string directory) : IClusterServerNode
{
    /// <summary>The node's directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>Client port.</summary>
    public int Port { get; private set; }

    /// <summary>Cluster bus port (<c>cluster-port</c>).</summary>
    public int BusPort { get; private set; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    private Process? _process;

    /// <summary>Starts on two free ports, trying others when one was taken between probing and binding.</summary>
    public async Task StartOnFreePortsAsync(string serverPath, int nodeTimeoutMs)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            BusPort = FreePort.Next();
            try
            {
                await StartAsync(serverPath, nodeTimeoutMs);
                return;
            }
            catch (InvalidOperationException) when (attempt < attempts)
            {
                await KillAsync();
            }
        }
    }

    /// <summary>Starts the process (again) on its ports and waits until it answers PING.</summary>
    public async Task StartAsync(string serverPath, int nodeTimeoutMs) =>
        _process = await RedisServers.StartRedisServerAsync(serverPath, Port,
        [
            "--protected-mode", "yes",
            "--dir", Directory,
            "--logfile", "redis.log",
            "--loglevel", "notice",
            "--cluster-enabled", "yes",
            "--cluster-port", BusPort.ToString(CultureInfo.InvariantCulture),
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", nodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
            // The README's production settings: other masters keep serving while one fails over; a pure cache.
            "--cluster-require-full-coverage", "no",
            "--save", "",
            "--appendonly", "no",
            "--maxmemory", "256mb",
            "--maxmemory-policy", "volatile-ttl",
            // Test-only: a replica may take over however briefly it was in sync, and the first sync starts
            // at once instead of after the default 5 s batching delay.
            "--cluster-replica-validity-factor", "0",
            "--repl-diskless-sync-delay", "0",
        ], workingDirectory: Directory, describeExit: LogTail);

    /// <summary>SIGKILLs the process (no shutdown, no goodbye to clients) and waits for it to be gone.</summary>
    public Task KillAsync() =>
        Interlocked.Exchange(ref _process, null) is { } process ? RedisServers.KillAsync(process) : Task.CompletedTask;

    /// <summary>Kills the process without waiting: for the test host's own exit.</summary>
    public void KillNow()
    {
        try
        {
            _process?.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The last lines of the node's log, for failure messages.</summary>
    public string LogTail()
    {
        var path = Path.Combine(Directory, "redis.log");
        try
        {
            return File.Exists(path) ? string.Join(" / ", File.ReadLines(path).TakeLast(3)) : "(no log)";
        }
        catch (IOException)
        {
            return "(log unreadable)";
        }
    }
}
