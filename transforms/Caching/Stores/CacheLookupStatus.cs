namespace Gateway.Transforms.Caching.Stores;

/// <summary>Outcome of a lookup.</summary>
internal enum CacheLookupStatus
{
    /// <summary>No entry for the key in the current generation.</summary>
    Miss,

    /// <summary>An entry of the reader's tenant.</summary>
    Hit,

    /// <summary>An entry recorded for another tenant sat under the reader's key; treated as a miss.</summary>
    TenantMismatch,

    /// <summary>The store could not answer within its budget; bypass.</summary>
    Unavailable,
}
