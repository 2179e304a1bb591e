using System.Security.Cryptography;

namespace Gateway.Config.Formats;

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

        if (TryImport(RSA.Create(), pem, out key) || TryImport(ECDsa.Create(), pem, out key))
        {
            return true;
        }

        reason = "neither an RSA nor an EC public key";
        return false;
    }

    private static bool TryImport(AsymmetricAlgorithm algorithm, string pem, out AsymmetricAlgorithm? key)
    {
        try
        {
            algorithm.ImportFromPem(pem);
            key = algorithm;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            algorithm.Dispose();
            key = null;
            return false;
        }
    }
}
