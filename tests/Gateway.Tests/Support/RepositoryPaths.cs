namespace Gateway.Tests.Support;

/// <summary>The repository's product source, for tests that check the code itself.</summary>
internal static class RepositoryPaths
{
    /// <summary>The product folders: the host, the request-path stages, the configuration.</summary>
    public static readonly string[] ProductFolders = ["gateway", "transforms", "config"];

    /// <summary>The folder holding <c>Gateway.sln</c>.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every C# file of <paramref name="folders"/> (default: all product folders), build output excluded.</summary>
    public static List<string> SourceFiles(params string[] folders)
    {
        var root = Root();
        return (folders.Length == 0 ? ProductFolders : folders)
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
    }
}
