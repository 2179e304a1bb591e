namespace Gateway.Transforms.Caching;

/// <summary>Where a captured response stands.</summary>
internal enum CaptureState
{
    /// <summary>The response has not started; status and headers may still change.</summary>
    Undecided,

    /// <summary>Cacheable so far; the body is being copied into a bounded buffer.</summary>
    Capturing,

    /// <summary>Not cacheable; bytes only pass through.</summary>
    PassThrough,

    /// <summary>The body outgrew the entry cap; the copy was dropped, bytes only pass through.</summary>
    TooLarge,
}
