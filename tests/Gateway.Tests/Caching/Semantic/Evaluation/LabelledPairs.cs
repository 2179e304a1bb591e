using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Tests.Caching.Semantic.Evaluation;

/// <summary>One labelled pair from <c>pairs.json</c>.</summary>
internal sealed record LabelledPair(
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("a")] string A,
    [property: JsonPropertyName("b")] string B)
{
    public const string Positive = "positive";
    public const string HardNegative = "hard_negative";
    public const string EasyNegative = "easy_negative";

    public bool ShouldMatch => Label == Positive;
}

/// <summary>Loads the labelled evaluation pairs copied next to the test assembly.</summary>
internal static class LabelledPairs
{
    private sealed record PairFile([property: JsonPropertyName("pairs")] List<LabelledPair> Pairs);

    public static IReadOnlyList<LabelledPair> Load(string fileName = "pairs.json")
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Caching", "Semantic", "Evaluation", fileName);
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<PairFile>(stream) ?? throw new InvalidDataException($"{path} is empty.");
        foreach (var pair in file.Pairs)
        {
            if (pair.Label is not (LabelledPair.Positive or LabelledPair.HardNegative or LabelledPair.EasyNegative))
            {
                throw new InvalidDataException($"Unknown label '{pair.Label}' in {path}.");
            }
        }

        return file.Pairs;
    }
}
