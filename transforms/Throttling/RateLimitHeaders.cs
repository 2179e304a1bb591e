using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// The rate-limit response headers of draft-ietf-httpapi-ratelimit-headers (structured-field form, draft 07 and later):
/// <code>
/// RateLimit-Policy: "&lt;tier&gt;";q=&lt;quota&gt;;w=&lt;window seconds&gt;
/// RateLimit: "&lt;tier&gt;";r=&lt;remaining&gt;;t=&lt;seconds&gt;
/// Retry-After: &lt;seconds&gt;                       (429 only)
/// </code>
/// for example <c>RateLimit-Policy: "gold";q=500;w=1</c> and <c>RateLimit: "gold";r=49;t=1</c>.
/// </summary>
/// <remarks>
/// The policy item is named after the tier (an sf-string). <c>q</c> is the steady quota per window of <c>w</c>
/// seconds: <c>w = 1</c> and <c>q = round(rate)</c>, or for rates below one per second the smallest window holding a
/// whole request. The burst above the steady rate is not expressed (the draft has no parameter for it).
/// On an admitted response <c>r</c> is the number of requests that would still be admitted at once and <c>t</c> the
/// whole seconds (rounded up) until the full burst is available again. On a 429 <c>r = 0</c> and <c>t</c> equals
/// <c>Retry-After</c>: the whole seconds (rounded up, at least 1) until a request would be admitted again, so the two
/// headers never disagree.
/// </remarks>
internal static class RateLimitHeaders
{
    /// <summary>Header naming the quota policy.</summary>
    public const string PolicyHeader = "RateLimit-Policy";

    /// <summary>Header with the remaining quota.</summary>
    public const string RateLimitHeader = "RateLimit";

    // Values that repeat request after request (the policy of a tier at a rate, a refusal's figures) are formatted once.
    // Their keys come from configuration (tier names, rates) and small numbers, so they stay few; a bound guards anyway.
    private const int MaxCachedValues = 4096;
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Name, double Rate), string> Policies = new();
    private static readonly ConcurrentDictionary<(string Name, long RetryAfter), (string RateLimit, string RetryAfter)> Refusals = new();

    /// <summary>Sets the headers for <paramref name="decision"/> under the policy named <paramref name="policyName"/>.</summary>
    public static void Apply(IHeaderDictionary headers, string policyName, RateLimitDecision decision)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var name = Cached(Names, policyName, static n => SfString(n));
        headers[PolicyHeader] = Cached(Policies, (Name: name, Rate: decision.Policy.Rate), static k => FormatPolicy(k.Name, k.Rate));
        if (decision.Allowed)
        {
            headers[RateLimitHeader] = FormatRemaining(name, Math.Max(0, decision.Remaining), CeilingSeconds(decision.ResetAfter, minimum: 0));
        }
        else
        {
            var refusal = Cached(Refusals, (Name: name, RetryAfter: RetryAfterSeconds(decision.RetryAfter)),
                static k => (RateLimit: FormatRemaining(k.Name, 0, k.RetryAfter), RetryAfter: k.RetryAfter.ToString(CultureInfo.InvariantCulture)));
            headers[RateLimitHeader] = refusal.RateLimit;
            headers.RetryAfter = refusal.RetryAfter;
        }
    }

    /// <summary><c>Retry-After</c> in whole seconds: rounded up, at least 1.</summary>
    public static long RetryAfterSeconds(TimeSpan retryAfter) => CeilingSeconds(retryAfter, minimum: 1);

    /// <summary>The <c>(q, w)</c> pair for a steady <paramref name="rate"/> per second.</summary>
    public static (long Quota, long WindowSeconds) Window(double rate)
    {
        if (!(rate > 0))
        {
            return (0, 1);
        }

        if (rate >= 1)
        {
            return ((long)Math.Round(rate, MidpointRounding.AwayFromZero), 1);
        }

        var window = (long)Math.Ceiling(1 / rate);
        return (Math.Max(1, (long)Math.Floor(rate * window)), window);
    }

    /// <summary>A structured-field string: printable ASCII, quotes and backslashes escaped.</summary>
    public static string SfString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c is >= ' ' and <= '~' ? c : '_');
            }
        }

        return builder.Append('"').ToString();
    }

    private static string FormatPolicy(string name, double rate)
    {
        var (quota, window) = Window(rate);
        return string.Create(CultureInfo.InvariantCulture, $"{name};q={quota};w={window}");
    }

    private static string FormatRemaining(string name, long remaining, long seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{name};r={remaining};t={seconds}");

    private static TValue Cached<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> format)
        where TKey : notnull
    {
        if (cache.TryGetValue(key, out var value))
        {
            return value;
        }

        if (cache.Count >= MaxCachedValues)
        {
            cache.Clear();
        }

        return cache.GetOrAdd(key, format);
    }

    private static long CeilingSeconds(TimeSpan value, long minimum) =>
        Math.Max(minimum, (long)Math.Ceiling(Math.Max(0, value.TotalSeconds) - 1e-9));
}
