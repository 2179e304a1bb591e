using System.Globalization;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RagBackendSim;

/// <summary>Builds the simulated RAG backend, for <c>Program.cs</c> and for tests or load drivers hosting it in-process.</summary>
public static class RagBackend
{
    /// <summary>Listen address when neither <c>--urls</c>, <c>ASPNETCORE_URLS</c> nor <c>app.Urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5200";

    // Lowest-precedence defaults: the command line, environment variables and app.Urls all override them.
    private static KeyValuePair<string, string?>[] Defaults =>
    [
        new("urls", DefaultUrl),
        new("Logging:LogLevel:Default", "Information"),

        // Per-request framework logs would cost more than the simulated work under load.
        new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
    ];

    /// <summary>Returns a built, not yet started, simulator with all endpoints mapped.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:0 --Sim:Capacity=4</c>.</param>
    /// <param name="configure">Applied after the <c>Sim</c> configuration section, so code wins over configuration.</param>
    public static WebApplication Create(string[] args, Action<RagBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(args);

        // No appsettings*.json: hosted in-process, the working directory is the host's output folder (a test's
        // holds the gateway's appsettings.json), whose Urls, Kestrel and Logging settings are not the simulator's.
        RemoveJsonFiles(builder.Configuration);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });

        var services = builder.Services;
        services.AddOptions<RagBackendOptions>()
            .Bind(builder.Configuration.GetSection(RagBackendOptions.SectionName))
            .ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<RagBackendOptions>, RagBackendOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RagBackendStats>();
        services.AddSingleton<CapacityGate>();
        services.AddSingleton<ServiceTimeSampler>();
        services.AddSingleton<QueryHandler>();

        var app = builder.Build();
        MapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() => LogReady(app.Services));
        return app;
    }

    private static void MapEndpoints(WebApplication app)
    {
        // Resolved lazily so that invalid options fail in ValidateOnStart with a readable message, not here.
        app.MapPost("/query", context => context.RequestServices.GetRequiredService<QueryHandler>().HandleAsync(context));
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/stats", (RagBackendStats stats) => Results.Json(stats.Snapshot(), SimJsonContext.Default.RagBackendStatsSnapshot));
        app.MapPost("/stats/reset", (RagBackendStats stats, ILogger<RagBackendStats> logger) =>
        {
            stats.Reset();
            Log.StatsReset(logger);
            return Results.NoContent();
        });
    }

    private static void RemoveJsonFiles(IConfigurationBuilder configuration)
    {
        for (var i = configuration.Sources.Count - 1; i >= 0; i--)
        {
            if (configuration.Sources[i] is FileConfigurationSource)
            {
                configuration.Sources.RemoveAt(i);
            }
        }
    }

    private static void LogReady(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RagBackendOptions>>().Value;
        var sampler = services.GetRequiredService<ServiceTimeSampler>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RagBackend));
        Log.Ready(
            logger,
            options.Capacity,
            options.LatencyMedianMs,
            options.LatencyP99Ms,
            sampler.Mu,
            sampler.Sigma,
            options.FixedLatencyMs is { } fixedMs ? $"{fixedMs} ms" : "off",
            options.StreamTokens,
            options.StreamTokenDelayMs,
            options.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none");
    }
}
