using System.Reflection;
using System.Text.RegularExpressions;
using Gateway.Config.Options;
using Gateway.Tests.Support;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Fairness;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Throttling;

namespace Gateway.Tests.Architecture;

/// <summary>
/// Dependencies point one way: host → stages → shared infrastructure → config. A stage
/// (<c>Gateway.Transforms.&lt;Stage&gt;</c>, sub-namespaces included) uses its own namespace,
/// <c>Gateway.Transforms.Infrastructure.*</c> and <c>Gateway.Config.*</c>, never another stage; shared infrastructure
/// uses only itself and config; config uses only itself. Checked twice: on the compiled code (every type a type's
/// signatures and method bodies refer to) and on the source (<c>using</c> directives and qualified names, which also
/// catch constants the compiler inlines). Both key on namespaces, so every transforms file must declare the namespace
/// its folder names.
/// </summary>
public sealed partial class DependencyDirectionTests
{
    private const string Transforms = "Gateway.Transforms.";
    private const string Infrastructure = "Gateway.Transforms.Infrastructure";
    private const string Config = "Gateway.Config";

    [Fact]
    public void CompiledCode_EveryTypeReference_PointsDownward()
    {
        // Arrange
        Assembly[] assemblies = [typeof(TenantCacheExtensions).Assembly, typeof(GatewayOptions).Assembly];

        // Act
        var violations = assemblies.SelectMany(a => a.GetTypes()).SelectMany(Violations).Distinct().Order(StringComparer.Ordinal).ToList();

        // Assert
        Assert.True(violations.Count == 0, "References against host → stages → infrastructure → config:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Source_EveryUsingAndQualifiedName_PointsDownward()
    {
        // Arrange
        var root = RepositoryPaths.Root();
        var files = RepositoryPaths.SourceFiles("transforms", "config");

        // Act
        var violations = new List<string>();
        foreach (var path in files)
        {
            var text = File.ReadAllText(path);
            var from = Layer(FileNamespace().Match(text).Groups[1].Value);
            foreach (var name in NamespaceMentions().Matches(text).Select(m => m.Groups[1].Value).Distinct())
            {
                if (from is not null && Layer(name) is { } to && !Allowed(from, to))
                {
                    violations.Add($"{Path.GetRelativePath(root, path)} ({from}) -> {name} ({to})");
                }
            }
        }

        // Assert
        Assert.True(files.Count > 50, "the product source was not found");
        Assert.True(violations.Count == 0, "Usings against host → stages → infrastructure → config:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TransformsSource_EveryFile_DeclaresTheNamespaceOfItsFolder()
    {
        // Arrange
        var root = Path.Combine(RepositoryPaths.Root(), "transforms");

        // Act
        var mismatches = RepositoryPaths.SourceFiles("transforms")
            .Select(path => (path, expected: "Gateway.Transforms." + Path.GetRelativePath(root, Path.GetDirectoryName(path)!).Replace(Path.DirectorySeparatorChar, '.'),
                declared: FileNamespace().Match(File.ReadAllText(path)).Groups[1].Value))
            .Where(f => f.declared != f.expected)
            .Select(f => $"{Path.GetRelativePath(root, f.path)}: namespace {f.declared}, folder says {f.expected}")
            .ToList();

        // Assert
        Assert.Empty(mismatches);
    }

    [Fact]
    public void ReferencedTypes_CallInsideAsyncMethodAndFieldTypes_Found()
    {
        // Act: ProblemWriter is only called inside TenantThrottlingStage's methods; the policy is a field.
        var throttling = ReferencedTypes.Of(typeof(TenantThrottlingStage));
        var registry = ReferencedTypes.Of(typeof(FairQueueRegistry));

        // Assert
        Assert.Contains(typeof(ProblemWriter), throttling);
        Assert.Contains(typeof(TenantLimitPolicy), throttling);
        Assert.Contains(typeof(IAutoThrottle), registry);
    }

    [Theory]
    [InlineData("Gateway.Transforms.Fairness", "Gateway.Transforms.Throttling", false)]
    [InlineData("Gateway.Transforms.Caching", "Gateway.Transforms.Caching.Stores.Redis", true)]
    [InlineData("Gateway.Transforms.Caching.Stores.Redis", "Gateway.Transforms.Infrastructure.Redis", true)]
    [InlineData("Gateway.Transforms.Infrastructure.Http", "Gateway.Transforms.Infrastructure.Context", true)]
    [InlineData("Gateway.Transforms.Infrastructure.TenantLimits", "Gateway.Transforms.Throttling", false)]
    [InlineData("Gateway.Transforms.Throttling", "Gateway.Config.Tiers", true)]
    [InlineData("Gateway.Config.Settings", "Gateway.Transforms.Infrastructure.Context", false)]
    [InlineData("Gateway.Transforms.Edge", "Gateway.Hosting", false)]
    public void Allowed_FromNamespaceToNamespace_FollowsTheDirection(string from, string to, bool expected) =>
        Assert.Equal(expected, Allowed(Layer(from)!, Layer(to)!));

    private static IEnumerable<string> Violations(Type type)
    {
        if (Layer(type.Namespace) is not { } from)
        {
            yield break;
        }

        foreach (var referenced in ReferencedTypes.Of(type))
        {
            if (Layer(referenced.Namespace) is { } to && !Allowed(from, to))
            {
                yield return $"{Outermost(type).FullName} ({from}) -> {referenced.FullName} ({to})";
            }
        }
    }

    /// <summary><c>config</c>, <c>infrastructure</c>, <c>stage:&lt;Name&gt;</c>, <c>host</c>; null for other code.</summary>
    private static string? Layer(string? ns) => ns switch
    {
        null => null,
        _ when ns == Config || ns.StartsWith(Config + ".", StringComparison.Ordinal) => "config",
        _ when ns == Infrastructure || ns.StartsWith(Infrastructure + ".", StringComparison.Ordinal) => "infrastructure",
        _ when ns.StartsWith(Transforms, StringComparison.Ordinal) => "stage:" + ns[Transforms.Length..].Split('.')[0],
        _ when ns == "Gateway" || ns.StartsWith("Gateway.", StringComparison.Ordinal) && !ns.StartsWith("Gateway.Tests", StringComparison.Ordinal) => "host",
        _ => null,
    };

    private static bool Allowed(string from, string to) => from switch
    {
        "host" => true,
        "config" => to == "config",
        "infrastructure" => to is "infrastructure" or "config",
        _ => to == from || to is "infrastructure" or "config",
    };

    private static Type Outermost(Type type) => type.DeclaringType is { } declaring ? Outermost(declaring) : type;

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    /// <summary>A product namespace named in a <c>using</c> directive or a qualified name, outside the namespace declaration.</summary>
    [GeneratedRegex(@"(?<!namespace\s+)\b(Gateway\.(?:Transforms|Config|Hosting|Admin|Health|Telemetry)(?:\.\w+)*)")]
    private static partial Regex NamespaceMentions();
}
