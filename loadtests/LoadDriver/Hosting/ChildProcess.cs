using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LoadDriver.Hosting;

/// <summary>
/// A server of this repository (the gateway or the simulated backend) run as its own process, <c>dotnet X.dll</c> from
/// the driver's output folder, so its memory and CPU can be measured apart from the load generator's. Its output goes
/// to a log file; disposing it kills it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _pump;

    private ChildProcess(Process process, Task pump, Uri url)
    {
        _process = process;
        _pump = pump;
        Url = url;
    }

    /// <summary>Root URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="dll"/> (a file name in the driver's folder) on a free loopback port and waits for <paramref name="readyPath"/> to answer 200.</summary>
    public static async Task<ChildProcess> StartAsync(
        string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath, string readyPath, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(logPath))!,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString().TrimEnd('/'));
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"dotnet {dll} did not start");
        var pump = PumpAsync(process, logPath);
        var child = new ChildProcess(process, pump, url);
        try
        {
            await child.WaitReadyAsync(readyPath, cancellationToken);
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        await _pump;
        _process.Dispose();
    }

    private async Task WaitReadyAsync(string readyPath, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.ArgumentList[0]} exited with code {_process.ExitCode} before it was ready; see its log");
            }

            try
            {
                using var response = await http.GetAsync(readyPath.TrimStart('/'), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{_process.StartInfo.ArgumentList[0]} was not ready within 60 s");
    }

    private static async Task PumpAsync(Process process, string logPath)
    {
        await using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var lines = new[] { process.StandardOutput, process.StandardError }.Select(async reader =>
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        });
        await Task.WhenAll(lines);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
