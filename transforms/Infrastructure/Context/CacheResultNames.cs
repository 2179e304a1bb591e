namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>The two spellings of a <see cref="CacheResult"/>: the telemetry label and the <c>X-Cache</c> header value.</summary>
internal static class CacheResultNames
{
    /// <summary>Label on <c>gateway.cache.requests</c> and the span's <c>gateway.cache</c> tag: <c>hit</c>, <c>miss</c>, <c>bypass</c>, <c>none</c>.</summary>
    public static string Label(this CacheResult result) => result switch
    {
        CacheResult.Hit => "hit",
        CacheResult.Miss => "miss",
        CacheResult.Bypass => "bypass",
        _ => "none",
    };

    /// <summary>The <c>X-Cache</c> response header value: <c>HIT</c>, <c>MISS</c> or <c>BYPASS</c>; null for <see cref="CacheResult.None"/>.</summary>
    public static string? HeaderValue(this CacheResult result) => result switch
    {
        CacheResult.Hit => "HIT",
        CacheResult.Miss => "MISS",
        CacheResult.Bypass => "BYPASS",
        _ => null,
    };
}
