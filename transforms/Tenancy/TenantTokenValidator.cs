using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Config.Options;
using Gateway.Config.Reload;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Transforms.Tenancy;

/// <summary>
/// Validates bearer tokens against the current <c>Gateway:Jwt</c> settings. Accepted tokens are
/// remembered until they expire, so the signature is checked once per token rather than once per request.
/// Rejected tokens are remembered for <see cref="RejectionMemory"/> (unless only not valid <em>yet</em>), so a client
/// or a flood repeating a bad token costs a dictionary lookup, not a signature check and the exceptions of a failed one.
/// </summary>
public sealed class TenantTokenValidator
{
    /// <summary>Failure reported for every token while no key is configured.</summary>
    public const string NoKeysFailure =
        "The gateway has no token signing key configured (Gateway:Jwt:PublicKeys, Gateway:Jwt:Authority, or a SigningKey with AllowSharedSecret); every token is refused.";

    /// <summary>How long a rejected token is answered from memory.</summary>
    public static readonly TimeSpan RejectionMemory = TimeSpan.FromSeconds(10);

    private const int MaxCachedTokens = 50_000;
    private const int MaxCachedRejections = 10_000;

    private readonly IGatewaySettings _settings;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, TenantPrincipal> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Rejection> _rejected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TenantPrincipal>.AlternateLookup<ReadOnlySpan<char>> _acceptedBySpan;
    private readonly ConcurrentDictionary<string, Rejection>.AlternateLookup<ReadOnlySpan<char>> _rejectedBySpan;

    // Guards the pair (epoch, cache): a clear bumps the epoch under it, and a validation stores its result under it
    // only if the epoch is still the one it started with. Without it a validation that began under keys since rotated
    // out could finish after the clear and put its token back.
    private readonly object _cacheGate = new();
    private long _epoch;
    private volatile ValidationState? _state;
    private OpenIdConnectConfiguration? _authorityKeys;
    private long _signatureChecks;

    /// <summary>Creates a validator that follows reloads of <paramref name="settings"/>.</summary>
    public TenantTokenValidator(IGatewaySettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _time = time;
        _acceptedBySpan = _accepted.GetAlternateLookup<ReadOnlySpan<char>>();
        _rejectedBySpan = _rejected.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Tokens validated in full (signature and claims) so far: the work the two memories save.</summary>
    internal long SignatureChecks => Interlocked.Read(ref _signatureChecks);

    /// <summary>Validates the value of an <c>Authorization</c> header.</summary>
    public ValueTask<TokenCheck> ValidateHeaderAsync(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return ValueTask.FromResult(TokenCheck.Invalid("A bearer token is required."));
        }

        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length <= scheme.Length)
        {
            return ValueTask.FromResult(TokenCheck.Invalid("The Authorization header must carry a bearer token."));
        }

        // A token seen before is found without cutting it out of the header (no string per request).
        var token = authorization.AsSpan(scheme.Length).Trim();
        var state = CurrentState();
        return state.Options.HasVerificationKeys && TryRemembered(token, state) is { } remembered
            ? ValueTask.FromResult(remembered)
            : ValidateAsync(token.ToString());
    }

    /// <summary>Validates a compact JWT.</summary>
    public ValueTask<TokenCheck> ValidateAsync(string token)
    {
        ArgumentNullException.ThrowIfNull(token);

        // Read before the state: a key change between the two then only costs this token its place in the cache.
        var epoch = Volatile.Read(ref _epoch);
        var state = CurrentState();
        if (!state.Options.HasVerificationKeys)
        {
            return ValueTask.FromResult(TokenCheck.Invalid(NoKeysFailure));
        }

        return TryRemembered(token, state) is { } remembered ? ValueTask.FromResult(remembered) : ValidateUncachedAsync(token, state, epoch);
    }

    private TokenCheck? TryRemembered(ReadOnlySpan<char> token, ValidationState state)
    {
        _ = state; // resolved first: a settings change clears both memories before they are read
        if (_acceptedBySpan.TryGetValue(token, out var cached))
        {
            if (cached.ExpiresAt > _time.GetUtcNow())
            {
                return TokenCheck.Valid(cached);
            }

            _acceptedBySpan.TryRemove(token, out _);
        }

        if (_rejectedBySpan.TryGetValue(token, out var rejection))
        {
            if (rejection.Until > _time.GetTimestamp())
            {
                return rejection.Check;
            }

            _rejectedBySpan.TryRemove(token, out _);
        }

        return null;
    }

    private TokenCheck Reject(string token, string reason, bool remember, long epoch)
    {
        var check = TokenCheck.Invalid(reason);
        if (!remember)
        {
            return check;
        }

        lock (_cacheGate)
        {
            // As for accepted tokens: a rejection under keys since changed must not outlive the change.
            if (_epoch != epoch)
            {
                return check;
            }

            if (_rejected.Count >= MaxCachedRejections)
            {
                // Bounded like the accepted tokens: forgetting costs only re-validation.
                _rejected.Clear();
            }

            _rejected[token] = new Rejection(check, _time.GetTimestamp() + (long)(RejectionMemory.TotalSeconds * _time.TimestampFrequency));
        }

        return check;
    }

    private async ValueTask<TokenCheck> ValidateUncachedAsync(string token, ValidationState state, long epoch)
    {
        if (token.Length > 16 * 1024)
        {
            return TokenCheck.Invalid("The bearer token is malformed.");
        }

        if (!_handler.CanReadToken(token))
        {
            return Reject(token, "The bearer token is malformed.", remember: true, epoch);
        }

        // Lifetime is checked against the gateway's clock, so tests can drive it and nodes agree.
        var parameters = state.Parameters.Clone();
        parameters.LifetimeValidator = (notBefore, expires, _, p) => LifetimeIsValid(notBefore, expires, p.ClockSkew);

        if (state.Authority is not null)
        {
            epoch = await FollowAuthorityAsync(state.Authority, epoch).ConfigureAwait(false);
        }

        TokenValidationResult result;
        Interlocked.Increment(ref _signatureChecks);
        try
        {
            result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException)
        {
            return Reject(token, "The bearer token is malformed.", remember: true, epoch);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // A token that is only not valid yet will be soon, and one whose key the authority does not list yet may be
            // signed with a key it is rotating in (validating it again makes the handler refresh the key set): neither
            // is remembered.
            var transient = result.Exception is SecurityTokenNotYetValidException
                || (state.Authority is not null && result.Exception is SecurityTokenSignatureKeyNotFoundException);
            return Reject(token, Describe(result.Exception), remember: !transient, epoch);
        }

        var jwtOptions = state.Options;
        jwt.TryGetPayloadValue<string>(jwtOptions.TenantClaim, out var tenant);
        jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var subject);
        var isAdmin = HasScope(jwt, jwtOptions.AdminScope);
        if (string.IsNullOrEmpty(tenant) && !isAdmin)
        {
            return Reject(token, $"The token carries no '{jwtOptions.TenantClaim}' claim.", remember: true, epoch);
        }

        var principal = new TenantPrincipal(
            string.IsNullOrEmpty(tenant) ? null : tenant,
            subject,
            isAdmin,
            HasScope(jwt, jwtOptions.TenantAdminScope),
            new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        Remember(token, principal, epoch);
        return TokenCheck.Valid(principal);
    }

    private void Remember(string token, TenantPrincipal principal, long epoch)
    {
        lock (_cacheGate)
        {
            // The keys changed while this token was being checked: it was valid under the old ones, which is all this
            // request gets; it must not outlive the change in the cache.
            if (_epoch != epoch)
            {
                return;
            }

            if (_accepted.Count >= MaxCachedTokens)
            {
                // A flood of distinct tokens must not grow memory without bound; dropping the cache only costs re-validation.
                _accepted.Clear();
            }

            _accepted[token] = principal;
            _rejected.TryRemove(token, out _);
        }
    }

    private void Forget()
    {
        lock (_cacheGate)
        {
            _epoch++;
            _accepted.Clear();
            _rejected.Clear();
        }
    }

    /// <summary>
    /// Clears the cache when the authority's key set has changed since the last validation (a key rotated out of its
    /// JWKS), and returns the epoch the validation continues under.
    /// </summary>
    private async ValueTask<long> FollowAuthorityAsync(Microsoft.IdentityModel.Protocols.ConfigurationManager<OpenIdConnectConfiguration> authority, long epoch)
    {
        OpenIdConnectConfiguration keys;
        try
        {
            keys = await authority.GetConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Not retrievable yet; the handler below fails the token with the same cause.
            return epoch;
        }

        var previous = Interlocked.Exchange(ref _authorityKeys, keys);
        if (previous is null || ReferenceEquals(previous, keys) || SameKeys(previous, keys))
        {
            return epoch;
        }

        Forget();
        return Volatile.Read(ref _epoch);
    }

    private static bool SameKeys(OpenIdConnectConfiguration a, OpenIdConnectConfiguration b) =>
        a.SigningKeys.Select(k => k.KeyId).Order(StringComparer.Ordinal)
            .SequenceEqual(b.SigningKeys.Select(k => k.KeyId).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private bool LifetimeIsValid(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("no exp");
        }

        if (notBefore is { } nbf && nbf > now + skew)
        {
            throw new SecurityTokenNotYetValidException("nbf in the future") { NotBefore = nbf };
        }

        if (expires.Value < now - skew)
        {
            throw new SecurityTokenExpiredException("expired") { Expires = expires.Value };
        }

        return true;
    }

    private static bool HasScope(JsonWebToken jwt, string scope)
    {
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }

        if (jwt.TryGetPayloadValue<string>("scope", out var spaced) && spaced is not null)
        {
            foreach (var part in spaced.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == scope)
                {
                    return true;
                }
            }
        }

        if (jwt.TryGetPayloadValue<List<string>>("scope", out var listed) && listed is not null)
        {
            return listed.Contains(scope);
        }

        return false;
    }

    private static string Describe(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "The bearer token has expired.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry.",
        SecurityTokenInvalidIssuerException => "The bearer token was issued by an untrusted issuer.",
        SecurityTokenInvalidAudienceException => "The bearer token is not meant for this audience.",
        SecurityTokenInvalidAlgorithmException => "The bearer token's signing algorithm is not allowed.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The bearer token's signature is invalid.",
        SecurityTokenMalformedException or ArgumentException => "The bearer token is malformed.",
        _ => "The bearer token is invalid.",
    };

    private ValidationState CurrentState()
    {
        var settings = _settings.Current;
        var state = _state;
        if (state is not null && state.Version == settings.Version)
        {
            return state;
        }

        var jwt = settings.Options.Jwt;
        var authority = state?.Authority;
        if (string.IsNullOrWhiteSpace(jwt.Authority))
        {
            authority = null;
        }
        else if (authority is null || !string.Equals(state!.Options.Authority, jwt.Authority, StringComparison.Ordinal))
        {
            authority = TokenValidationSetup.CreateAuthority(jwt);
        }

        var rebuilt = new ValidationState(settings.Version, jwt, TokenValidationSetup.Build(jwt, authority), authority);
        if (state is not null && !SameJwt(state.Options, jwt))
        {
            // Keys, issuer or audience changed: a token accepted before may not be acceptable now, nor one rejected before
            // unacceptable. (The first state has nothing to forget, and keeps the epoch the first validations read.)
            Forget();
        }

        _state = rebuilt;
        return rebuilt;
    }

    private static bool SameJwt(JwtOptions a, JwtOptions b) =>
        a.Issuer == b.Issuer && a.Audience == b.Audience && a.SigningKey == b.SigningKey && a.Authority == b.Authority
        && a.AllowSharedSecret == b.AllowSharedSecret && a.TenantClaim == b.TenantClaim && a.ClockSkewSeconds == b.ClockSkewSeconds
        && a.AdminScope == b.AdminScope && a.TenantAdminScope == b.TenantAdminScope && a.PublicKeys.SequenceEqual(b.PublicKeys);

    /// <summary>A remembered rejection: its answer and until when (a <see cref="TimeProvider"/> timestamp).</summary>
    private sealed record Rejection(TokenCheck Check, long Until);

    private sealed record ValidationState(
        long Version,
        JwtOptions Options,
        TokenValidationParameters Parameters,
        Microsoft.IdentityModel.Protocols.ConfigurationManager<OpenIdConnectConfiguration>? Authority);
}
