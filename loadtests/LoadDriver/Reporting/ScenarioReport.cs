using LoadDriver.Load;
using LoadDriver.Scenarios;

namespace LoadDriver.Reporting;

/// <summary>One pass/fail check. <paramref name="Enforced"/> false: shown, but does not decide the exit code.</summary>
/// <param name="Spec">What it proves, e.g. <c>§8 isolation</c>; the report's summary groups criteria by it.</param>
internal sealed record Criterion(string Spec, string Name, bool Passed, string Detail, bool Enforced = true)
{
    /// <summary>Shown in the report's §8 summary as the evidence for its <see cref="Spec"/>.</summary>
    public bool Headline { get; init; }
}

/// <summary>A free-form table a scenario adds to its section of the report.</summary>
internal sealed record ReportTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>One execution of a scenario's load against one gateway set-up (protections on, the control, ...).</summary>
internal sealed class ArmResult
{
    public ArmResult(string name, string description, Recorder recorder, IReadOnlyList<(string Name, double Start)> phases, IReadOnlyList<Tenant> tenants, TimeSpan wallClock)
    {
        Name = name;
        Description = description;
        Recorder = recorder;
        Phases = phases;
        Tenants = tenants;
        WallClock = wallClock;
    }

    /// <summary>Short name: <c>on</c>, <c>control</c>.</summary>
    public string Name { get; }

    public string Description { get; }

    public Recorder Recorder { get; }

    /// <summary>Phases with their start second, ascending.</summary>
    public IReadOnlyList<(string Name, double Start)> Phases { get; }

    public IReadOnlyList<Tenant> Tenants { get; }

    public TimeSpan WallClock { get; }

    /// <summary>Requests the schedule planned (sent plus overflow).</summary>
    public long Planned { get; init; }

    /// <summary>The simulated backend's <c>/stats</c> after the run, when the driver started it.</summary>
    public string? BackendStats { get; init; }

    public string? GatewayConfigPath { get; init; }

    /// <summary>Attack suite: memory and CPU of the gateway, the backend and the generator during the arm.</summary>
    public Hosting.ResourceUsage? Resources { get; set; }

    /// <summary>Attack suite: the attacker's streams or uploads still held open when the attack ended.</summary>
    public int HeldAtEnd { get; set; }

    /// <summary>Attack suite: what the gateway's guards counted for the attacker (from <c>/metrics</c>); null without a gateway.</summary>
    public IReadOnlyDictionary<string, double>? GatewayCounters { get; set; }
}

/// <summary>Everything one scenario contributes to the report.</summary>
internal sealed class ScenarioReport
{
    public ScenarioReport(string key, string title, string description)
    {
        Key = key;
        Title = title;
        Description = description;
    }

    public string Key { get; }

    public string Title { get; }

    public string Description { get; }

    public List<ArmResult> Arms { get; } = [];

    public List<Criterion> Criteria { get; } = [];

    public List<ReportTable> Tables { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>Isolation only: the spike window (seconds) to shade on the chart.</summary>
    public (double Start, double End)? SpikeWindow { get; set; }

    /// <summary>Isolation only: the series group the chart plots (pooled victims).</summary>
    public string? ChartGroup { get; set; }

    /// <summary>What the shaded window is called on the chart (<c>spike</c>, <c>attack</c>).</summary>
    public string WindowLabel { get; set; } = "spike";

    public bool Passed => Criteria.Where(c => c.Enforced).All(c => c.Passed);
}
