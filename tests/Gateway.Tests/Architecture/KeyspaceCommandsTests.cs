using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Architecture;

/// <summary>SPEC §4: the product never calls KEYS, SCAN, FLUSHDB or FLUSHALL; checked on the source itself.</summary>
public sealed partial class KeyspaceCommandsTests
{
    [Fact]
    public void ProductSource_KeyspaceWideCommands_NeverUsed()
    {
        // Arrange
        var root = RepositoryPaths.Root();
        var files = RepositoryPaths.SourceFiles();

        // Act
        var offences = files
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, number: i + 1, code: StripComment(line))))
            .Where(line => Forbidden().IsMatch(line.code))
            .Select(line => $"{Path.GetRelativePath(root, line.path)}:{line.number}: {line.code.Trim()}")
            .ToList();

        // Assert
        Assert.True(files.Count > 20, "the product source was not found");
        Assert.Empty(offences);
    }

    [Theory]
    [InlineData("redis.call('KEYS', 'cache:*')")]
    [InlineData("redis.call(\"SCAN\", 0)")]
    [InlineData("await server.FlushDatabaseAsync();")]
    [InlineData("server.FlushAllDatabases();")]
    [InlineData("foreach (var key in server.Keys(pattern: \"cache:*\"))")]
    [InlineData("db.Execute(\"FLUSHALL\")")]
    [InlineData("await server.KeysAsync(0, \"cache:*\")")]
    public void Forbidden_KnownSpellings_Matched(string code) => Assert.Matches(Forbidden(), code);

    [Theory]
    [InlineData("for i = 5, #KEYS do")]
    [InlineData("local index = KEYS[2]")]
    [InlineData("foreach (var key in _cacheUsage.Keys)")]
    public void Forbidden_LuaKeysArrayAndDictionaryKeys_NotMatched(string code) => Assert.DoesNotMatch(Forbidden(), code);

    private static string StripComment(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment >= 0 ? line[..comment] : line;
    }

    [GeneratedRegex("""(?ix) ['"] \s* (KEYS|SCAN|FLUSHDB|FLUSHALL) \b | \b FLUSH(DB|ALL) \b | \.(Keys|KeysAsync|FlushDatabase|FlushDatabaseAsync|FlushAllDatabases|FlushAllDatabasesAsync)\s*\(""")]
    private static partial Regex Forbidden();
}
