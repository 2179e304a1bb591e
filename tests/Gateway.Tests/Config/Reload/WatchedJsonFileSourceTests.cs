using Gateway.Config.Reload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Config.Reload;

public sealed class WatchedJsonFileSourceTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly string _directory = Directory.CreateTempSubdirectory("watched-json-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly ConfigFileEvents _events = new();
    private readonly List<string> _parseFailures = [];
    private readonly string _path;

    public WatchedJsonFileSourceTests()
    {
        _path = Path.Combine(_directory, "gateway.json");
        _events.ParseFailed += (path, error) => _parseFailures.Add($"{path}: {error.Message}");
    }

    [Fact]
    public void Load_ValidFile_ExposesFlattenedKeys()
    {
        // Arrange
        File.WriteAllText(_path, """{ "Gateway": { "Tiers": { "gold": { "TimeoutMs": 500 } }, "Jwt": { "PublicKeys": ["k1", "k2"] } } }""");

        // Act
        var configuration = Build();

        // Assert
        Assert.Equal("500", configuration["Gateway:Tiers:gold:TimeoutMs"]);
        Assert.Equal("k2", configuration["gateway:jwt:publickeys:1"]);
    }

    [Fact]
    public void Poll_ValidChangeSeenTwice_AppliedAndReloadSignalled()
    {
        // Arrange
        File.WriteAllText(_path, """{ "Tier": "silver" }""");
        var configuration = Build();
        var reloads = 0;
        using var subscription = Microsoft.Extensions.Primitives.ChangeToken.OnChange(configuration.GetReloadToken, () => reloads++);

        // Act
        File.WriteAllText(_path, """{ "Tier": "platinum" }""");
        _time.Advance(Poll);
        var afterFirstPoll = configuration["Tier"];
        _time.Advance(Poll);

        // Assert
        Assert.Equal("silver", afterFirstPoll);
        Assert.Equal("platinum", configuration["Tier"]);
        Assert.Equal(1, reloads);
        Assert.Empty(_parseFailures);
    }

    [Fact]
    public void Poll_MalformedJson_KeepsLastGoodAndRaisesParseFailedOnce()
    {
        // Arrange
        File.WriteAllText(_path, """{ "Tier": "silver" }""");
        var configuration = Build();
        var reloads = 0;
        using var subscription = Microsoft.Extensions.Primitives.ChangeToken.OnChange(configuration.GetReloadToken, () => reloads++);

        // Act
        File.WriteAllText(_path, """{ "Tier": "platinum" """);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Poll);
        }

        // Assert
        Assert.Equal("silver", configuration["Tier"]);
        Assert.Equal(0, reloads);
        var failure = Assert.Single(_parseFailures);
        Assert.Contains(_path, failure, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Poll_ValidEditAfterMalformedOne_Applied()
    {
        // Arrange
        File.WriteAllText(_path, """{ "Tier": "silver" }""");
        var configuration = Build();
        File.WriteAllText(_path, "{ broken");
        _time.Advance(Poll);
        _time.Advance(Poll);

        // Act
        File.WriteAllText(_path, """{ "Tier": "gold" }""");
        _time.Advance(Poll);
        _time.Advance(Poll);

        // Assert
        Assert.Single(_parseFailures);
        Assert.Equal("gold", configuration["Tier"]);
    }

    [Fact]
    public void Poll_HalfWrittenFileCompletedBeforeNextPoll_NeverRejected()
    {
        // Arrange
        File.WriteAllText(_path, """{ "Tier": "silver" }""");
        var configuration = Build();
        const string complete = """{ "Tier": "platinum", "Other": "value" }""";

        // Act: a poll catches the editor half-way through writing, the next one sees the finished file.
        File.WriteAllText(_path, complete[..15]);
        _time.Advance(Poll);
        File.WriteAllText(_path, complete);
        _time.Advance(Poll);
        var beforeStable = configuration["Tier"];
        _time.Advance(Poll);

        // Assert
        Assert.Empty(_parseFailures);
        Assert.Equal("silver", beforeStable);
        Assert.Equal("platinum", configuration["Tier"]);
        Assert.Equal("value", configuration["Other"]);
    }

    [Fact]
    public void Poll_FileTemporarilyMissing_KeepsLastGood()
    {
        // Arrange
        File.WriteAllText(_path, """{ "Tier": "silver" }""");
        var configuration = Build();

        // Act: e.g. an editor that deletes and recreates the file.
        File.Delete(_path);
        _time.Advance(Poll);
        _time.Advance(Poll);

        // Assert
        Assert.Equal("silver", configuration["Tier"]);
        Assert.Empty(_parseFailures);
    }

    [Theory]
    [InlineData("{ \"Tier\": ")]
    [InlineData("[1, 2]")]
    public void Load_InvalidInitialContent_ThrowsInvalidDataNamingFile(string content)
    {
        // Arrange
        File.WriteAllText(_path, content);

        // Act
        var error = Assert.Throws<InvalidDataException>(Build);

        // Assert
        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsInvalidDataNamingFile()
    {
        // Act
        var error = Assert.Throws<InvalidDataException>(Build);

        // Assert
        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IConfigurationRoot Build() =>
        new ConfigurationBuilder()
            .Add(new WatchedJsonFileSource(_path, _events) { PollInterval = Poll, TimeProvider = _time })
            .Build();
}
