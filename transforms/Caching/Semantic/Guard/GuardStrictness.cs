namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>How the detail guard treats a word that one side has and the other lacks (route metadata <c>SemanticGuard</c>).</summary>
internal enum GuardStrictness
{
    /// <summary>Refuses it when it qualifies a word both sides have ("open late", "late enrollment deadline"). The default.</summary>
    Balanced,

    /// <summary>Refuses any such word: the fewest wrong answers, and about a quarter fewer semantic hits.</summary>
    Strict,

    /// <summary>Allows it: the most semantic hits, but "open late on Saturdays" is answered with "open on Saturdays".</summary>
    Lenient,
}
