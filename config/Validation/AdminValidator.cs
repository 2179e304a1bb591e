using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Admin</c>: a positive rate of admin write actions.</summary>
internal sealed class AdminValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Admin";
        errors.RequirePositive($"{key}:InvalidationsPerMinute", options.Admin.InvalidationsPerMinute);
    }
}
