using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Tests.Caching;

public sealed class CacheRouteSettingsTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("yes", false)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    public void Parse_CacheMetadata_OnlyExplicitTrueEnables(string? value, bool expected)
    {
        // Arrange
        var metadata = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Cache"] = value };

        // Act / Assert
        Assert.Equal(expected, CacheRouteSettings.Parse(metadata).Enabled);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("tenant", false)]
    [InlineData("Tenant", false)]
    [InlineData("user", true)]
    [InlineData("usr", true)]
    public void Parse_Scope_UserOrUnknownIsPerUser(string? scope, bool perUser)
    {
        // Arrange
        var metadata = new Dictionary<string, string> { ["Cache"] = "true" };
        if (scope is not null)
        {
            metadata["CacheScope"] = scope;
        }

        // Act / Assert
        Assert.Equal(perUser, CacheRouteSettings.Parse(metadata).PerUser);
    }

    [Fact]
    public void Parse_Streaming_Enabled()
    {
        // Act
        var settings = CacheRouteSettings.Parse(new Dictionary<string, string> { ["Cache"] = "true", ["CacheStreaming"] = "true" });

        // Assert
        Assert.True(settings.CacheStreaming);
    }

    [Fact]
    public void Validate_BadValues_OneErrorEachNamingRouteAndKey()
    {
        // Arrange
        var metadata = new Dictionary<string, string> { ["Cache"] = "yes", ["CacheScope"] = "usr", ["CacheStreaming"] = "1" };

        // Act
        var errors = CacheRouteSettings.Validate("rag", metadata).ToList();

        // Assert
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("'rag'", e, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Metadata:Cache ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Metadata:CacheScope", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Metadata:CacheStreaming", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GoodValues_NoErrors() =>
        Assert.Empty(CacheRouteSettings.Validate("rag", new Dictionary<string, string> { ["Cache"] = "true", ["CacheScope"] = "user", ["CacheStreaming"] = "false" }));

    [Fact]
    public void Parse_SemanticDefaults_QueryFieldAndChosenThreshold()
    {
        // Act
        var settings = CacheRouteSettings.Parse(new Dictionary<string, string> { ["Cache"] = "true", ["SemanticCache"] = "true" });

        // Assert
        Assert.NotNull(settings.Semantic);
        Assert.Equal("/query", settings.Semantic.Field);
        Assert.Equal(["query"], settings.Semantic.Segments);
        Assert.Equal(SemanticDefaults.Threshold, settings.Semantic.Threshold);
    }

    [Fact]
    public void Parse_SemanticFieldAndThreshold_Read()
    {
        // Act
        var settings = CacheRouteSettings.Parse(new Dictionary<string, string>
        {
            ["Cache"] = "true", ["SemanticCache"] = "true", ["SemanticField"] = "/messages/0/content", ["SemanticThreshold"] = "0.85",
        });

        // Assert
        Assert.Equal(["messages", "0", "content"], settings.Semantic!.Segments);
        Assert.Equal(0.85f, settings.Semantic.Threshold);
    }

    [Theory]
    [InlineData(null, "Balanced")]
    [InlineData("strict", "Strict")]
    [InlineData(" Lenient ", "Lenient")]
    public void Parse_SemanticGuard_Read(string? value, string expected)
    {
        // Arrange
        var metadata = new Dictionary<string, string> { ["Cache"] = "true", ["SemanticCache"] = "true" };
        if (value is not null)
        {
            metadata["SemanticGuard"] = value;
        }

        // Act / Assert
        Assert.Equal(Enum.Parse<GuardStrictness>(expected), CacheRouteSettings.Parse(metadata).Semantic!.Guard);
    }

    [Theory]
    [InlineData("false")]
    [InlineData(null)]
    public void Parse_SemanticNotOn_NoSemanticSettings(string? value)
    {
        // Arrange
        var metadata = new Dictionary<string, string> { ["Cache"] = "true" };
        if (value is not null)
        {
            metadata["SemanticCache"] = value;
        }

        // Act / Assert
        Assert.Null(CacheRouteSettings.Parse(metadata).Semantic);
    }

    [Theory]
    [InlineData("SemanticCache", "yes", "Metadata:SemanticCache must be")]
    [InlineData("SemanticField", "query", "Metadata:SemanticField")]
    [InlineData("SemanticField", "/a~2b", "Metadata:SemanticField")]
    [InlineData("SemanticThreshold", "0", "Metadata:SemanticThreshold")]
    [InlineData("SemanticThreshold", "1.5", "Metadata:SemanticThreshold")]
    [InlineData("SemanticThreshold", "0,8", "Metadata:SemanticThreshold")]
    [InlineData("SemanticGuard", "paranoid", "Metadata:SemanticGuard")]
    [InlineData("SemanticGuard", "1", "Metadata:SemanticGuard")]
    public void Validate_BadSemanticValue_OneErrorNamingRouteAndKey(string key, string value, string expected)
    {
        // Arrange
        var metadata = new Dictionary<string, string> { ["Cache"] = "true", ["SemanticCache"] = "true", [key] = value };

        // Act
        var error = Assert.Single(CacheRouteSettings.Validate("rag", metadata));

        // Assert
        Assert.Contains("'rag'", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SemanticWithoutCache_Error()
    {
        // Act
        var error = Assert.Single(CacheRouteSettings.Validate("rag", new Dictionary<string, string> { ["SemanticCache"] = "true" }));

        // Assert
        Assert.Contains("Metadata:SemanticCache needs Metadata:Cache", error, StringComparison.Ordinal);
    }
}
