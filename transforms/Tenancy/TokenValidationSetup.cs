using System.Security.Cryptography;
using System.Text;
using Gateway.Config.Formats;
using Gateway.Config.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Transforms.Tenancy;

/// <summary>Turns <see cref="JwtOptions"/> into pinned <see cref="TokenValidationParameters"/>.</summary>
internal static class TokenValidationSetup
{
    /// <summary>Builds validation parameters. Algorithms are pinned to the kinds of key configured; HS256 only when <see cref="JwtOptions.AcceptsSharedSecret"/>.</summary>
    public static TokenValidationParameters Build(JwtOptions jwt, IConfigurationManager<OpenIdConnectConfiguration>? authority)
    {
        var keys = new List<SecurityKey>();
        var algorithms = new HashSet<string>(StringComparer.Ordinal);
        // A shared secret is never honoured next to asymmetric keys: whoever has read it could mint tokens the
        // production issuer never signed.
        if (jwt.AcceptsSharedSecret)
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey!)) { KeyId = null });
            algorithms.Add(SecurityAlgorithms.HmacSha256);
        }

        foreach (var pem in jwt.PublicKeys)
        {
            if (!PemKeys.TryLoad(pem, out var key, out _))
            {
                continue;
            }

            switch (key)
            {
                case RSA rsa:
                    keys.Add(new RsaSecurityKey(rsa));
                    algorithms.Add(SecurityAlgorithms.RsaSha256);
                    break;
                case ECDsa ec:
                    keys.Add(new ECDsaSecurityKey(ec));
                    algorithms.Add(SecurityAlgorithms.EcdsaSha256);
                    break;
            }
        }

        if (authority is not null)
        {
            algorithms.Add(SecurityAlgorithms.RsaSha256);
            algorithms.Add(SecurityAlgorithms.EcdsaSha256);
        }

        return new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            ClockSkew = TimeSpan.FromSeconds(jwt.ClockSkewSeconds),
            ConfigurationManager = authority as BaseConfigurationManager,
            TryAllIssuerSigningKeys = true,
            SaveSigninToken = false,
        };
    }

    /// <summary>A refreshing, last-known-good retriever of the authority's signing keys.</summary>
    public static ConfigurationManager<OpenIdConnectConfiguration> CreateAuthority(JwtOptions jwt)
    {
        var metadata = jwt.Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
        return new ConfigurationManager<OpenIdConnectConfiguration>(
            metadata,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = jwt.RequireHttpsMetadata })
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(1),
            RefreshInterval = TimeSpan.FromMinutes(1),
        };
    }
}
