using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// The real gateway on Kestrel, started in-process exactly as <c>Program.cs</c> starts it
/// (<c>CreateBuilder(args)</c>, <c>AddGateway()</c>, <c>Build()</c>, <c>MapGateway()</c>), listening on a free
/// 127.0.0.1 port and reading a temporary configuration file given with <c>--config</c>.
/// </summary>
/// <remarks>
/// Logs go to <see cref="Logs"/> only (Warning and above unless asked otherwise), so a test run stays quiet
/// but a test can still assert that a line was written. The configuration file is watched by the gateway
/// like any other; <see cref="RewriteConfigAsync"/> and <see cref="WriteConfigRawAsync"/> drive hot reload.
/// </remarks>
public sealed class GatewayInstance : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly SemaphoreSlim _configGate = new(1, 1);
    private JsonObject _config;

    private GatewayInstance(WebApplication app, string directory, string configPath, JsonObject config, CapturedLogs logs)
    {
        _app = app;
        _directory = directory;
        _config = config;
        ConfigPath = configPath;
        Logs = logs;
        var management = config["Gateway"]?["Management"]?["Urls"]?.GetValue<string>();
        if (!string.IsNullOrWhiteSpace(management))
        {
            ManagementAddress = Normalize(management.Split(';')[0]);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = addresses.Select(Normalize).First(a => ManagementAddress is null || a.Port != ManagementAddress.Port);
        Client = CreateClient();
    }

    /// <summary>Root URL of the management listener when <c>Gateway:Management:Urls</c> is configured (its first URL); null otherwise.</summary>
    public Uri? ManagementAddress { get; }

    /// <summary>Root URL of the gateway, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the gateway (no redirects, no proxy, 30 s timeout). Disposed with the instance.</summary>
    public HttpClient Client { get; }

    /// <summary>The gateway's service provider, e.g. to read <c>IGatewaySettings</c> or a replaced <c>TimeProvider</c>.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Absolute path of the configuration file the gateway watches.</summary>
    public string ConfigPath { get; }

    /// <summary>Every log line the gateway wrote at or above the minimum level given at start.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>Starts a gateway with the configuration built by <paramref name="config"/>.</summary>
    /// <param name="config">The configuration file's content.</param>
    /// <param name="configureServices">
    /// Runs after <c>AddGateway()</c> and before <c>Build()</c>, so it can replace any registration, for example
    /// <c>services.Replace(ServiceDescriptor.Singleton&lt;TimeProvider&gt;(fakeTime))</c>.
    /// </param>
    /// <param name="minimumLogLevel">Lowest level captured in <see cref="Logs"/>.</param>
    /// <exception cref="Config.Reload.GatewayConfigurationException">From <c>AddGateway()</c> when the configuration is invalid.</exception>
    public static Task<GatewayInstance> StartAsync(
        GatewayConfigBuilder config,
        Action<IServiceCollection>? configureServices = null,
        LogLevel minimumLogLevel = LogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(config);
        return StartAsync(config.Build(), configureServices, minimumLogLevel);
    }

    /// <inheritdoc cref="StartAsync(GatewayConfigBuilder, Action{IServiceCollection}?, LogLevel)"/>
    public static async Task<GatewayInstance> StartAsync(
        JsonObject config,
        Action<IServiceCollection>? configureServices = null,
        LogLevel minimumLogLevel = LogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(config);
        var directory = Directory.CreateTempSubdirectory("gateway-it-").FullName;
        var configPath = Path.Combine(directory, "gateway.json");
        try
        {
            await File.WriteAllTextAsync(configPath, config.ToJsonString(GatewayConfigBuilder.Indented));
            var logs = new CapturedLogs();
            var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--config", configPath]);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(minimumLogLevel);
            builder.AddGateway();
            configureServices?.Invoke(builder.Services);
            var app = builder.Build();
            app.MapGateway();
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            return new GatewayInstance(app, directory, configPath, config.DeepClone().AsObject(), logs);
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>A new client for the gateway, for tests that need their own connection pool or handler settings.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) => CreateClient(BaseAddress, timeout);

    /// <summary>A new client for the management listener; fails when none is configured.</summary>
    public HttpClient CreateManagementClient(TimeSpan? timeout = null) =>
        CreateClient(ManagementAddress ?? throw new InvalidOperationException("Gateway:Management:Urls is not configured."), timeout);

    /// <summary>A request to <paramref name="path"/> carrying <paramref name="bearerToken"/> when given.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? bearerToken = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return request;
    }

    /// <summary>Sends <c>GET path</c> with <paramref name="bearerToken"/>.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? bearerToken = null, CancellationToken cancellationToken = default) =>
        Client.SendAsync(Request(HttpMethod.Get, path, bearerToken), cancellationToken);

    /// <summary>
    /// Applies <paramref name="edit"/> to the last JSON document written (through this method or at start) and
    /// replaces the file atomically. The gateway notices within its poll interval (400 ms, applied on the second
    /// identical read).
    /// </summary>
    public async Task RewriteConfigAsync(Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        await _configGate.WaitAsync();
        try
        {
            var next = _config.DeepClone().AsObject();
            edit(next);
            await ReplaceFileAsync(next.ToJsonString(GatewayConfigBuilder.Indented));
            _config = next;
        }
        finally
        {
            _configGate.Release();
        }
    }

    /// <summary>
    /// Replaces the file with <paramref name="content"/> as is (e.g. malformed JSON). When the content is a JSON
    /// object it also becomes the base of the next <see cref="RewriteConfigAsync"/>; otherwise the last good document stays the base.
    /// </summary>
    public async Task WriteConfigRawAsync(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        await _configGate.WaitAsync();
        try
        {
            await ReplaceFileAsync(content);
            try
            {
                if (JsonNode.Parse(content) is JsonObject parsed)
                {
                    _config = parsed;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Malformed on purpose; keep editing from the last well-formed document.
            }
        }
        finally
        {
            _configGate.Release();
        }
    }

    /// <summary>Stops the gateway (in-flight requests get a few seconds) and deletes its configuration directory.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var stop = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Requests still running after the grace period are cut off; the instance is going away anyway.
            }
        }

        await _app.DisposeAsync();
        _configGate.Dispose();
        TryDelete(_directory);
    }

    private static HttpClient CreateClient(Uri baseAddress, TimeSpan? timeout) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false })
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };

    private static Uri Normalize(string address) => new(address.EndsWith('/') ? address : address + "/");

    private async Task ReplaceFileAsync(string content)
    {
        // Write next to the target and rename over it, so the gateway never reads a half-written file.
        var staging = Path.Combine(_directory, $".gateway-{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(staging, content);
        File.Move(staging, ConfigPath, overwrite: true);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
