using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>What every provider shares: unit-length normalisation and the <c>GetService</c> answer.</summary>
internal static class VectorMath
{
    /// <summary>
    /// Scales <paramref name="vector"/> to unit length in place. The index scores with a plain dot
    /// product, which equals cosine only when both sides are unit vectors, so every provider's output
    /// passes through here whatever the provider claims about its own normalisation.
    /// </summary>
    /// <returns>false when the vector is zero or not finite and cannot be normalised.</returns>
    public static bool TryNormalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm<float>(vector);
        if (!float.IsFinite(norm) || norm < 1e-12f)
        {
            return false;
        }

        TensorPrimitives.Divide(vector, norm, vector);
        return true;
    }

    /// <summary>
    /// <see cref="IEmbeddingGenerator{TInput,TEmbedding}.GetService"/> of a provider: its metadata, or the provider
    /// itself for its own type; nothing for keyed requests.
    /// </summary>
    public static object? Service(object generator, EmbeddingGeneratorMetadata metadata, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(generator) ? generator
            : null;
    }
}
