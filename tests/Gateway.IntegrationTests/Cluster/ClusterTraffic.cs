using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>One request of <see cref="ClusterTraffic"/> and what came back.</summary>
/// <param name="Index">Position in the schedule.</param>
/// <param name="Tenant">Tenant whose token was sent.</param>
/// <param name="Node">Id of the gateway node it went to.</param>
/// <param name="SentAt">Seconds since the traffic started.</param>
/// <param name="Status">HTTP status; 0 when no response came back.</param>
/// <param name="Cache"><c>X-Cache</c>.</param>
/// <param name="Policy"><c>RateLimit-Policy</c>.</param>
/// <param name="BodyTenant">The tenant the upstream answer (fresh or cached) was made for.</param>
/// <param name="Error">Why no response came back.</param>
internal sealed record Exchange(int Index, string Tenant, int Node, double SentAt, int Status, string? Cache, string? Policy, string? BodyTenant, string? Error)
{
    /// <summary>Whether the answer shows a degraded gateway: cache bypassed or the limit decided by the node alone.</summary>
    public bool IsDegraded(int sharedQps) => Status != 0 && (Cache == "BYPASS" || !ClusterGateways.SharedQuota(Policy, sharedQps));
}

/// <summary>
/// Open-loop traffic for the failure tests: a fixed rate of cached POSTs, tenants in turn, nodes in turn (a round-robin
/// load balancer), keys cycling so most answers are hits. Runs until stopped, and at most <see cref="MaxDuration"/>.
/// Every answer is recorded, including failures, so a test can assert on all of them.
/// </summary>
internal sealed class ClusterTraffic : IAsyncDisposable
{
    /// <summary>Hard bound on a run.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private readonly IReadOnlyList<string> _tenants;
    private readonly Dictionary<string, string> _tokens;
    private readonly double _rate;
    private readonly int _keys;
    private readonly ConcurrentQueue<Exchange> _completed = new();
    private readonly ConcurrentBag<Task> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private readonly List<HttpClient> _clients = [];
    private volatile (int Id, HttpClient Client)[] _targets = [];
    private Task? _loop;

    /// <summary>Traffic for <paramref name="tenants"/> at <paramref name="rate"/> requests per second in all, over <paramref name="keys"/> keys per tenant.</summary>
    public ClusterTraffic(IReadOnlyList<string> tenants, double rate, int keys)
    {
        _tenants = tenants;
        _tokens = tenants.ToDictionary(t => t, t => TestTokens.For(t), StringComparer.Ordinal);
        _rate = rate;
        _keys = keys;
    }

    /// <summary>Seconds since the traffic started.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Answers received so far.</summary>
    public IReadOnlyList<Exchange> Completed => [.. _completed];

    /// <summary>From now on, spreads requests over <paramref name="nodes"/> (id, gateway).</summary>
    public void Route(IEnumerable<(int Id, GatewayInstance Node)> nodes)
    {
        var targets = new List<(int, HttpClient)>();
        foreach (var (id, node) in nodes)
        {
            // The traffic's own clients: stopping a node must look like a dead endpoint, not a disposed client.
            var client = node.CreateClient(TimeSpan.FromSeconds(10));
            lock (_clients)
            {
                _clients.Add(client);
            }

            targets.Add((id, client));
        }

        _targets = [.. targets];
    }

    /// <summary>Starts sending.</summary>
    public void Start()
    {
        _clock.Start();
        _loop = RunAsync();
    }

    /// <summary>Stops sending and waits for the answers still on their way.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await Task.WhenAll(_pending).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until <paramref name="condition"/> holds on the answers so far, or <paramref name="timeout"/> passes.</summary>
    public Task<bool> UntilAsync(Func<IReadOnlyList<Exchange>, bool> condition, TimeSpan timeout) =>
        Poll.UntilAsync(() => condition(Completed), timeout, TimeSpan.FromMilliseconds(100));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        var sent = 0;
        try
        {
            while (!_stop.IsCancellationRequested && _clock.Elapsed < MaxDuration)
            {
                var due = (int)(_clock.Elapsed.TotalSeconds * _rate) + 1;
                while (sent < due)
                {
                    _pending.Add(SendAsync(sent++));
                }

                await timer.WaitForNextTickAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task SendAsync(int index)
    {
        await Task.Yield();
        var tenant = _tenants[index % _tenants.Count];
        var targets = _targets;
        var (node, client) = targets[index / _tenants.Count % targets.Length];
        var sentAt = Now;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"c/k{index / _tenants.Count % _keys}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[tenant]);
            // Behind a load balancer every node sees the one public Host, which is part of the cache key.
            request.Headers.Host = Caching.CacheGateway.LoadBalancedHost;
            request.Content = new StringContent("{\"query\":\"failover\"}", Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            _completed.Enqueue(new Exchange(index, tenant, node, sentAt, (int)response.StatusCode,
                Header(response, "X-Cache"), Header(response, "RateLimit-Policy"), BodyTenant(body), null));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
        {
            _completed.Enqueue(new Exchange(index, tenant, node, sentAt, 0, null, null, null, ex.GetType().Name + ": " + ex.Message));
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static string? BodyTenant(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("tenant", out var tenant) ? tenant.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
