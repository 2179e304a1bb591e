using System.Text;
using System.Text.Json;

namespace Gateway.Transforms.Caching.Semantic.Matching;

/// <summary>
/// Finds the query text at a JSON pointer in a request body and produces the body with that text
/// replaced by <c>null</c>. The rest of the exact key is hashed over the replaced body, so two
/// requests can only match semantically when every other byte of the body (collection, filters,
/// top_k...) is identical.
/// </summary>
internal static class SemanticRequestText
{
    private static readonly byte[] NullLiteral = "null"u8.ToArray();

    /// <summary>Splits an RFC 6901 pointer such as <c>/query</c> or <c>/messages/0/content</c>.</summary>
    /// <returns>false when the pointer is malformed; the route validator reports it.</returns>
    public static bool TryParsePointer(string pointer, out string[] segments)
    {
        segments = [];
        if (string.IsNullOrEmpty(pointer) || pointer[0] != '/')
        {
            return false;
        }

        var parts = pointer[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            for (var c = 0; c < part.Length; c++)
            {
                if (part[c] == '~' && (c + 1 == part.Length || (part[c + 1] != '0' && part[c + 1] != '1')))
                {
                    return false;
                }
            }

            // Order matters: "~01" is "~1" literally, not "/".
            parts[i] = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        segments = parts;
        return true;
    }

    /// <summary>
    /// Extracts the string at <paramref name="segments"/>. Fails (no semantic lookup) when the body is
    /// not valid JSON, the pointer does not resolve, or the value is not a string.
    /// </summary>
    public static bool TryExtract(ReadOnlySpan<byte> body, string[] segments, out string text, out byte[] bodyWithoutText)
    {
        text = "";
        bodyWithoutText = [];
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            if (!reader.Read() || !TryNavigate(ref reader, segments) || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            var start = (int)reader.TokenStartIndex;
            var end = (int)reader.BytesConsumed;
            var value = reader.GetString();

            // Read to the end so a truncated or invalid body is refused, as the upstream would refuse it.
            while (reader.Read())
            {
            }

            if (value is null)
            {
                return false;
            }

            var replaced = new byte[start + NullLiteral.Length + (body.Length - end)];
            body[..start].CopyTo(replaced);
            NullLiteral.CopyTo(replaced.AsSpan(start));
            body[end..].CopyTo(replaced.AsSpan(start + NullLiteral.Length));
            text = value;
            bodyWithoutText = replaced;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryNavigate(ref Utf8JsonReader reader, string[] segments)
    {
        foreach (var segment in segments)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (!TryFindProperty(ref reader, segment))
                {
                    return false;
                }
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                if (!TryParseIndex(segment, out var index) || !TryFindElement(ref reader, index))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryFindProperty(ref Utf8JsonReader reader, string name)
    {
        var utf8Name = Encoding.UTF8.GetBytes(name);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var matches = reader.ValueTextEquals(utf8Name);
            if (!reader.Read())
            {
                return false;
            }

            if (matches)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    private static bool TryFindElement(ref Utf8JsonReader reader, int index)
    {
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (i == index)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    private static bool TryParseIndex(string segment, out int index)
    {
        index = -1;
        return segment.Length > 0
            && (segment == "0" || segment[0] != '0')
            && segment.All(char.IsAsciiDigit)
            && int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
