using Gateway.Config.Reload;
using Gateway.Management;

namespace Gateway.Hosting;

/// <summary>Says at start-up, loudly, what an operator must know about the gateway's exposure: its token keys and its listeners.</summary>
internal static partial class StartupChecks
{
    /// <summary>Logs the findings for the settings in force at start-up.</summary>
    public static void Log(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Startup");
        var jwt = app.Services.GetRequiredService<IGatewaySettings>().Current.Options.Jwt;
        var environment = app.Environment.EnvironmentName;
        if (!jwt.HasVerificationKeys)
        {
            LogNoKeys(logger);
        }
        else if (!string.IsNullOrEmpty(jwt.SigningKey) && jwt.HasAsymmetricKeys)
        {
            LogSigningKeyIgnored(logger);
        }
        else if (jwt.AcceptsSharedSecret && !app.Environment.IsDevelopment())
        {
            LogSharedSecretInUse(logger, environment);
        }

        var listener = app.Services.GetRequiredService<ManagementListener>();
        if (listener.IsSeparate)
        {
            var urls = string.Join(", ", listener.Urls);
            LogManagementListener(logger, urls);
        }
        else if (!app.Environment.IsDevelopment())
        {
            LogManagementShared(logger, environment);
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Critical,
        Message = "No token signing key is configured (Gateway:Jwt:PublicKeys, Gateway:Jwt:Authority, or Gateway:Jwt:SigningKey with AllowSharedSecret): every token is refused with 401 and /readyz reports unavailable until one is")]
    private static partial void LogNoKeys(ILogger logger);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning,
        Message = "Gateway:Jwt:SigningKey is ignored: PublicKeys or Authority is configured, so HS256 tokens are refused")]
    private static partial void LogSigningKeyIgnored(ILogger logger);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning,
        Message = "HS256 shared secret accepted in the {Environment} environment (Gateway:Jwt:AllowSharedSecret is true): anyone holding Gateway:Jwt:SigningKey can mint tokens for any tenant")]
    private static partial void LogSharedSecretInUse(ILogger logger, string environment);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "Operator endpoints (/admin, /metrics) answer only on the management listener: {Urls}")]
    private static partial void LogManagementListener(ILogger logger, string urls);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning,
        Message = "Gateway:Management:Urls is not set ({Environment}): /admin and /metrics are served on the proxy listener, to every client that can reach it; set it to serve them on their own port")]
    private static partial void LogManagementShared(ILogger logger, string environment);
}
