using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus server (the Debian <c>prometheus</c> binary) in a temporary directory, listening on
/// <c>127.0.0.1</c> on a port the OS picks. The port is read from Prometheus' own <c>msg="Listening on"</c> log line,
/// so no port is guessed. Disposing quits it (<c>POST /-/quit</c>, then kill), and deletes the directory.
/// </summary>
/// <remarks>
/// The binary is <c>$PROMETHEUS_BIN</c>, else <c>prometheus</c> on PATH. A missing binary is an error, never a skip:
/// <c>.ci/run</c> installs the package.
/// </remarks>
public sealed partial class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PrometheusServer(string binary, string directory)
    {
        _directory = directory;
        _process = new Process
        {
            StartInfo = new ProcessStartInfo(binary)
            {
                ArgumentList =
                {
                    $"--config.file={Path.Combine(directory, "prometheus.yml")}",
                    $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                    "--web.listen-address=127.0.0.1:0",
                    "--web.enable-lifecycle",
                    "--log.level=info",
                },
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true, // Prometheus logs to stderr; an undrained pipe would block it.
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"prometheus exited with {_process.ExitCode} before listening:\n{Log}"));
    }

    /// <summary>Root URL of the server, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Time from process start until <c>/-/ready</c> answered 200.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Everything Prometheus logged so far (attach it to a failing test's output).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Writes <paramref name="config"/> as <c>prometheus.yml</c> and <paramref name="files"/> (rule files, resolved
    /// against the config's directory) into a new temporary directory, starts Prometheus and waits for <c>/-/ready</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The binary is missing, or Prometheus exited or did not get ready.</exception>
    public static async Task<PrometheusServer> StartAsync(string config, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(files);
        var binary = Environment.GetEnvironmentVariable("PROMETHEUS_BIN") is { Length: > 0 } configured
            ? configured
            : RedisServers.FindOnPath("prometheus");
        if (binary is null || !File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"The Prometheus server binary was not found ({(binary is null ? "no 'prometheus' on PATH" : $"PROMETHEUS_BIN={binary} does not exist")}). "
                + "Install it with 'apt-get install prometheus' (.ci/run does this); this test must not be skipped.");
        }

        var directory = Directory.CreateTempSubdirectory("prometheus-it-").FullName;
        var server = new PrometheusServer(binary, directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), config);
            foreach (var (name, text) in files)
            {
                await File.WriteAllTextAsync(Path.Combine(directory, name), text);
            }

            var clock = Stopwatch.StartNew();
            server._process.Start();
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            using var timeout = new CancellationTokenSource(StartTimeout);
            server.BaseAddress = await server._listening.Task.WaitAsync(timeout.Token);
            server.Http.BaseAddress = server.BaseAddress;
            await server.WaitReadyAsync(timeout.Token);
            server.StartupTime = clock.Elapsed;
            return server;
        }
        catch (OperationCanceledException)
        {
            var log = server.Log;
            await server.DisposeAsync();
            throw new InvalidOperationException($"prometheus was not ready within {StartTimeout.TotalSeconds:F0} s:\n{log}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Instant query (<c>/api/v1/query</c>): the samples of the result vector.</summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string promql)
    {
        var data = await ApiAsync($"query?query={Uri.EscapeDataString(promql)}");
        return [.. data.GetProperty("result").EnumerateArray().Select(PrometheusSample.From)];
    }

    /// <summary>Active alerts (<c>/api/v1/alerts</c>): pending and firing.</summary>
    public async Task<IReadOnlyList<PrometheusAlert>> AlertsAsync()
    {
        var data = await ApiAsync("alerts");
        return [.. data.GetProperty("alerts").EnumerateArray().Select(PrometheusAlert.From)];
    }

    /// <summary>Every loaded rule (<c>/api/v1/rules</c>) with its evaluation health and last error.</summary>
    public async Task<IReadOnlyList<PrometheusRule>> RulesAsync()
    {
        var data = await ApiAsync("rules");
        return
        [
            .. data.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => new PrometheusRule(
                r.GetProperty("name").GetString()!,
                r.GetProperty("type").GetString()!,
                r.GetProperty("health").GetString()!,
                r.TryGetProperty("lastError", out var error) ? error.GetString() : null)),
        ];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (IsRunning())
            {
                try
                {
                    using var quit = await Http.PostAsync(new Uri(BaseAddress, "-/quit"), null);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or ArgumentNullException)
                {
                    // Not listening yet, or already gone: the kill below ends it.
                }

                using var wait = new CancellationTokenSource(QuitTimeout);
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            Http.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the OS temp cleaner removes it.
            }
        }
    }

    [GeneratedRegex("""msg="Listening on" address=(?<address>\S+)""")]
    private static partial Regex ListeningOn();

    private bool IsRunning()
    {
        try
        {
            return !_process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return false; // Never started.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        var match = ListeningOn().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri($"http://{match.Groups["address"].Value}/"));
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        // 503 until the TSDB is open and the configuration (with its rule files) is loaded.
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync("-/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not accepting connections yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task<JsonElement> ApiAsync(string pathAndQuery)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"api/v1/{pathAndQuery}"));
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"prometheus /api/v1/{pathAndQuery} failed: {root}");
        }

        return root.GetProperty("data").Clone();
    }
}

/// <summary>One sample of an instant vector: its labels and value.</summary>
public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>A label's value, or null.</summary>
    public string? Label(string name) => Labels.GetValueOrDefault(name);

    /// <inheritdoc />
    public override string ToString() => $"{{{string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";

    internal static PrometheusSample From(JsonElement sample) => new(
        ReadLabels(sample.GetProperty("metric")),
        double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));

    internal static Dictionary<string, string> ReadLabels(JsonElement labels) =>
        labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
}

/// <summary>One active alert: its labels (including <c>alertname</c>) and state (<c>pending</c> or <c>firing</c>).</summary>
public sealed record PrometheusAlert(IReadOnlyDictionary<string, string> Labels, string State)
{
    /// <summary>A label's value, or null.</summary>
    public string? Label(string name) => Labels.GetValueOrDefault(name);

    /// <inheritdoc />
    public override string ToString() => $"{Label("alertname")}{{tenant=\"{Label("tenant")}\"}} {State}";

    internal static PrometheusAlert From(JsonElement alert) =>
        new(PrometheusSample.ReadLabels(alert.GetProperty("labels")), alert.GetProperty("state").GetString()!);
}

/// <summary>One loaded rule: name (record or alert name), type, evaluation health and last error.</summary>
public sealed record PrometheusRule(string Name, string Type, string Health, string? LastError);
