using System.Text.Json;

namespace LoadDriver.Scenarios;

/// <summary><c>loadtests/paraphrases.json</c>: the intents (topics) of the paraphrase scenario and the wordings each is asked in.</summary>
internal sealed class ParaphraseCorpus
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip };

    public List<string> Templates { get; set; } = [];

    public List<string> Topics { get; set; } = [];

    /// <summary>The text of <paramref name="topic"/> (0-based) in wording <paramref name="template"/>.</summary>
    public string Text(int topic, int template) => Templates[template].Replace("{t}", Topics[topic], StringComparison.Ordinal);

    /// <summary>Reads and checks the file next to the scenario file.</summary>
    public static ParaphraseCorpus Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"paraphrase file '{Path.GetFullPath(path)}' does not exist");
        }

        var corpus = JsonSerializer.Deserialize<ParaphraseCorpus>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path}: empty document");
        if (corpus.Topics.Count < 2 || corpus.Templates.Count < 2 || corpus.Templates.Any(t => !t.Contains("{t}", StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"{path}: needs at least two topics and two templates, each template with {{t}}");
        }

        return corpus;
    }
}
