namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>Why the detail guard refused a semantic match, or <see cref="Allowed"/>.</summary>
internal enum GuardVerdict
{
    /// <summary>No answer-changing difference found.</summary>
    Allowed,

    /// <summary>A number, date, period, name, code or negation on one side is missing from the other.</summary>
    DetailMismatch,

    /// <summary>The two sides pick different members of one contrast set (enable/disable, staging/production).</summary>
    ContrastConflict,

    /// <summary>Each side has content words the other lacks: one thing was swapped for another.</summary>
    Substitution,

    /// <summary>One side has a word the other lacks that qualifies what both ask about ("open late", "emergency dental care").</summary>
    AddedQualifier,
}
