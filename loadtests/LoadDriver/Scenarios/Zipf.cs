namespace LoadDriver.Scenarios;

/// <summary>
/// The Zipf query sampler of <c>loadtests/k6/lib/zipf.js</c>, bit for bit: FNV-1a seeds, the mulberry32 generator and
/// a CDF binary search, so a tenant seeded the same way draws the same rank sequence in k6 and here.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cdf;
    private uint _state;

    public ZipfSampler(int n, double exponent, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(exponent, 0);
        _state = seed;
        var probabilities = Probabilities(n, exponent);
        _cdf = new double[n];
        var running = 0.0;
        for (var i = 0; i < n; i++)
        {
            running += probabilities[i];
            _cdf[i] = running;
        }

        _cdf[n - 1] = 1;
    }

    /// <summary>zip.js <c>samplerFor</c>: seeded from <c>salt|tenant|vuId</c>. The driver runs one stream per tenant, vuId 1.</summary>
    public static ZipfSampler For(int n, double exponent, string tenant, int vuId, string salt) =>
        new(n, exponent, HashString($"{salt}|{tenant}|{vuId}"));

    /// <summary>Returns a rank in 1..n.</summary>
    public int Next()
    {
        var u = NextDouble();
        int lo = 0, hi = _cdf.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_cdf[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo + 1;
    }

    /// <summary>P(rank = k), index 0 holding rank 1.</summary>
    public static double[] Probabilities(int n, double exponent)
    {
        var weights = new double[n];
        var total = 0.0;
        for (var k = 1; k <= n; k++)
        {
            weights[k - 1] = Math.Pow(k, -exponent);
            total += weights[k - 1];
        }

        for (var i = 0; i < n; i++)
        {
            weights[i] /= total;
        }

        return weights;
    }

    /// <summary>Hit rate a perfect cache reaches in the measurement window (zipf.js <c>idealHitRate</c>).</summary>
    public static double IdealHitRate(int n, double exponent, double ratePerSecond, double warmupSeconds, double measureSeconds)
    {
        var p = Probabilities(n, exponent);
        var before = Math.Round(ratePerSecond * warmupSeconds);
        var during = Math.Round(ratePerSecond * measureSeconds);
        if (during <= 0)
        {
            return 0;
        }

        double Distinct(double requests) => p.Sum(x => 1 - Math.Pow(1 - x, requests));
        return 1 - ((Distinct(before + during) - Distinct(before)) / during);
    }

    /// <summary>FNV-1a 32-bit over UTF-16 code units, as JavaScript's <c>charCodeAt</c> sees them.</summary>
    public static uint HashString(string text)
    {
        var hash = 0x811c9dc5u;
        foreach (var c in text)
        {
            hash ^= c;
            hash = unchecked(hash * 0x01000193u);
        }

        return hash;
    }

    // mulberry32, with JavaScript's Math.imul and >>> spelled as unchecked uint arithmetic.
    private double NextDouble()
    {
        unchecked
        {
            _state += 0x6d2b79f5u;
            var t = _state;
            t = (t ^ (t >> 15)) * (t | 1u);
            t ^= t + ((t ^ (t >> 7)) * (t | 61u));
            return (t ^ (t >> 14)) / 4294967296.0;
        }
    }
}
