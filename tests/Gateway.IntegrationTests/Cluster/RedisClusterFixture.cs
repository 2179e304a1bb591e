using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Gateway.Transforms.Infrastructure.Redis;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// A real Redis Cluster on 127.0.0.1: three masters and three replicas, each a <c>redis-server</c> process in its own
/// temporary directory (<c>cluster-enabled yes</c>, <c>cluster-node-timeout 1000</c> so a failover takes a few seconds,
/// no persistence), joined with <c>redis-cli --cluster create --cluster-replicas 1</c>. Ready once every node says
/// <c>cluster_state:ok</c> with all 16384 slots served, every replica is in sync, and all nodes agree on who serves what.
/// </summary>
/// <remarks>
/// <para>
/// With <c>redis-server</c> and <c>redis-cli</c> (7.0 or newer) on PATH (<c>.ci/run</c> installs them) the cluster is
/// real Redis. Without them, or with <c>GATEWAY_TEST_REDIS=garnet</c>, it is six in-process Garnet servers joined with
/// cluster commands (<see cref="GarnetClusterForming"/>), so a machine with only the .NET SDK runs these tests too.
/// Garnet has no automatic failover: there <see cref="KillMasterAsync"/> promotes the replica itself, and
/// <see cref="EnsureHealthyAsync"/> rebuilds the whole cluster instead of restarting the killed node.
/// </para>
/// <para>
/// Each node gets two free ports, the client port and the cluster bus port (<c>cluster-port</c>), so nothing assumes
/// the usual "port + 10000". <see cref="KillMasterAsync"/> SIGKILLs a master; <see cref="WaitForPromotionAsync"/> waits
/// for its replica to take over; <see cref="EnsureHealthyAsync"/> restarts any node that is down with its old
/// <c>nodes.conf</c>, so it rejoins as a replica and the next test finds three masters with a replica each again.
/// </para>
/// </remarks>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    /// <summary>Cluster node timeout: how long a silent master takes to be declared failed.</summary>
    public const int NodeTimeoutMs = 1000;

    /// <summary>Slots in a Redis Cluster.</summary>
    public const int SlotCount = 16384;

    private const int MasterCount = 3;
    private const int NodeCount = 6;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long after a Garnet primary dies its replica is promoted: about Redis' detection plus election time.</summary>
    private static readonly TimeSpan GarnetFailoverDelay = TimeSpan.FromMilliseconds(2 * NodeTimeoutMs);

    private readonly IMessageSink? _diagnostics;
    private readonly List<IClusterServerNode> _nodes = [];
    private readonly bool _useGarnet;
    private readonly Dictionary<int, int> _killedMasterSlot = [];
    private Task _garnetPromotion = Task.CompletedTask;
    private string? _serverPath;
    private string? _root;

    /// <summary>Used by xunit as a collection fixture.</summary>
    public RedisClusterFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        var forced = string.Equals(Environment.GetEnvironmentVariable(RedisServerFixture.SelectorVariable), "garnet", StringComparison.OrdinalIgnoreCase);
        _useGarnet = forced || RedisServers.FindOnPath("redis-server") is null || RedisServers.FindOnPath("redis-cli") is null;
    }

    /// <summary>
    /// <c>Gateway:Redis:Configuration</c> for the gateway: every node as a seed, as an operator would list them, so the
    /// client finds the cluster even when some seeds are down.
    /// </summary>
    public string Configuration => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}"));

    /// <summary>
    /// True when the cluster is the in-process Garnet stand-in: its servers share the test process's two cores and
    /// thread pool with the gateways and the load, so tests that time individual Redis calls allow for its stalls.
    /// </summary>
    public bool IsInProcess => _useGarnet;

    /// <summary>Client ports of the six nodes.</summary>
    public IReadOnlyList<int> Ports => [.. _nodes.Select(n => n.Port)];

    /// <inheritdoc />
    public Task InitializeAsync() => _useGarnet ? StartGarnetClusterAsync() : StartRedisClusterAsync();

    private async Task StartRedisClusterAsync()
    {
        _serverPath = RedisTools.Require("redis-server");
        var cliPath = RedisTools.Require("redis-cli");
        await RedisTools.RequireVersion7Async(_serverPath);
        _root = Directory.CreateTempSubdirectory("gateway-cluster-").FullName;

        // Should the test host be stopped without disposing fixtures (Ctrl+C, a hang timeout), leave no server behind.
        AppDomain.CurrentDomain.ProcessExit += KillAllOnExit;
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < NodeCount; i++)
            {
                var node = new RedisNode(Path.Combine(_root, $"node-{i}"));
                Directory.CreateDirectory(node.Directory);
                _nodes.Add(node);
                await node.StartOnFreePortsAsync(_serverPath, NodeTimeoutMs);
            }

            await RedisTools.CreateClusterAsync(cliPath, Ports, ReadyTimeout);
            await WaitUntilHealthyAsync(ReadyTimeout);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }

        Report($"RedisClusterFixture: using redis-server, 3 masters + 3 replicas on ports {string.Join(",", Ports)} ready in {clock.ElapsedMilliseconds} ms ({_serverPath})");
    }

    private async Task StartGarnetClusterAsync()
    {
        _root = Directory.CreateTempSubdirectory("gateway-garnet-cluster-").FullName;
        AppDomain.CurrentDomain.ProcessExit += KillAllOnExit;
        var clock = Stopwatch.StartNew();
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        try
        {
            RaiseThreadPoolFloorWhileForming(minWorkers, minIo);
            for (var i = 0; i < NodeCount; i++)
            {
                var node = new GarnetNode(Path.Combine(_root, $"node-{i}"));
                _nodes.Add(node);
                await node.StartOnFreePortAsync();
            }

            await GarnetClusterForming.FormAsync(Ports, MasterCount, ReadyTimeout);
            await WaitUntilHealthyAsync(ReadyTimeout);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }

        Report($"RedisClusterFixture: using in-process Garnet cluster, 3 primaries + 3 replicas on ports {string.Join(",", Ports)} ready in {clock.ElapsedMilliseconds} ms");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillAllOnExit;
        await SettlePromotionAsync();
        foreach (var node in _nodes)
        {
            await node.KillAsync();
        }

        _nodes.Clear();

        if (_root is { } root)
        {
            _root = null;
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp directory left behind is harmless.
            }
        }
    }

    /// <summary>The cluster as a live node sees it.</summary>
    public async Task<IReadOnlyList<ClusterNode>> NodesAsync() =>
        ClusterNode.Parse(await RespClient.TextAsync(AnyLivePort(), "CLUSTER", "NODES"));

    /// <summary>The hash slot of <paramref name="key"/> (<c>CLUSTER KEYSLOT</c>).</summary>
    public async Task<int> KeySlotAsync(string key) =>
        (int)(long)(await RespClient.SendAsync(AnyLivePort(), "CLUSTER", "KEYSLOT", key))!;

    /// <summary>The master that serves <paramref name="slot"/> now.</summary>
    public async Task<ClusterNode> MasterOfSlotAsync(int slot) =>
        (await NodesAsync()).Single(n => n.IsMaster && !n.IsFailed && n.Owns(slot));

    /// <summary>Port of the master holding <paramref name="tenantId"/>'s keys (all of them share the <c>{tenant}</c> slot).</summary>
    public async Task<int> MasterPortOfTenantAsync(string tenantId) =>
        (await MasterOfSlotAsync(await KeySlotAsync(RedisKeys.RateLimit(tenantId)))).Port;

    /// <summary>
    /// <paramref name="count"/> tenant ids <c>{prefix}-{n}</c> whose keys land on <paramref name="count"/> different masters
    /// (at most three).
    /// </summary>
    public async Task<IReadOnlyList<string>> TenantsOnDistinctMastersAsync(string prefix, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MasterCount);
        var nodes = await NodesAsync();
        var chosen = new Dictionary<int, string>();
        for (var n = 0; n < 200 && chosen.Count < count; n++)
        {
            var tenant = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n}");
            var slot = await KeySlotAsync(RedisKeys.RateLimit(tenant));
            var master = nodes.Single(x => x.IsMaster && !x.IsFailed && x.Owns(slot));
            chosen.TryAdd(master.Port, tenant);
        }

        Assert.True(chosen.Count == count, $"found tenants on only {chosen.Count} masters");
        return [.. chosen.Values];
    }

    /// <summary>
    /// Ports of the nodes where clients are subscribed to <paramref name="channel"/> (<c>PUBSUB NUMSUB</c> counts only a
    /// node's own subscribers; classic PUBLISH reaches them from any node over the cluster bus).
    /// </summary>
    public async Task<IReadOnlyList<int>> SubscribedNodesAsync(string channel)
    {
        var ports = new List<int>();
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            var reply = (object?[])(await RespClient.SendAsync(node.Port, "PUBSUB", "NUMSUB", channel))!;
            if ((long)reply[1]! > 0)
            {
                ports.Add(node.Port);
            }
        }

        return ports;
    }

    /// <summary>
    /// SIGKILLs the master on <paramref name="port"/>: no goodbye, its clients see the socket die. With Garnet the
    /// server is disposed and, as Garnet has no automatic failover, its replica is told to take over after the time a
    /// Redis Cluster needs to notice and elect (<see cref="GarnetFailoverDelay"/>), so clients live through a real outage.
    /// </summary>
    public async Task KillMasterAsync(int port)
    {
        var view = await NodesAsync();
        var node = view.SingleOrDefault(n => n.Port == port && n.IsMaster);
        Assert.NotNull(node);
        _killedMasterSlot[port] = node.Slots[0].From;
        await Node(port).KillAsync();
        Report($"RedisClusterFixture: killed master 127.0.0.1:{port} (slots {string.Join(",", node.Slots.Select(s => $"{s.From}-{s.To}"))})");
        if (_useGarnet)
        {
            var replica = view.First(n => n.MasterId == node.Id && !n.IsFailed);
            _garnetPromotion = PromoteGarnetReplicaLaterAsync(replica.Port);
        }
    }

    /// <summary>
    /// Waits until the slots of the killed master on <paramref name="killedPort"/> are served by a promoted replica and
    /// every live node reports <c>cluster_state:ok</c>. Returns the new master's port.
    /// </summary>
    public async Task<int> WaitForPromotionAsync(int killedPort, TimeSpan timeout)
    {
        var slot = _killedMasterSlot[killedPort];
        var clock = Stopwatch.StartNew();
        await _garnetPromotion;
        string last = "";
        while (clock.Elapsed < timeout)
        {
            try
            {
                var health = await HealthAsync(requireAllNodes: false);
                if (health.Problem is null)
                {
                    var successor = health.Masters.SingleOrDefault(m => m.Owns(slot));
                    if (successor is not null && successor.Port != killedPort)
                    {
                        Report($"RedisClusterFixture: 127.0.0.1:{successor.Port} promoted {clock.ElapsedMilliseconds} ms after the wait began");
                        return successor.Port;
                    }

                    last = "no promoted replica yet";
                }
                else
                {
                    last = health.Problem;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or RespErrorException)
            {
                last = ex.Message;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No replica took over from 127.0.0.1:{killedPort} within {timeout.TotalSeconds} s: {last}");
    }

    /// <summary>
    /// Restarts every node that is not running (with its own <c>nodes.conf</c>, so it rejoins, as a replica when its
    /// slots moved) and waits until the cluster is whole: three masters, each with a replica in sync.
    /// </summary>
    public async Task EnsureHealthyAsync()
    {
        if (_useGarnet)
        {
            await RebuildGarnetClusterIfBrokenAsync();
            return;
        }

        foreach (var node in _nodes.Where(n => !n.IsRunning))
        {
            await ((RedisNode)node).StartAsync(_serverPath!, NodeTimeoutMs);
            Report($"RedisClusterFixture: restarted 127.0.0.1:{node.Port}");
        }

        await WaitUntilHealthyAsync(ReadyTimeout);
    }

    /// <summary>
    /// Six in-process Garnet servers block pool threads while they gossip and attach replicas (CLUSTER REPLICATE
    /// answers only once the sync is done); with the default floor of one thread per core the pool grows a thread at a
    /// time, and on two cores forming took 7–20 s or a REPLICATE outlasted its timeout, instead of about 1.5 s. The floor
    /// goes back down once the cluster is up so the timing tests run on the pool they always had.
    /// </summary>
    private static void RaiseThreadPoolFloorWhileForming(int minWorkers, int minIo) =>
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 32), minIo);

    /// <summary>
    /// A Garnet node that was killed cannot rejoin as a replica of its successor the way a restarted redis-server does,
    /// so when any node is down the whole cluster is rebuilt on fresh ports (the tests read <see cref="Configuration"/>
    /// afresh and need no data from earlier tests).
    /// </summary>
    private async Task RebuildGarnetClusterIfBrokenAsync()
    {
        if (_nodes.Count == NodeCount && _nodes.All(n => n.IsRunning))
        {
            await WaitUntilHealthyAsync(ReadyTimeout);
            return;
        }

        await DisposeAsync();
        await StartGarnetClusterAsync();
    }

    /// <summary>
    /// Stands in for Redis' automatic failover, which Garnet lacks: after about as long as a Redis replica takes to see
    /// its master fail (node timeout) and win the election, the replica is told to take the slots over.
    /// </summary>
    private async Task PromoteGarnetReplicaLaterAsync(int replicaPort)
    {
        await Task.Delay(GarnetFailoverDelay);
        await GarnetClusterForming.PromoteAsync(replicaPort);
        Report($"RedisClusterFixture: told Garnet replica 127.0.0.1:{replicaPort} to take over (Garnet has no automatic failover)");
    }

    /// <summary>Lets a pending Garnet promotion finish before its nodes go away; a test that failed early may never await it.</summary>
    private async Task SettlePromotionAsync()
    {
        var promotion = Interlocked.Exchange(ref _garnetPromotion, Task.CompletedTask);
        try
        {
            await promotion;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or RespErrorException)
        {
            // The cluster is being torn down anyway.
        }
    }

    private void KillAllOnExit(object? sender, EventArgs e)
    {
        foreach (var node in _nodes)
        {
            node.KillNow();
        }
    }

    private IClusterServerNode Node(int port) => _nodes.Single(n => n.Port == port);

    private int AnyLivePort() => _nodes.FirstOrDefault(n => n.IsRunning)?.Port ?? throw new InvalidOperationException("No cluster node is running.");

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string? problem = "not checked";
        while (clock.Elapsed < timeout)
        {
            try
            {
                problem = (await HealthAsync(requireAllNodes: true)).Problem;
                if (problem is null)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or RespErrorException)
            {
                problem = ex.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The Redis Cluster was not healthy within {timeout.TotalSeconds} s: {problem}. Node logs: {LogTails()}");
    }

    /// <summary>What is wrong with the cluster right now, as seen from every live node; null when nothing is.</summary>
    private async Task<Health> HealthAsync(bool requireAllNodes)
    {
        var live = _nodes.Where(n => n.IsRunning).ToList();
        if (requireAllNodes && live.Count != NodeCount)
        {
            return new Health($"{NodeCount - live.Count} node(s) not running", [], []);
        }

        string? agreed = null;
        IReadOnlyList<ClusterNode> view = [];
        foreach (var node in live)
        {
            var info = await RespClient.FieldsAsync(node.Port, "CLUSTER", "INFO");
            if (info.GetValueOrDefault("cluster_state") != "ok" || info.GetValueOrDefault("cluster_slots_ok") != SlotCount.ToString(CultureInfo.InvariantCulture))
            {
                return new Health($"127.0.0.1:{node.Port} says cluster_state:{info.GetValueOrDefault("cluster_state")}, slots ok {info.GetValueOrDefault("cluster_slots_ok")}", [], []);
            }

            view = ClusterNode.Parse(await RespClient.TextAsync(node.Port, "CLUSTER", "NODES"));
            var owners = string.Join(";", view.Where(n => n.IsMaster && !n.IsFailed && n.Slots.Count > 0)
                .OrderBy(n => n.Slots[0].From).Select(n => $"{n.Port}:{string.Join(",", n.Slots)}"));
            if (agreed is not null && owners != agreed)
            {
                return new Health($"nodes disagree on slot owners ({agreed} vs {owners} on {node.Port})", [], []);
            }

            agreed = owners;
        }

        var masters = view.Where(n => n.IsMaster && !n.IsFailed && n.Slots.Count > 0).ToList();
        if (masters.Count != MasterCount || masters.Sum(m => m.Slots.Sum(s => s.To - s.From + 1)) != SlotCount)
        {
            return new Health($"{masters.Count} masters serving slots", masters, view);
        }

        if (requireAllNodes)
        {
            foreach (var master in masters)
            {
                var replicas = view.Where(n => n.MasterId == master.Id && !n.IsFailed).ToList();
                if (replicas.Count == 0)
                {
                    return new Health($"master {master.Port} has no replica", masters, view);
                }

                foreach (var replica in replicas)
                {
                    var replication = await RespClient.FieldsAsync(replica.Port, "INFO", "replication");
                    if (replication.GetValueOrDefault("master_link_status") != "up")
                    {
                        return new Health($"replica {replica.Port} not in sync with {master.Port}", masters, view);
                    }
                }
            }
        }

        return new Health(null, masters, view);
    }

    private string LogTails() => string.Join(" | ", _nodes.Select(n => $"{n.Port}: {n.LogTail()}"));

    private void Report(string message)
    {
        Console.WriteLine(message);
        _diagnostics?.OnMessage(new DiagnosticMessage(message));
    }

    private sealed record Health(string? Problem, IReadOnlyList<ClusterNode> Masters, IReadOnlyList<ClusterNode> View);
}
