namespace Gateway.Transforms.Caching.Serialization;

/// <summary>Result of decoding a stored value for a reader.</summary>
internal enum CacheEntryReadStatus
{
    /// <summary>Decoded and recorded for the reader's tenant.</summary>
    Ok,

    /// <summary>Decoded, but recorded for another tenant.</summary>
    TenantMismatch,

    /// <summary>Not a value this gateway wrote (wrong version, truncated).</summary>
    Corrupt,
}
