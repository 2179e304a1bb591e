namespace Gateway.Config.Validation;

/// <summary>The checks several sections share, each adding one error that names its key and the value found.</summary>
internal static class ValidationErrors
{
    /// <summary>Adds "<paramref name="key"/> must be positive (got <paramref name="value"/>)." unless the value is.</summary>
    public static void RequirePositive(this ICollection<string> errors, string key, long value)
    {
        if (value <= 0)
        {
            errors.Add($"{key} must be positive (got {value}).");
        }
    }
}
