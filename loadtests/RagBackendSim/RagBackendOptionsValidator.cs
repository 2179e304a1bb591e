using Microsoft.Extensions.Options;

namespace RagBackendSim;

/// <summary>Rejects option values that would make the simulator hang or divide by zero, before it starts.</summary>
internal sealed class RagBackendOptionsValidator : IValidateOptions<RagBackendOptions>
{
    // Upper bounds keep a typo (an extra zero) from turning into a simulator that never answers.
    private const int MaxCapacity = 100_000;
    private const int MaxDelayMs = 600_000;
    private const int MaxStreamTokens = 10_000;

    public ValidateOptionsResult Validate(string? name, RagBackendOptions options)
    {
        var errors = new List<string>();
        if (options.Capacity is < 1 or > MaxCapacity)
        {
            errors.Add($"Sim:Capacity must be between 1 and {MaxCapacity}; got {options.Capacity}.");
        }

        if (!double.IsFinite(options.LatencyMedianMs) || options.LatencyMedianMs <= 0 || options.LatencyMedianMs > MaxDelayMs)
        {
            errors.Add($"Sim:LatencyMedianMs must be above 0 and at most {MaxDelayMs}; got {options.LatencyMedianMs}.");
        }

        if (!double.IsFinite(options.LatencyP99Ms) || options.LatencyP99Ms < options.LatencyMedianMs || options.LatencyP99Ms > MaxDelayMs)
        {
            errors.Add($"Sim:LatencyP99Ms must be at least Sim:LatencyMedianMs ({options.LatencyMedianMs}) and at most {MaxDelayMs}; got {options.LatencyP99Ms}.");
        }

        if (options.FixedLatencyMs is < 0 or > MaxDelayMs)
        {
            errors.Add($"Sim:FixedLatencyMs must be between 0 and {MaxDelayMs} when set; got {options.FixedLatencyMs}.");
        }

        if (options.StreamTokens is < 1 or > MaxStreamTokens)
        {
            errors.Add($"Sim:StreamTokens must be between 1 and {MaxStreamTokens}; got {options.StreamTokens}.");
        }

        if (options.StreamTokenDelayMs is < 0 or > MaxDelayMs)
        {
            errors.Add($"Sim:StreamTokenDelayMs must be between 0 and {MaxDelayMs}; got {options.StreamTokenDelayMs}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
