using System.Diagnostics;
using LoadDriver.Commands;
using LoadDriver.Hosting;
using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>What every scenario needs: the resolved scenario file, the options, where to write, how to talk.</summary>
internal sealed class DriverContext
{
    public DriverContext(DriverOptions options, ResolvedRun run, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(console);
        Options = options;
        Run = run;
        Console = console;
        Tokens = run.Tenants.ToDictionary(t => t.Id, t => TestBed.MintTenantToken(run.File, t.Id, DateTimeOffset.UtcNow), StringComparer.Ordinal);
        AdminToken = TestBed.MintAdminToken(run.File, DateTimeOffset.UtcNow);
    }

    public DriverOptions Options { get; }

    public ResolvedRun Run { get; }

    public TextWriter Console { get; }

    public IReadOnlyDictionary<string, string> Tokens { get; }

    public string AdminToken { get; }

    /// <summary>True when the driver drives <c>--gateway-url</c> and starts nothing (no control run possible).</summary>
    public bool External => Options.GatewayUrl is not null;

    /// <param name="spikeTier">The isolation schedule: the spike tenant gets a tier limited to <c>spikeLimitQps</c>.</param>
    public TestBedOptions BedOptions(bool protections, bool spikeTier, int? capacity = null, double? medianMs = null, double? p99Ms = null)
    {
        var cap = capacity ?? Options.BackendCapacity;
        return new TestBedOptions(
            protections,
            Options.Redis,
            cap,
            medianMs ?? Options.BackendMedianMs,
            p99Ms ?? Options.BackendP99Ms,
            Options.FairMaxInFlight > 0 ? Options.FairMaxInFlight : cap,
            spikeTier);
    }

    /// <summary>Starts backend + gateway for one arm, or returns the external gateway.</summary>
    public async Task<Target> StartTargetAsync(string name, TestBedOptions bed, CancellationToken cancellationToken)
    {
        if (Options.GatewayUrl is { } url)
        {
            return new Target(url, null, null, null);
        }

        var started = await TestBed.StartAsync(Run, bed, Options.OutDir, name, cancellationToken);
        return new Target(started.GatewayUrl, started.BackendUrl, started.ConfigPath, started);
    }

    /// <summary>
    /// Steady traffic from every tenant, per <paramref name="settings"/>, against a fresh target with protections on
    /// (or the external deployment), recorded in a warm-up and a measure phase: the shape of the cache and SLA scenarios.
    /// </summary>
    public async Task<ArmResult> RunSteadyArmAsync(string scenarioName, ScenarioSettings settings, int duration, int warmup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<(string, double)> phases = [("warmup", 0), ("measure", warmup)];
        var runId = ResolvedRun.NewRunId(DateTimeOffset.UtcNow, Random.Shared);
        Console.WriteLine($"== {scenarioName}");
        await using var target = await StartTargetAsync(scenarioName, BedOptions(protections: true, spikeTier: false), cancellationToken);
        using var client = CreateClient(target);
        var streams = Streams.Steady(this, scenarioName, settings, runId, duration, _ => "tenant");
        return await RunArmAsync(External ? "deployment" : "on", "protections on", target, client, streams, phases, duration, null, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="streams"/> (and <paramref name="actions"/>) against <paramref name="target"/>, after a
    /// short unrecorded warm-up of the connection pool and JIT, and returns the arm's result.
    /// </summary>
    public async Task<ArmResult> RunArmAsync(
        string armName,
        string description,
        Target target,
        RagClient client,
        IReadOnlyList<LoadStream> streams,
        IReadOnlyList<(string Name, double Start)> phases,
        int seconds,
        string? liveGroup,
        IReadOnlyList<TimedAction>? actions,
        CancellationToken cancellationToken,
        Recorder? recorder = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(streams);
        await WarmUpAsync(client, cancellationToken);
        recorder ??= new Recorder(seconds, liveGroup);
        var generator = new OpenLoopGenerator(client, recorder, s => PhaseAt(phases, s), Options.MaxInFlight,
            Options.Quiet ? null : line => Console.WriteLine($"  [{armName}] {line}"));
        var clock = Stopwatch.StartNew();
        await generator.RunAsync(streams, actions ?? [], Options.HttpTimeout + TimeSpan.FromSeconds(2), cancellationToken);
        clock.Stop();
        return new ArmResult(armName, description, recorder, phases, Run.Tenants, clock.Elapsed)
        {
            Planned = streams.Sum(s => s.Count),
            BackendStats = target.BackendUrl is null ? null : await BackendStatsAsync(target.BackendUrl, cancellationToken),
            GatewayConfigPath = target.ConfigPath,
        };
    }

    public static string PhaseAt(IReadOnlyList<(string Name, double Start)> phases, double elapsedSeconds)
    {
        var current = phases[0].Name;
        foreach (var (name, start) in phases)
        {
            if (elapsedSeconds >= start)
            {
                current = name;
            }
        }

        return current;
    }

    public RagClient CreateClient(Target target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new RagClient(target.GatewayUrl, Options.HttpTimeout);
    }

    /// <summary>
    /// Unrecorded warm-up on texts no scenario uses: two rounds of a few concurrent queries per tenant, so JIT,
    /// connection pools (client to gateway, gateway to backend), the token cache and the 429 path of the spike
    /// tenant are warm before second 0 (a cold first request can take longer than a platinum budget).
    /// </summary>
    public async Task WarmUpAsync(RagClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var round = 0; round < 2; round++)
        {
            var burst = Run.Tenants.SelectMany(t => Enumerable.Range(0, 4).Select(_ =>
                client.QueryAsync(Tokens[t.Id], $"load driver warm-up {Guid.NewGuid():N}", cancellationToken)));
            await Task.WhenAll(burst);
        }

        // Let the burst's rate-limit tokens refill before the schedule starts.
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
    }

    private static async Task<string?> BackendStatsAsync(Uri backend, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = backend, Timeout = TimeSpan.FromSeconds(5) };
            return await http.GetStringAsync("stats", cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}

/// <summary>
/// The gateway a scenario drives (or, for a control without it, the backend itself), and the servers the driver
/// started for it: null when external.
/// </summary>
internal sealed class Target(Uri gatewayUrl, Uri? backendUrl, string? configPath, IAsyncDisposable? servers) : IAsyncDisposable
{
    public Uri GatewayUrl { get; } = gatewayUrl;

    /// <summary>The simulated backend the driver started, for its <c>/stats</c>.</summary>
    public Uri? BackendUrl { get; } = backendUrl;

    /// <summary>The gateway configuration file the driver wrote, if it started a gateway.</summary>
    public string? ConfigPath { get; } = configPath;

    public ValueTask DisposeAsync() => servers?.DisposeAsync() ?? ValueTask.CompletedTask;
}
