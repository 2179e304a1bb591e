using System.Diagnostics;
using System.Globalization;

namespace LoadDriver.Hosting;

/// <summary>
/// Samples, during one arm: the gateway's resident memory every 250 ms (its peak and its course), and CPU time of the
/// gateway, the simulated backend, this process (the load generator alone: both servers run in their own processes)
/// and the whole machine, so a report can say who used the cores and how busy the machine was otherwise.
/// </summary>
internal sealed class ResourceMeter : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Process? _gateway;
    private readonly Process? _backend;
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly List<(double Seconds, long Bytes)> _rss = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _sampling;
    private readonly CpuSnapshot _start;
    private double _zero;

    public ResourceMeter(int? gatewayPid, int? backendPid)
    {
        _gateway = gatewayPid is { } g ? Process.GetProcessById(g) : null;
        _backend = backendPid is { } b ? Process.GetProcessById(b) : null;
        _start = Snapshot();
        _sampling = SampleAsync();
    }

    /// <summary>Marks second 0 of the load's timeline (call it from a timed action at 0).</summary>
    public void MarkZero() => Volatile.Write(ref _zero, _clock.Elapsed.TotalSeconds);

    /// <summary>Stops sampling and returns what was measured; the windows are seconds of the load's timeline.</summary>
    public async Task<ResourceUsage> StopAsync(double baselineStart, double attackStart)
    {
        await _stop.CancelAsync();
        await _sampling;
        var end = Snapshot();
        var wall = _clock.Elapsed.TotalSeconds;
        double Share(TimeSpan before, TimeSpan after) => (after - before).TotalSeconds / wall;
        List<(double Seconds, long Bytes)> samples;
        lock (_rss)
        {
            samples = [.. _rss];
        }

        var zero = Volatile.Read(ref _zero);
        double Mean(double from, double to) => samples.Where(s => s.Seconds - zero >= from && s.Seconds - zero < to).Select(s => (double)s.Bytes).DefaultIfEmpty(double.NaN).Average();
        long Peak(double from, double to) => samples.Where(s => s.Seconds - zero >= from && s.Seconds - zero < to).Select(s => s.Bytes).DefaultIfEmpty(0).Max();
        return new ResourceUsage(
            _gateway is null ? double.NaN : Mean(baselineStart, attackStart),
            _gateway is null ? 0 : Peak(attackStart, wall + 1),
            _gateway is null ? 0 : samples.Select(s => s.Bytes).DefaultIfEmpty(0).Max(),
            Share(_start.Generator, end.Generator),
            _gateway is null ? double.NaN : Share(_start.Gateway, end.Gateway),
            _backend is null ? double.NaN : Share(_start.Backend, end.Backend),
            end.MachineBusy is { } busy && _start.MachineBusy is { } busy0 ? (busy - busy0).TotalSeconds / wall : double.NaN,
            Environment.ProcessorCount,
            LoadAverage());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _sampling;
        _stop.Dispose();
        _gateway?.Dispose();
        _backend?.Dispose();
    }

    private async Task SampleAsync()
    {
        if (_gateway is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                _gateway.Refresh();
                if (_gateway.HasExited)
                {
                    return;
                }

                lock (_rss)
                {
                    _rss.Add((_clock.Elapsed.TotalSeconds, _gateway.WorkingSet64));
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private CpuSnapshot Snapshot()
    {
        _self.Refresh();
        return new CpuSnapshot(_self.TotalProcessorTime, Cpu(_gateway), Cpu(_backend), MachineBusy());
    }

    private static TimeSpan Cpu(Process? process)
    {
        if (process is null)
        {
            return TimeSpan.Zero;
        }

        process.Refresh();
        return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
    }

    // /proc/stat's first line: busy = everything but idle and iowait, in USER_HZ (100 per second on Linux).
    private static TimeSpan? MachineBusy()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var busy = fields.Sum() - fields[3] - fields[4];
            return TimeSpan.FromSeconds(busy / 100.0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private readonly record struct CpuSnapshot(TimeSpan Generator, TimeSpan Gateway, TimeSpan Backend, TimeSpan? MachineBusy);
}

/// <summary>What one arm used.</summary>
/// <param name="GatewayRssBaseline">Mean gateway RSS over the baseline window (bytes).</param>
/// <param name="GatewayRssAttackPeak">Peak gateway RSS from the attack's start to the arm's end.</param>
/// <param name="GatewayRssPeak">Peak over the whole arm.</param>
/// <param name="GeneratorCores">CPU of this process (the generator alone) over the arm, in cores.</param>
/// <param name="GatewayCores">CPU of the gateway process, in cores.</param>
/// <param name="BackendCores">CPU of the simulated backend, in cores.</param>
/// <param name="MachineCores">CPU of the whole machine, in cores (includes other programs).</param>
/// <param name="Cores">Cores the machine has.</param>
/// <param name="LoadAverage">/proc/loadavg at the end.</param>
internal sealed record ResourceUsage(
    double GatewayRssBaseline,
    long GatewayRssAttackPeak,
    long GatewayRssPeak,
    double GeneratorCores,
    double GatewayCores,
    double BackendCores,
    double MachineCores,
    int Cores,
    string LoadAverage)
{
    /// <summary>Attack peak minus baseline mean, in bytes.</summary>
    public double GatewayRssGrowth => GatewayRssAttackPeak - GatewayRssBaseline;

    /// <summary>CPU other programs took during the arm, in cores.</summary>
    public double OtherCores => MachineCores - GeneratorCores - (double.IsNaN(GatewayCores) ? 0 : GatewayCores) - (double.IsNaN(BackendCores) ? 0 : BackendCores);
}
