namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Audit</c> section: where the audit trail of admin actions (and audited cache lookups) goes.</summary>
public sealed class AuditOptions
{
    /// <summary>
    /// File the audit events are appended to, one JSON object per line. Unset: each event is written to the log (category
    /// <c>Gateway.Audit</c>) instead. Its directory must exist. Read at start-up.
    /// </summary>
    public string? Path { get; set; }
}
