using Gateway.Transforms.Caching;

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
}
