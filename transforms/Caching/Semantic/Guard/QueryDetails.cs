namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>The answer-changing details of one query and its normalised words, as the detail guard compares them.</summary>
/// <remarks>Stored with each index entry instead of the query text, so the index holds no user text.</remarks>
internal sealed class QueryDetails
{
    public static readonly QueryDetails Empty = new([], [], [], [], []);

    public QueryDetails(string[] details, string[] contrasts, string[] words, string[] joins, string[] sequence)
    {
        Details = details;
        Contrasts = contrasts;
        Words = words;
        Joins = joins;
        Sequence = sequence;
        EstimatedBytes = 64 + Size(details) + Size(contrasts) + Size(words) + Size(joins) + Size(sequence);
    }

    /// <summary>Numbers, dates, quarters, named entities, codes, negation: each must appear on the other side.</summary>
    public string[] Details { get; }

    /// <summary>Members of closed contrast sets as <c>group:value</c> (enable/disable, staging/production...).</summary>
    public string[] Contrasts { get; }

    /// <summary>Content words, stemmed and canonicalised, details included; sorted and distinct.</summary>
    public string[] Words { get; }

    /// <summary>Adjacent content words written together ("roll back" gives "rollback").</summary>
    public string[] Joins { get; }

    /// <summary>Every lower-case word in order, stop words included, for acronym expansion.</summary>
    public string[] Sequence { get; }

    /// <summary>Approximate heap size, charged to the tenant's byte bound.</summary>
    public int EstimatedBytes { get; }

    private static int Size(string[] values)
    {
        var bytes = 24 + (values.Length * 8);
        foreach (var value in values)
        {
            bytes += 24 + (value.Length * sizeof(char));
        }

        return bytes;
    }
}
