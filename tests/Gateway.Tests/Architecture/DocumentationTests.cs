using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Architecture;

/// <summary>The README's stage table and docs/ARCHITECTURE.md name the stage folders that exist, and all of them.</summary>
public sealed partial class DocumentationTests
{
    [Fact]
    public void ReadmeStageTable_StageFolders_EachListedOnceAndNoneMissing()
    {
        // Arrange
        var root = RepositoryPaths.Root();
        var folders = StageFolders(root);

        // Act
        var listed = StageTableRow().Matches(File.ReadAllText(Path.Combine(root, "README.md"))).Select(m => m.Groups[1].Value).ToList();

        // Assert
        Assert.Equal(folders, listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ArchitectureDoc_StageFolders_EachDescribed()
    {
        // Arrange
        var root = RepositoryPaths.Root();
        var text = File.ReadAllText(Path.Combine(root, "docs", "ARCHITECTURE.md"));

        // Act
        var missing = StageFolders(root).Append("Infrastructure").Where(f => !text.Contains($"  {f}/", StringComparison.Ordinal)).ToList();

        // Assert
        Assert.Empty(missing);
    }

    private static List<string> StageFolders(string root) =>
        [.. Directory.EnumerateDirectories(Path.Combine(root, "transforms"))
            .Select(Path.GetFileName)
            .Where(name => name is not ("Infrastructure" or "bin" or "obj"))
            .Cast<string>()
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"^\| [^|]+ \| `transforms/(\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex StageTableRow();
}
