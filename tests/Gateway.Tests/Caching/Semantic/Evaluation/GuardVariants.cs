using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Tests.Caching.Semantic.Evaluation;

/// <summary>
/// The guard's strictness levels (route metadata <c>SemanticGuard</c>), compared on every labelled set. <c>lenient</c>
/// is the guard before the added-qualifier rule: it refused only swaps, and served "open on Saturdays" for
/// "open late on Saturdays".
/// </summary>
internal static class GuardVariants
{
    /// <summary>The levels, the guard as it was first.</summary>
    public static readonly (string Name, string Description, Func<QueryDetails, QueryDetails, GuardVerdict> Check)[] All =
    [
        ("lenient", "the first guard: a word on one side only is allowed; only swaps (each side has a word the other lacks) are refused", (q, s) => DetailGuard.Check(q, s, GuardStrictness.Lenient)),
        ("balanced", "the default: a word on one side only is refused when it stands before a word both sides have (\"late enrollment deadline\", \"open late on Saturdays\"); adverbs in -ly excepted", (q, s) => DetailGuard.Check(q, s, GuardStrictness.Balanced)),
        ("strict", "any content word on one side only that the other does not account for is refused", (q, s) => DetailGuard.Check(q, s, GuardStrictness.Strict)),
    ];
}
