using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary>Checks one section of <see cref="GatewayOptions"/>; every problem names its configuration key.</summary>
internal interface IOptionsSectionValidator
{
    /// <summary>Adds the section's problems to <paramref name="errors"/>.</summary>
    void Validate(GatewayOptions options, ICollection<string> errors);
}
