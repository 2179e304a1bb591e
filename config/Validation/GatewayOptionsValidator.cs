using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary>Validates the whole <c>Gateway</c> section, one small validator per section (as YARP's <c>ClusterValidators</c>).</summary>
/// <remarks>Every error is collected with the configuration key it concerns, so one log line tells an operator all that is wrong.</remarks>
internal static class GatewayOptionsValidator
{
    /// <summary>Root of every key named in an error.</summary>
    internal const string Root = GatewayOptions.SectionName;

    private static readonly IOptionsSectionValidator[] Sections =
    [
        new TiersValidator(),
        new TenantsValidator(),
        new JwtValidator(),
        new RedisValidator(),
        new CacheValidator(),
        new EmbeddingsValidator(),
        new ThrottlingValidator(),
        new FairnessValidator(),
        new LimitsValidator(),
        new ManagementValidator(),
        new AdminValidator(),
        new AuditValidator(),
    ];

    /// <summary>Returns the problems found, each naming its configuration key; empty when the options are valid.</summary>
    public static IReadOnlyList<string> Validate(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var section in Sections)
        {
            section.Validate(options, errors);
        }

        return errors;
    }
}
