using Microsoft.Extensions.Options;

namespace RagBackendSim;

/// <summary>Draws per-query service times: fixed, or log-normal fitted to the configured median and p99.</summary>
internal sealed class ServiceTimeSampler
{
    // Standard normal quantile at 0.99: p99 = exp(mu + Z99 * sigma).
    private const double Z99 = 2.3263478740408408;

    // A log-normal tail is unbounded; ten times the p99 is ~6 sigma out for the defaults, so the cap changes
    // nothing measurable but guarantees every request finishes.
    private const double TailCapFactor = 10;

    private readonly TimeSpan? _fixed;
    private readonly double _mu;
    private readonly double _sigma;
    private readonly double _capMs;
    private readonly Random _random;

    // A seeded Random is not thread-safe; Random.Shared is, and needs no lock.
    private readonly Lock? _randomLock;

    public ServiceTimeSampler(IOptions<RagBackendOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _fixed = value.FixedLatencyMs is { } fixedMs ? TimeSpan.FromMilliseconds(fixedMs) : null;
        _mu = Math.Log(value.LatencyMedianMs);
        _sigma = Math.Log(value.LatencyP99Ms / value.LatencyMedianMs) / Z99;
        _capMs = value.LatencyP99Ms * TailCapFactor;
        if (value.Seed is { } seed)
        {
            _random = new Random(seed);
            _randomLock = new Lock();
        }
        else
        {
            _random = Random.Shared;
        }
    }

    public double Mu => _mu;

    public double Sigma => _sigma;

    public TimeSpan Next()
    {
        if (_fixed is { } fixedTime)
        {
            return fixedTime;
        }

        double u1;
        double u2;
        if (_randomLock is null)
        {
            u1 = _random.NextDouble();
            u2 = _random.NextDouble();
        }
        else
        {
            lock (_randomLock)
            {
                u1 = _random.NextDouble();
                u2 = _random.NextDouble();
            }
        }

        // Box-Muller; 1 - u1 lies in (0, 1], so the logarithm is finite.
        var z = Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
        var ms = Math.Min(Math.Exp(_mu + (_sigma * z)), _capMs);
        return TimeSpan.FromMilliseconds(ms);
    }
}
