using System.Security.Cryptography;

namespace Gateway.Config.Tiers;

/// <summary>Loads PEM public keys for RS256 and ES256 token validation.</summary>
public static class PemKeys
{
    /// <summary>Loads an RSA or EC public key; the returned object is an <see cref="RSA"/> or <see cref="ECDsa"/>.</summary>
    public static bool TryLoad(string pem, out AsymmetricAlgorithm? key, out string reason)
    {
        key = null;
        reason = "";
        if (string.IsNullOrWhiteSpace(pem))
        {
            reason = "empty";
            return false;
        }

        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            reason = "a private key does not belong in gateway configuration";
            return false;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            key = rsa;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
        }

        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            key = ec;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            reason = "neither an RSA nor an EC public key";
            return false;
        }
    }
}
