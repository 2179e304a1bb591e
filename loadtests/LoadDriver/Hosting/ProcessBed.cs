using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoadDriver.Scenarios;

namespace LoadDriver.Hosting;

/// <summary>
/// The simulated backend and (unless a control runs without it) the gateway, each in its own process started from the
/// driver's output folder, so the gateway's memory and CPU are its own and this process is the load generator alone.
/// </summary>
internal sealed class ProcessBed : IAsyncDisposable
{
    private ProcessBed(ChildProcess backend, ChildProcess? gateway, string? configPath)
    {
        Backend = backend;
        Gateway = gateway;
        ConfigPath = configPath;
    }

    public ChildProcess Backend { get; }

    /// <summary>The gateway, or null when the load goes straight to the backend.</summary>
    public ChildProcess? Gateway { get; }

    public string? ConfigPath { get; }

    /// <param name="backend">The simulator's capacity and service time.</param>
    /// <param name="gatewayConfig">The gateway's configuration for the backend's URL, or null for no gateway.</param>
    /// <param name="workDir">Folder for the configuration file and the servers' log.</param>
    /// <param name="name">Names the files.</param>
    public static async Task<ProcessBed> StartAsync(TestBedOptions backend, Func<Uri, JsonObject>? gatewayConfig, string workDir, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Directory.CreateDirectory(workDir);
        var log = Path.Combine(workDir, $"servers-{name}.log");
        var sim = await ChildProcess.StartAsync(
            "RagBackendSim.dll",
            [
                $"--Sim:Capacity={backend.BackendCapacity}",
                FormattableString.Invariant($"--Sim:LatencyMedianMs={backend.LatencyMedianMs}"),
                FormattableString.Invariant($"--Sim:LatencyP99Ms={backend.LatencyP99Ms}"),
                $"--Sim:Seed={backend.Seed.ToString(CultureInfo.InvariantCulture)}",
                "--Logging:LogLevel:Default=Warning",
            ],
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" },
            log,
            "healthz",
            cancellationToken);
        if (gatewayConfig is null)
        {
            return new ProcessBed(sim, null, null);
        }

        try
        {
            var configPath = Path.Combine(Path.GetFullPath(workDir), $"gateway-{name}.json");
            await File.WriteAllTextAsync(configPath, gatewayConfig(sim.Url).ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            var gateway = await ChildProcess.StartAsync("Gateway.dll", ["--config", configPath], new Dictionary<string, string>(), log, "healthz", cancellationToken);
            return new ProcessBed(sim, gateway, configPath);
        }
        catch
        {
            await sim.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the load drives: the gateway, or the backend itself.</summary>
    public Target ToTarget() => new(Gateway?.Url ?? Backend.Url, Backend.Url, ConfigPath, this);

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Backend.DisposeAsync();
    }
}
