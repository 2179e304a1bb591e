using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// One cluster-enabled <c>redis-server</c> process on 127.0.0.1 with its own directory (where its <c>nodes.conf</c> and
/// log live), client port and cluster bus port. Started again on the same ports and directory, it rejoins its cluster.
/// </summary>
internal sealed class RedisNode(string directory) : IClusterServerNode
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

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
    public async Task StartAsync(string serverPath, int nodeTimeoutMs)
    {
        var start = new ProcessStartInfo(serverPath)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture),
                     "--bind", "127.0.0.1",
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
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on port {Port}: {LogTail()}");
            }

            try
            {
                if (await RespClient.SendAsync(Port, "PING") as string == "PONG")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s.");
    }

    /// <summary>SIGKILLs the process (no shutdown, no goodbye to clients) and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

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
