using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Embeddings</c>: an absolute http(s) endpoint with a model and path, positive budgets and bounds.</summary>
internal sealed class EmbeddingsValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Embeddings";
        var embeddings = options.Embeddings;
        if (!string.IsNullOrWhiteSpace(embeddings.Endpoint))
        {
            if (!Uri.TryCreate(embeddings.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}:Endpoint must be an absolute http or https URL (got '{embeddings.Endpoint}').");
            }

            if (string.IsNullOrWhiteSpace(embeddings.Model))
            {
                errors.Add($"{key}:Model is required with an Endpoint.");
            }

            if (string.IsNullOrWhiteSpace(embeddings.Path) || !embeddings.Path.StartsWith('/'))
            {
                errors.Add($"{key}:Path must start with '/' (got '{embeddings.Path}').");
            }
        }

        if (embeddings.Dimensions is < 2 or > 8192)
        {
            errors.Add($"{key}:Dimensions must be between 2 and 8192 (got {embeddings.Dimensions}).");
        }

        if (embeddings.BudgetMs is < 1 or > 10_000)
        {
            errors.Add($"{key}:BudgetMs must be between 1 and 10000 (got {embeddings.BudgetMs}).");
        }

        if (embeddings.BreakerFailureThreshold < 1)
        {
            errors.Add($"{key}:BreakerFailureThreshold must be at least 1 (got {embeddings.BreakerFailureThreshold}).");
        }

        errors.RequirePositive($"{key}:BreakerCooldownMs", embeddings.BreakerCooldownMs);
        errors.RequirePositive($"{key}:MaxQueryChars", embeddings.MaxQueryChars);

        if (embeddings.MaxConcurrency < 0)
        {
            errors.Add($"{key}:MaxConcurrency must not be negative (got {embeddings.MaxConcurrency}; 0 means half the cores).");
        }

        errors.RequirePositive($"{key}:MaxVectorsPerTenant", embeddings.MaxVectorsPerTenant);

        if (embeddings.MaxIndexBytesPerTenant < 64 * 1024)
        {
            errors.Add($"{key}:MaxIndexBytesPerTenant must be at least 65536 (got {embeddings.MaxIndexBytesPerTenant}).");
        }
    }
}
