using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Audit</c>: a file path whose directory exists, when one is given.</summary>
internal sealed class AuditValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Audit:Path";
        var path = options.Audit.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"{key} '{path}' is not a file path ({ex.Message}).");
            return;
        }

        if (Directory.Exists(full))
        {
            errors.Add($"{key} '{path}' is a directory; name the file the audit events are appended to.");
        }
        else if (Path.GetDirectoryName(full) is not { } directory || !Directory.Exists(directory))
        {
            errors.Add($"{key} '{path}': the directory '{Path.GetDirectoryName(full)}' does not exist.");
        }
    }
}
