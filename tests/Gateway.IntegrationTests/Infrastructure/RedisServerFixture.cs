using System.Diagnostics;
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
        _redisServerPath = string.Equals(selector, "garnet", StringComparison.OrdinalIgnoreCase) ? null : RedisServers.FindOnPath("redis-server");
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

        var message = $"RedisServerFixture: using {(Kind == RedisServerKind.RedisServer ? _redisServerPath : "in-process Garnet")} on 127.0.0.1:{Port}";
        Console.WriteLine(message);
        _diagnostics?.OnMessage(new DiagnosticMessage(message));
        if (Kind == RedisServerKind.RedisServer)
        {
            _process = await RedisServers.StartRedisServerAsync(_redisServerPath!, Port,
                ["--save", "", "--appendonly", "no", "--loglevel", "warning", "--protected-mode", "yes"]);
        }
        else
        {
            // Small memory budgets: tests hold kilobytes, and the defaults reserve gigabytes of address space.
            _garnet = await RedisServers.StartGarnetAsync(Port, ["--lua", "--memory", "64m", "--index", "1m", "--logger-level", "Warning"]);
        }
    }

    /// <summary>Stops the server; clients see connection failures until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await RedisServers.KillAsync(process);
        }

        Interlocked.Exchange(ref _garnet, null)?.Dispose();
    }
}

/// <summary>Tests in this collection share one <see cref="RedisServerFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>Collection name for <c>[Collection(RedisCollection.Name)]</c>.</summary>
    public const string Name = "Redis";
}
