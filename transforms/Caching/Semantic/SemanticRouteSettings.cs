using System.Globalization;
using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Semantic.Matching;

namespace Gateway.Transforms.Caching.Semantic;

/// <summary>
/// A route's semantic cache opt-in, from its YARP <c>Metadata</c>: <c>"SemanticCache": "true"</c> (with
/// <c>"Cache": "true"</c>), <c>"SemanticField"</c> (a JSON pointer to the query text, default <c>/query</c>) and
/// <c>"SemanticThreshold"</c> (cosine similarity in (0, 1], default <see cref="SemanticDefaults.Threshold"/>) and
/// <c>"SemanticGuard"</c> (<c>balanced</c>, the default, <c>strict</c> or <c>lenient</c>: see <see cref="GuardStrictness"/>).
/// </summary>
/// <param name="Field">The JSON pointer as configured.</param>
/// <param name="Segments">The pointer's unescaped segments.</param>
/// <param name="Threshold">Lowest similarity a stored query may have to answer.</param>
/// <param name="Guard">How the detail guard treats words on one side only.</param>
internal sealed record SemanticRouteSettings(string Field, string[] Segments, float Threshold, GuardStrictness Guard = GuardStrictness.Balanced)
{
    /// <summary>Metadata key that opts a cached route into semantic matching.</summary>
    public const string EnabledKey = "SemanticCache";

    /// <summary>Metadata key of the JSON pointer to the query text.</summary>
    public const string FieldKey = "SemanticField";

    /// <summary>Metadata key of the detail guard's strictness.</summary>
    public const string GuardKey = "SemanticGuard";

    /// <summary>Metadata key of the similarity threshold.</summary>
    public const string ThresholdKey = "SemanticThreshold";

    /// <summary>The semantic settings of a cached route's metadata; null when the route does not opt in or a value is invalid (validation reports it).</summary>
    public static SemanticRouteSettings? Parse(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(EnabledKey, out var enabled) || !bool.TryParse(enabled, out var on) || !on)
        {
            return null;
        }

        var field = metadata.TryGetValue(FieldKey, out var configured) ? configured : SemanticDefaults.Field;
        if (!SemanticRequestText.TryParsePointer(field, out var segments) || !TryParseThreshold(metadata, out var threshold) || !TryParseGuard(metadata, out var guard))
        {
            return null;
        }

        return new SemanticRouteSettings(field, segments, threshold, guard);
    }

    /// <summary>Problems in a route's semantic metadata, for start-up validation.</summary>
    public static IEnumerable<string> Validate(string routeId, IReadOnlyDictionary<string, string> metadata, bool cacheEnabled)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.TryGetValue(EnabledKey, out var enabled))
        {
            if (!bool.TryParse(enabled, out var on))
            {
                yield return $"Route '{routeId}': Metadata:{EnabledKey} must be 'true' or 'false' (got '{enabled}').";
            }
            else if (on && !cacheEnabled)
            {
                yield return $"Route '{routeId}': Metadata:{EnabledKey} needs Metadata:Cache 'true'.";
            }
        }

        if (metadata.TryGetValue(FieldKey, out var field) && !SemanticRequestText.TryParsePointer(field, out _))
        {
            yield return $"Route '{routeId}': Metadata:{FieldKey} must be a JSON pointer such as '/query' or '/messages/0/content' (got '{field}').";
        }

        if (metadata.ContainsKey(ThresholdKey) && !TryParseThreshold(metadata, out _))
        {
            yield return $"Route '{routeId}': Metadata:{ThresholdKey} must be a number in (0, 1] such as '0.7' (got '{metadata[ThresholdKey]}').";
        }

        if (metadata.ContainsKey(GuardKey) && !TryParseGuard(metadata, out _))
        {
            yield return $"Route '{routeId}': Metadata:{GuardKey} must be 'balanced', 'strict' or 'lenient' (got '{metadata[GuardKey]}').";
        }
    }

    private static bool TryParseGuard(IReadOnlyDictionary<string, string> metadata, out GuardStrictness guard)
    {
        guard = GuardStrictness.Balanced;
        if (!metadata.TryGetValue(GuardKey, out var text))
        {
            return true;
        }

        // Names only: Enum.TryParse would also take "1" or "strict,lenient".
        foreach (var value in Enum.GetValues<GuardStrictness>())
        {
            if (string.Equals(text?.Trim(), value.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                guard = value;
                return true;
            }
        }

        return false;
    }

    private static bool TryParseThreshold(IReadOnlyDictionary<string, string> metadata, out float threshold)
    {
        threshold = SemanticDefaults.Threshold;
        return !metadata.TryGetValue(ThresholdKey, out var text)
            || (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) && threshold > 0 && threshold <= 1);
    }
}
