using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadDriver.Scenarios;

/// <summary>
/// <c>loadtests/scenarios.json</c>, the scenario definition shared with the k6 scripts. Keys are camelCase and keys
/// starting with <c>_</c> are comments (System.Text.Json skips unknown members, so they are simply ignored).
/// </summary>
internal sealed class ScenarioFile
{
    public string BaseUrl { get; set; } = "http://127.0.0.1:5000";

    public string QueryTemplate { get; set; } = "";

    public JwtSettings Jwt { get; set; } = new();

    public Dictionary<string, TierSettings> Tiers { get; set; } = new(StringComparer.Ordinal);

    public List<TenantSettings> Tenants { get; set; } = [];

    public ScenarioSet Scenarios { get; set; } = new();

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads and checks the file; throws <see cref="InvalidDataException"/> listing every problem.</summary>
    public static ScenarioFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"scenario file '{Path.GetFullPath(path)}' does not exist");
        }

        ScenarioFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ScenarioFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (file is null)
        {
            throw new InvalidDataException($"{path}: empty document");
        }

        var errors = file.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"{path} is invalid:\n  - {string.Join("\n  - ", errors)}");
        }

        return file;
    }

    // The k6 side (lib/scenario-file.js, run by check.sh) validates the file thoroughly; this repeats only what the
    // driver relies on, so a broken edit fails here with a message instead of a NullReferenceException mid-run.
    private List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(QueryTemplate) || !QueryTemplate.Contains("{rank}", StringComparison.Ordinal))
        {
            errors.Add("queryTemplate must contain {rank}");
        }

        if (string.IsNullOrEmpty(Jwt.SigningKey) || string.IsNullOrEmpty(Jwt.Issuer) || string.IsNullOrEmpty(Jwt.Audience))
        {
            errors.Add("jwt needs issuer, audience and signingKey");
        }

        if (Tenants.Count < 2)
        {
            errors.Add("tenants needs at least two tenants");
        }

        foreach (var t in Tenants)
        {
            if (!Tiers.ContainsKey(t.Tier))
            {
                errors.Add($"tenant {t.Id}: unknown tier '{t.Tier}'");
            }

            if (t.Rate <= 0)
            {
                errors.Add($"tenant {t.Id}: rate must be positive");
            }
        }

        var ids = Tenants.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        if (Scenarios.Isolation is { } iso && !ids.Contains(iso.SpikeTenant))
        {
            errors.Add($"scenarios.isolation.spikeTenant '{iso.SpikeTenant}' is not a tenant");
        }

        if (Scenarios.Invalidation is { } inv && !ids.Contains(inv.InvalidateTenant))
        {
            errors.Add($"scenarios.invalidation.invalidateTenant '{inv.InvalidateTenant}' is not a tenant");
        }

        if (Scenarios.Isolation is null || Scenarios.Sla is null || Scenarios.Cache is null || Scenarios.Invalidation is null)
        {
            errors.Add("scenarios must define isolation, sla, cache and invalidation");
        }

        return errors;
    }
}

internal sealed class JwtSettings
{
    public string Issuer { get; set; } = "";

    public string Audience { get; set; } = "";

    public string SigningKey { get; set; } = "";

    public string TenantClaim { get; set; } = "tenant_id";

    public int LifetimeSeconds { get; set; } = 3600;

    public int NotBeforeSkewSeconds { get; set; }

    public string SubjectPrefix { get; set; } = "loadtest-";

    public string AdminSubject { get; set; } = "loadtest-admin";

    public string AdminScope { get; set; } = "gateway:admin";

    public string? AdminTenantId { get; set; }
}

internal sealed class TierSettings
{
    public int TimeoutMs { get; set; }

    public int MaxQps { get; set; }
}

internal sealed class TenantSettings
{
    public string Id { get; set; } = "";

    public string Tier { get; set; } = "";

    public double Rate { get; set; }
}

internal sealed class ScenarioSet
{
    public IsolationSettings? Isolation { get; set; }

    public SlaSettings? Sla { get; set; }

    public CacheSettings? Cache { get; set; }

    public InvalidationSettings? Invalidation { get; set; }
}

/// <summary>Fields every scenario has.</summary>
internal abstract class ScenarioSettings
{
    public int DurationSeconds { get; set; }

    public int WarmupSeconds { get; set; }

    /// <summary><c>zipf</c> or <c>unique</c>.</summary>
    public string QueryMode { get; set; } = "zipf";

    public int DistinctQueries { get; set; } = 1;

    public double ZipfExponent { get; set; } = 1;
}

internal sealed class IsolationSettings : ScenarioSettings
{
    public string SpikeTenant { get; set; } = "";

    public int SpikeStartSeconds { get; set; }

    public int SpikeDurationSeconds { get; set; }

    public double SpikeLimitQps { get; set; }

    public double SpikeMultiplier { get; set; }

    public IsolationThresholds Thresholds { get; set; } = new();
}

internal sealed class IsolationThresholds
{
    public double VictimP95IncreasePct { get; set; } = 10;

    public double VictimErrorRate { get; set; } = 0.01;
}

internal sealed class SlaSettings : ScenarioSettings
{
    public double Compliance { get; set; } = 0.995;

    public int HardTimeoutGraceMs { get; set; } = 100;
}

internal sealed class CacheSettings : ScenarioSettings
{
    public double MinHitRate { get; set; } = 0.75;
}

internal sealed class InvalidationSettings : ScenarioSettings
{
    public string InvalidateTenant { get; set; } = "";

    public int InvalidateAtSeconds { get; set; }

    public double MinHitRate { get; set; } = 0.75;

    public int ProbeQueries { get; set; } = 3;
}
