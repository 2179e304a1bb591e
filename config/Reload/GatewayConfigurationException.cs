namespace Gateway.Config.Reload;

/// <summary>Thrown at start-up when the <c>Gateway</c> section is invalid; the message names every offending key.</summary>
public sealed class GatewayConfigurationException : Exception
{
    /// <summary>Creates the exception from the validation errors.</summary>
    public GatewayConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid gateway configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    /// <summary>The individual problems.</summary>
    public IReadOnlyList<string> Errors { get; }
}
