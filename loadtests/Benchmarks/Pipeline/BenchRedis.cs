using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Benchmarks.Pipeline;

/// <summary>A throw-away redis-server (no persistence) on a free loopback port, for the benchmark's Redis arms.</summary>
internal sealed class BenchRedis : IDisposable
{
    private readonly Process _process;

    private BenchRedis(Process process, int port)
    {
        _process = process;
        Configuration = $"127.0.0.1:{port}";
    }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration { get; }

    public static BenchRedis Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var process = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (is it installed?)");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new BenchRedis(process, port);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException($"redis-server did not listen on {port}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
