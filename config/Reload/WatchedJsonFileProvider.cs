using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Gateway.Config.Reload;

/// <summary>Provider behind <see cref="WatchedJsonFileSource"/>.</summary>
internal sealed class WatchedJsonFileProvider : ConfigurationProvider, IDisposable
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly WatchedJsonFileSource _source;
    private readonly object _gate = new();
    private ITimer? _timer;
    private byte[] _applied = [];
    private byte[]? _pending;
    private byte[]? _lastRejected;

    public WatchedJsonFileProvider(WatchedJsonFileSource source) => _source = source;

    public override void Load()
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(_source.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Configuration file '{_source.Path}' cannot be read: {ex.Message}", ex);
        }

        Data = Parse(content);
        _applied = content;
        _timer ??= _source.TimeProvider.CreateTimer(_ => Poll(), null, _source.PollInterval, _source.PollInterval);
    }

    public void Dispose() => _timer?.Dispose();

    private void Poll()
    {
        // A change is applied once the same bytes are seen on two polls in a row, so a
        // half-written file (truncate, then write) is never mistaken for an invalid edit.
        lock (_gate)
        {
            byte[] content;
            try
            {
                content = File.ReadAllBytes(_source.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }

            if (content.AsSpan().SequenceEqual(_applied))
            {
                _pending = null;
                return;
            }

            if (_pending is null || !content.AsSpan().SequenceEqual(_pending))
            {
                _pending = content;
                return;
            }

            _pending = null;
            if (_lastRejected is not null && content.AsSpan().SequenceEqual(_lastRejected))
            {
                return;
            }

            try
            {
                Data = Parse(content);
            }
            catch (InvalidDataException ex)
            {
                _lastRejected = content;
                _source.Events.OnParseFailed(_source.Path, ex);
                return;
            }

            _applied = content;
            _lastRejected = null;
        }

        OnReload();
    }

    private Dictionary<string, string?> Parse(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, ParseOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"Configuration file '{_source.Path}' must hold a JSON object.");
            }

            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(document.RootElement, prefix: null, data);
            return data;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"Configuration file '{_source.Path}' is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}", ex);
        }
    }

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string?> data)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var empty = true;
                foreach (var property in element.EnumerateObject())
                {
                    empty = false;
                    Flatten(property.Value, Combine(prefix, property.Name), data);
                }

                if (empty && prefix is not null)
                {
                    data[prefix] = null;
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, Combine(prefix, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), data);
                    index++;
                }

                if (index == 0 && prefix is not null)
                {
                    data[prefix] = null;
                }

                break;
            case JsonValueKind.Null:
                data[prefix!] = null;
                break;
            case JsonValueKind.String:
                data[prefix!] = element.GetString();
                break;
            default:
                data[prefix!] = element.GetRawText();
                break;
        }
    }

    private static string Combine(string? prefix, string key) =>
        prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;
}
