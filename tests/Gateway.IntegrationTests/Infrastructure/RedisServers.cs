using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Starts and stops the Redis-compatible servers of the tests, in one place: <c>redis-server</c> as a child process (its
/// pipes drained) or Garnet in the test process, each on 127.0.0.1 and waited on until it answers PING.
/// </summary>
internal static class RedisServers
{
    /// <summary>How long a server has to answer PING after it was started.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Full path of <paramref name="executable"/> on PATH, or null when it is not there.</summary>
    public static string? FindOnPath(string executable)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Starts <c>redis-server</c> on <paramref name="port"/> with <paramref name="arguments"/> and waits until it answers.
    /// Throws <see cref="InvalidOperationException"/> when it exits (a port taken meanwhile, say) and
    /// <see cref="TimeoutException"/> when it stays silent; either way it is gone before the exception.
    /// </summary>
    /// <param name="serverPath">The executable.</param>
    /// <param name="port">Client port.</param>
    /// <param name="arguments">Everything but <c>--port</c> and <c>--bind</c>.</param>
    /// <param name="workingDirectory">Where relative paths (its log, <c>nodes.conf</c>) go; the current directory when null.</param>
    /// <param name="describeExit">Extra detail for the exit message, such as the tail of its log.</param>
    public static async Task<Process> StartRedisServerAsync(string serverPath, int port, IEnumerable<string> arguments, string? workingDirectory = null,
        Func<string>? describeExit = null)
    {
        var start = new ProcessStartInfo(serverPath)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--port", Text(port), "--bind", "127.0.0.1", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");

        // Drain both pipes so a chatty server can never block on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitForPingAsync(port, "redis-server", () => process.HasExited
                ? $"redis-server exited with code {process.ExitCode} on port {port}{(describeExit is null ? "" : ": " + describeExit())}"
                : null);
            return process;
        }
        catch
        {
            await KillAsync(process);
            throw;
        }
    }

    /// <summary>Starts Garnet in this process on <paramref name="port"/> with <paramref name="arguments"/> and waits until it answers.</summary>
    public static async Task<GarnetServer> StartGarnetAsync(int port, IEnumerable<string> arguments)
    {
        var server = new GarnetServer(["--port", Text(port), "--bind", "127.0.0.1", .. arguments], NullLoggerFactory.Instance);
        try
        {
            server.Start();
            await WaitForPingAsync(port, "Garnet", exited: null);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILLs <paramref name="process"/> (no shutdown, no goodbye to clients), waits until it is gone and disposes it.</summary>
    public static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(StartTimeout);
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

    private static async Task WaitForPingAsync(int port, string server, Func<string?>? exited)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < StartTimeout)
        {
            if (exited?.Invoke() is { } reason)
            {
                throw new InvalidOperationException(reason);
            }

            try
            {
                if (await RespClient.SendAsync(port, "PING") as string == "PONG")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
                last = ex;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{server} did not answer PING on port {port} within {StartTimeout.TotalSeconds} s.", last);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
