using System.Globalization;

namespace LoadDriver.Commands;

/// <summary>Command-line options shared by the scenario commands.</summary>
internal sealed class DriverOptions
{
    public string ScenarioFile { get; set; } = "";

    /// <summary>--duration-scale, or null when not given (each command has its default: 1, smoke 0.1).</summary>
    public double? DurationScale { get; set; }

    /// <summary>--rate-scale, or null when not given (1, smoke 0.5).</summary>
    public double? RateScale { get; set; }

    /// <summary>StackExchange.Redis configuration; null = the gateway's embedded store.</summary>
    public string? Redis { get; set; }

    public string OutDir { get; set; } = "";

    /// <summary>Drive this deployment instead of starting backend and gateway here.</summary>
    public Uri? GatewayUrl { get; set; }

    /// <summary>Simulated backend: queries served at once (the rest queue FIFO).</summary>
    public int BackendCapacity { get; set; } = 8;

    public double BackendMedianMs { get; set; } = 20;

    public double BackendP99Ms { get; set; } = 80;

    /// <summary>Gateway:Fairness:MaxInFlight; 0 = the backend capacity.</summary>
    public int FairMaxInFlight { get; set; }

    /// <summary>The generator's in-flight cap; requests beyond it are counted as overflow errors.</summary>
    public int MaxInFlight { get; set; } = 4000;

    /// <summary>Client-side timeout of one request (k6's HTTP_TIMEOUT).</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Quiet { get; set; }

    /// <summary>Attack suite: no rehearsal in the warm-up, so an attack meets a gateway that has never served its kind of request.</summary>
    public bool ColdAttacks { get; set; }

    /// <summary>The attack suite's shapes to run (a–g); empty: all.</summary>
    public IReadOnlyList<string> Shapes { get; set; } = [];

    /// <summary>Gateway:Embeddings:BudgetMs of the paraphrase scenario's semantic arm; null = the gateway's default.</summary>
    public int? SemanticBudgetMs { get; set; }

    public const string Usage = """
          --scenario-file PATH   scenario definition (default loadtests/scenarios.json)
          --duration-scale X     multiply every duration and window (default 1; k6 DURATION_SCALE)
          --rate-scale X         multiply every tenant's steady rate (default 1; the spike is not scaled; k6 RATE_SCALE)
          --redis CONFIG         gateway uses Redis (StackExchange.Redis configuration) instead of the embedded store
          --out DIR              report folder (default loadtests/reports/<timestamp>)
          --gateway-url URL      drive a running gateway instead of starting backend + gateway (no control run)
          --backend-capacity N   simulated backend: concurrent queries served (default 8)
          --backend-latency MEDIAN:P99   simulated backend service time in ms (default 20:80)
          --fair-max-in-flight N Gateway:Fairness:MaxInFlight (default: the backend capacity)
          --max-in-flight N      generator in-flight cap; beyond it requests count as overflow errors (default 4000)
          --http-timeout SECONDS client timeout per request (default 10)
          --semantic-budget-ms N paraphrase: Gateway:Embeddings:BudgetMs of the semantic arm (default: the gateway's, 50)
          --quiet                no per-second progress lines
          --shapes a,b,...       attacks: run only these shapes (default a–g)
          --cold                 attacks: no rehearsal in the warm-up (the attack meets code the gateway has never run)
        """;

    /// <summary>Parses <paramref name="args"/>; returns null and prints the problem when they are invalid.</summary>
    public static DriverOptions? Parse(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        var o = new DriverOptions();
        string? outDir = null;
        string? scenarioFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{name} needs a value");
                }

                return args[++i];
            }

            try
            {
                switch (name)
                {
                    case "--scenario-file": scenarioFile = Value(); break;
                    case "--duration-scale": o.DurationScale = Positive(name, Value()); break;
                    case "--rate-scale": o.RateScale = Positive(name, Value()); break;
                    case "--redis": o.Redis = Value(); break;
                    case "--out": outDir = Value(); break;
                    case "--gateway-url": o.GatewayUrl = new Uri(Value().TrimEnd('/') + "/", UriKind.Absolute); break;
                    case "--backend-capacity": o.BackendCapacity = (int)Positive(name, Value()); break;
                    case "--backend-latency":
                        var parts = Value().Split(':');
                        if (parts.Length != 2)
                        {
                            throw new FormatException($"{name} takes MEDIAN:P99 in ms");
                        }

                        o.BackendMedianMs = Positive(name, parts[0]);
                        o.BackendP99Ms = Positive(name, parts[1]);
                        break;
                    case "--fair-max-in-flight": o.FairMaxInFlight = (int)Positive(name, Value()); break;
                    case "--max-in-flight": o.MaxInFlight = (int)Positive(name, Value()); break;
                    case "--http-timeout": o.HttpTimeout = TimeSpan.FromSeconds(Positive(name, Value())); break;
                    case "--semantic-budget-ms": o.SemanticBudgetMs = (int)Positive(name, Value()); break;
                    case "--quiet": o.Quiet = true; break;
                    case "--cold": o.ColdAttacks = true; break;
                    case "--shapes": o.Shapes = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(k => k.ToLowerInvariant())]; break;
                    default: throw new FormatException($"unknown option {name}");
                }
            }
            catch (FormatException ex)
            {
                error.WriteLine(ex.Message);
                return null;
            }
        }

        o.ScenarioFile = scenarioFile ?? FindDefaultScenarioFile();
        o.OutDir = outDir ?? Path.Combine("loadtests", "reports", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        return o;
    }

    private static double Positive(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new FormatException($"{name} must be a positive number, got '{text}'");

    // loadtests/scenarios.json from the working directory (dotnet run uses the repository root), else from the
    // nearest ancestor of the binary that has it (tests, a published driver).
    private static string FindDefaultScenarioFile()
    {
        var relative = Path.Combine("loadtests", "scenarios.json");
        if (File.Exists(relative))
        {
            return relative;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return relative;
    }
}
