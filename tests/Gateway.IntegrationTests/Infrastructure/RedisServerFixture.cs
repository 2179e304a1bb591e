using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Garnet;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Which server a <see cref="RedisServerFixture"/> runs.</summary>
public enum RedisServerKind
{
    /// <summary>A real <c>redis-server</c> process found on PATH.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet hosted in the test process (fallback when <c>redis-server</c> is missing).</summary>
    Garnet,
}

/// <summary>
/// A Redis-compatible server on a free 127.0.0.1 port: <c>redis-server</c> from PATH (no persistence), or, when it
/// is not installed, an in-process Garnet server with Lua enabled. Set <c>GATEWAY_TEST_REDIS=garnet</c> to force
/// Garnet. <see cref="StopAsync"/> and <see cref="StartAsync"/> take the server down and bring it back on the same
/// port, for outage tests. Share it through <see cref="RedisCollection"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    /// <summary>Environment variable that selects the server: <c>redis</c>, <c>garnet</c> or unset (auto).</summary>
    public const string SelectorVariable = "GATEWAY_TEST_REDIS";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly IMessageSink? _diagnostics;
    private readonly string? _redisServerPath;
    private Process? _process;
    private GarnetServer? _garnet;

    /// <summary>Used by xunit as a collection fixture.</summary>
    public RedisServerFixture(IMessageSink diagnostics)
        : this(diagnostics, Environment.GetEnvironmentVariable(SelectorVariable))
    {
    }

    private RedisServerFixture(IMessageSink? diagnostics, string? selector)
    {
        _diagnostics = diagnostics;
        _redisServerPath = string.Equals(selector, "garnet", StringComparison.OrdinalIgnoreCase) ? null : FindOnPath("redis-server");
        if (_redisServerPath is null && string.Equals(selector, "redis", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("redis-server was requested but is not on PATH.");
        }

        Kind = _redisServerPath is null ? RedisServerKind.Garnet : RedisServerKind.RedisServer;
        Port = FreePort.Next();
    }

    /// <summary>A fixture (not yet started) that runs <paramref name="kind"/> whatever the environment says.</summary>
    public static RedisServerFixture Create(RedisServerKind kind) =>
        new(null, kind == RedisServerKind.Garnet ? "garnet" : "redis");

    /// <summary>The server in use.</summary>
    public RedisServerKind Kind { get; }

    /// <summary>Loopback port; stays the same across <see cref="StopAsync"/> / <see cref="StartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string for <c>Gateway:Redis:Configuration</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>Whether the server is running.</summary>
    public bool IsRunning => _process is { HasExited: false } || _garnet is not null;

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => StopAsync();

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        if (Kind == RedisServerKind.RedisServer)
        {
            StartRedisServer();
        }
        else
        {
            // Small memory budgets: tests hold kilobytes, and the defaults reserve gigabytes of address space.
            _garnet = new GarnetServer(["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--lua", "--memory", "64m", "--index", "1m", "--logger-level", "Warning"],
                Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            _garnet.Start();
        }

        var message = $"RedisServerFixture: using {(Kind == RedisServerKind.RedisServer ? _redisServerPath : "in-process Garnet")} on 127.0.0.1:{Port}";
        Console.WriteLine(message);
        _diagnostics?.OnMessage(new DiagnosticMessage(message));
        await WaitForPingAsync();
    }

    /// <summary>Stops the server; clients see connection failures until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(StartTimeout);
            await process.WaitForExitAsync(wait.Token);
            process.Dispose();
        }

        if (_garnet is { } garnet)
        {
            _garnet = null;
            garnet.Dispose();
        }
    }

    /// <summary>Sends one command in RESP and returns the first reply line, e.g. <c>+PONG</c>.</summary>
    public async Task<string> SendRawAsync(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var reply = Encoding.UTF8.GetString(buffer, 0, read);
        var end = reply.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? reply : reply[..end];
    }

    private void StartRedisServer()
    {
        var start = new ProcessStartInfo(_redisServerPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--loglevel", "warning", "--protected-mode", "yes",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");

        // Drain both pipes so a chatty server can never block on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private async Task WaitForPingAsync()
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < StartTimeout)
        {
            if (_process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"redis-server exited with code {exited.ExitCode} on port {Port}.");
            }

            try
            {
                if (await SendRawAsync("PING") == "+PONG")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                last = ex;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{Kind} did not answer PING on port {Port} within {StartTimeout.TotalSeconds} s.", last);
    }

    private static string? FindOnPath(string executable)
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
}

/// <summary>Tests in this collection share one <see cref="RedisServerFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>Collection name for <c>[Collection(RedisCollection.Name)]</c>.</summary>
    public const string Name = "Redis";
}
