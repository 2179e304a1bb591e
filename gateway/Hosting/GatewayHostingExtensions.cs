using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Admin;
using Gateway.ApiDocs;
using Gateway.OperatorConsole;
using Gateway.Config.Options;
using Gateway.Config.Reload;
using Gateway.Health;
using Gateway.Management;
using Gateway.Telemetry;
using Gateway.Transforms.Edge;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Gateway.Hosting;

/// <summary>The gateway's start-up, as two calls: <c>builder.AddGateway()</c> and <c>app.MapGateway()</c>.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>Loads and validates configuration and registers every gateway service.</summary>
    /// <exception cref="GatewayConfigurationException">The configuration is invalid; the message names each key.</exception>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var fileEvents = new ConfigFileEvents();
        var path = GatewayConfigurationFile.Resolve(builder.Configuration, builder.Environment.ContentRootPath);
        try
        {
            GatewayConfigurationFile.Install(builder.Configuration, path, builder.Environment.EnvironmentName, fileEvents);
        }
        catch (InvalidDataException ex)
        {
            throw new GatewayConfigurationException([ex.Message]);
        }

        var errors = GatewaySettingsMonitor.ValidateConfiguration(builder.Configuration);
        if (errors.Count > 0)
        {
            throw new GatewayConfigurationException(errors);
        }

        var startup = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.SectionName).Bind(startup);
        ConfigureKestrel(builder, startup.Limits);
        ManagementListener.Configure(builder, startup.Management.UrlList());

        var services = builder.Services;
        services.AddSingleton(fileEvents);
        services.AddSingleton<GatewaySettingsMonitor>();
        services.AddSingleton<IGatewaySettings>(sp => sp.GetRequiredService<GatewaySettingsMonitor>());
        services.AddSingleton<ManagementRoutes>();
        services.AddSingleton<ConfigurationStatus>();
        services.AddGatewayStages();

        // The admin API's JSON names follow the reference design: tenant_id, hit_rate, effective_max_qps, ... Numbers are
        // numbers (the web default also reads them from strings, which the document would then advertise).
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddGatewayApiDocs();
        services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.AddGatewayTelemetry();
        return builder;
    }

    /// <summary>Builds the request pipeline and maps the proxy, admin, health and metrics endpoints.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Resolve now so configuration errors surface at start-up, not on the first request, reloads are seen from the
        // start, and the burst gauge exists before the first request.
        _ = app.Services.GetRequiredService<IGatewaySettings>();
        _ = app.Services.GetRequiredService<ConfigurationStatus>();
        _ = app.Services.GetRequiredService<BurstGrants>();
        OpenAuditTrail(app.Services);

        app.UseGatewayEdge();
        app.UseExceptionHandler(errorApp => errorApp.Run(WriteInternalErrorAsync));
        app.UseRouting();
        app.UseMiddleware<ListenerGuardMiddleware>();

        app.MapOnEveryListener().MapHealthEndpoints();

        // Every operator endpoint is mapped on this group, and only here: it is what keeps them on the management
        // listener and their paths away from the proxy routes.
        var management = app.MapManagement();
        management.MapGatewayTelemetry(app.Services);
        management.MapConsole();
        management.MapGatewayApiDocs();
        var admin = management.MapGroup("/admin");
        admin.MapTierEndpoints();
        admin.MapCacheEndpoints();
        admin.MapBurstEndpoints();
        admin.MapTenantEndpoints();
        admin.MapConfigEndpoints();

        app.MapReverseProxy(proxy =>
        {
            proxy.UseGatewayStages();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        StartupChecks.Log(app);
        return app;
    }

    private static void OpenAuditTrail(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<AuditTrail>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException([$"Gateway:Audit:Path: the audit file cannot be opened for appending ({ex.Message})."]);
        }
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, LimitsOptions limits)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;

            // Connections and slow uploads are bounded at the socket too: the buffered-body budget covers what the
            // gateway reads into memory, these cover what clients can hold open before a stage ever runs.
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections > 0 ? limits.MaxConcurrentConnections : null;
            kestrel.Limits.MaxRequestBufferSize = limits.MaxRequestBufferBytes;
            kestrel.Limits.MinRequestBodyDataRate = limits.MinRequestBodyDataRate > 0
                ? new MinDataRate(limits.MinRequestBodyDataRate, TimeSpan.FromSeconds(limits.MinRequestBodyDataRateGraceSeconds))
                : null;
        });

        // Kestrel's MaxRequestBufferSize does not reach the socket transport: its input pipe reads ahead up to its own
        // MaxReadBufferSize (1 MB by default) from every connection, whatever the application has consumed. 128 stalled
        // uploads that the gateway refuses or has not admitted yet then pull about 1 MB each into Kestrel's pinned block
        // pool, which keeps the blocks for the life of the process (issue 12, shape d: +55 MB on the pinned heap and
        // seven gen-2 collections in one second). The same cap applies at the socket.
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.MaxReadBufferSize = limits.MaxRequestBufferBytes);
    }

    private static Task WriteInternalErrorAsync(HttpContext context)
    {
        var request = context.Features.Get<GatewayRequest>();
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Errors");
        logger.LogError(error, "Unhandled error on {Path}", context.Request.Path.Value);
        return ProblemWriter.WriteAsync(context, ProblemKind.Internal, "The gateway failed to handle the request; the error has been logged.",
            request?.TenantId, request?.Tier?.Name);
    }
}
