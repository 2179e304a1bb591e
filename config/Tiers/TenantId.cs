using System.Buffers;

namespace Gateway.Config.Tiers;

/// <summary>Rules for tenant identifiers. They end up inside Redis keys and hash tags, so the alphabet is closed.</summary>
public static class TenantId
{
    /// <summary>Longest accepted tenant id.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>True when <paramref name="value"/> is 1–64 characters of letters, digits, '.', '_' or '-'.</summary>
    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxLength
        && !value.AsSpan().ContainsAnyExcept(Allowed);
}
