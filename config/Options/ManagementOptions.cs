namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Management</c> section: where the operator endpoints are served.</summary>
public sealed class ManagementOptions
{
    /// <summary>
    /// Semicolon-separated URLs of the management listener (for example <c>http://+:9090</c>). When set, <c>/admin</c>,
    /// <c>/metrics</c> and the other operator endpoints answer only there and the proxy listener answers 404 for them;
    /// <c>/healthz</c> and <c>/readyz</c> answer on both. Unset: everything shares the proxy listener. Read at start-up.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>The configured URLs, trimmed, empty entries dropped.</summary>
    public IReadOnlyList<string> UrlList() =>
        string.IsNullOrWhiteSpace(Urls) ? [] : Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
