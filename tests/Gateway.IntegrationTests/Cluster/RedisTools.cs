using System.Diagnostics;
using System.Globalization;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>Requires <c>redis-server</c> 7+ and <c>redis-cli</c> and runs <c>redis-cli --cluster create</c>.</summary>
internal static class RedisTools
{
    /// <summary>Full path of <paramref name="executable"/> on PATH; throws with an installation hint when it is missing.</summary>
    public static string Require(string executable) => RedisServers.FindOnPath(executable) ?? throw new InvalidOperationException(
            $"The Redis Cluster tests start a real cluster and need '{executable}' (Redis 7.0 or newer) on PATH. " +
            "Install it (Debian/Ubuntu: sudo apt-get install redis-server redis-tools; macOS: brew install redis) or run .ci/run, which does. " +
            "Skip them with --filter \"FullyQualifiedName!~Cluster\".");

    /// <summary>Throws unless <paramref name="serverPath"/> is Redis 7.0 or newer (<c>cluster-port</c> needs it).</summary>
    public static async Task RequireVersion7Async(string serverPath)
    {
        var start = new ProcessStartInfo(serverPath, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        // "Redis server v=7.0.15 sha=..."
        var marker = text.IndexOf("v=", StringComparison.Ordinal);
        var major = marker < 0 ? 0 : int.Parse(text[(marker + 2)..text.IndexOf('.', marker)], CultureInfo.InvariantCulture);
        if (major < 7)
        {
            throw new InvalidOperationException($"The Redis Cluster tests need redis-server 7.0 or newer; found: {text.Trim()}");
        }
    }

    /// <summary>Joins <paramref name="ports"/> into a cluster with one replica per master (the first half become masters).</summary>
    public static async Task CreateClusterAsync(string cliPath, IEnumerable<int> ports, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(cliPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var port in ports)
        {
            start.ArgumentList.Add($"127.0.0.1:{port}");
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add("1");
        start.ArgumentList.Add("--cluster-yes");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"redis-cli --cluster create did not finish within {timeout.TotalSeconds} s: {await output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({process.ExitCode}): {await output} {await error}");
        }
    }
}
