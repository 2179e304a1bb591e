using Gateway.Config.Options;
using Gateway.Config.Validation;

namespace Gateway.Tests.Config.Validation;

public sealed class ThrottlingOptionsValidationTests
{
    [Theory]
    [InlineData("Throttling:ExpectedNodes")]
    [InlineData("Throttling:HotThreshold")]
    [InlineData("Throttling:HotWindowSeconds")]
    [InlineData("Throttling:RedisBudgetMs")]
    [InlineData("Fairness:MaxInFlight")]
    [InlineData("Fairness:MaxQueuePerTenant")]
    [InlineData("Fairness:AutoThrottleShare")]
    [InlineData("Fairness:AutoThrottleFactor")]
    [InlineData("Fairness:AutoThrottleCooldownSeconds")]
    [InlineData("Fairness:ShedMarginMs")]
    public void Validate_OutOfRange_NamesTheKey(string key)
    {
        // Arrange
        var options = ValidOptions();
        Action<GatewayOptions> breakIt = key switch
        {
            "Throttling:ExpectedNodes" => o => o.Throttling.ExpectedNodes = 0,
            "Throttling:HotThreshold" => o => o.Throttling.HotThreshold = 0,
            "Throttling:HotWindowSeconds" => o => o.Throttling.HotWindowSeconds = 0,
            "Throttling:RedisBudgetMs" => o => o.Throttling.RedisBudgetMs = 0,
            "Fairness:MaxInFlight" => o => o.Fairness.MaxInFlight = 0,
            "Fairness:MaxQueuePerTenant" => o => o.Fairness.MaxQueuePerTenant = -1,
            "Fairness:AutoThrottleShare" => o => o.Fairness.AutoThrottleShare = 1.5,
            "Fairness:AutoThrottleFactor" => o => o.Fairness.AutoThrottleFactor = 0,
            "Fairness:AutoThrottleCooldownSeconds" => o => o.Fairness.AutoThrottleCooldownSeconds = 0,
            _ => o => o.Fairness.ShedMarginMs = -1,
        };
        breakIt(options);

        // Act
        var errors = GatewayOptionsValidator.Validate(options);

        // Assert
        var error = Assert.Single(errors);
        Assert.StartsWith($"Gateway:{key} ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_NoErrors() => Assert.Empty(GatewayOptionsValidator.Validate(ValidOptions()));

    private static GatewayOptions ValidOptions() => new()
    {
        Jwt = new JwtOptions { Issuer = "issuer", Audience = "audience", SigningKey = "unit-test-signing-key-0123456789abcdef", AllowSharedSecret = true },
    };
}
