using Gateway.Transforms.Caching.Semantic.Embeddings;

namespace Gateway.Tests.Caching.Semantic;

/// <summary>Deterministic unit vectors for index tests.</summary>
internal static class TestVectors
{
    public const int Dimensions = 384;

    public static float[] Unit(int seed)
    {
        var random = new Random(seed);
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        VectorMath.TryNormalize(v);
        return v;
    }

    /// <summary>A unit vector close to <paramref name="origin"/>: the more <paramref name="noise"/>, the farther.</summary>
    public static float[] Near(float[] origin, float noise, int seed)
    {
        var other = Unit(seed);
        var v = new float[origin.Length];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = origin[i] + (noise * other[i]);
        }

        VectorMath.TryNormalize(v);
        return v;
    }
}
