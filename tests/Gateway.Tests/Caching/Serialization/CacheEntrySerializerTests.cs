using System.Text;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Tests.Caching.Serialization;

public sealed class CacheEntrySerializerTests
{
    [Fact]
    public void TryRead_SameTenant_RoundTripsEveryField()
    {
        // Arrange
        var entry = new CacheEntry(
            "tenant-a",
            200,
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
            [new("Content-Type", "application/json"), new("Vary", "Accept-Language"), new("Vary", "X-Region"), new("ETag", "\"ü-1\"")],
            Encoding.UTF8.GetBytes("{\"answer\":\"42\"}"),
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_003_600_123));

        // Act
        var status = CacheEntrySerializer.TryRead(CacheEntrySerializer.Serialize(entry), "tenant-a", out var read);

        // Assert
        Assert.Equal(CacheEntryReadStatus.Ok, status);
        Assert.NotNull(read);
        Assert.Equal(entry.TenantId, read.TenantId);
        Assert.Equal(entry.StatusCode, read.StatusCode);
        Assert.Equal(entry.StoredAt, read.StoredAt);
        Assert.Equal(entry.Headers, read.Headers);
        Assert.Equal(entry.Body.ToArray(), read.Body.ToArray());
        Assert.Equal(entry.ExpiresAt, read.ExpiresAt);
    }

    [Fact]
    public void TryRead_VersionOneEnvelope_ReadWithoutExpiry()
    {
        // Arrange: what the release before wrote: no expires-at field after the stored-at time.
        byte[] value =
        [
            (byte)'G', 1, 0, 8, .. "tenant-a"u8, 0, 200, 0, 0, 1, 139, 207, 229, 104, 0, 0, 1,
            0, 12, .. "Content-Type"u8, 0, 10, .. "text/plain"u8, 0, 0, 0, 4, .. "body"u8,
        ];

        // Act
        var status = CacheEntrySerializer.TryRead(value, "tenant-a", out var read);

        // Assert
        Assert.Equal(CacheEntryReadStatus.Ok, status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), read!.StoredAt);
        Assert.Null(read.ExpiresAt);
        Assert.Equal("body", Encoding.UTF8.GetString(read.Body.Span));
        Assert.Equal([new KeyValuePair<string, string>("Content-Type", "text/plain")], read.Headers);
    }

    [Fact]
    public void TryRead_OtherTenant_MismatchAndNoEntry()
    {
        // Arrange
        var value = CacheEntrySerializer.Serialize(Entry("tenant-b"));

        // Act
        var status = CacheEntrySerializer.TryRead(value, "tenant-a", out var read);

        // Assert
        Assert.Equal(CacheEntryReadStatus.TenantMismatch, status);
        Assert.Null(read);
    }

    [Fact]
    public void TryRead_TenantThatIsAPrefix_Mismatch()
    {
        // Arrange
        var value = CacheEntrySerializer.Serialize(Entry("tenant-ab"));

        // Act / Assert
        Assert.Equal(CacheEntryReadStatus.TenantMismatch, CacheEntrySerializer.TryRead(value, "tenant-a", out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public void TryRead_Truncated_Corrupt(int keep)
    {
        // Arrange
        var value = CacheEntrySerializer.Serialize(Entry("tenant-a"));

        // Act / Assert
        Assert.Equal(CacheEntryReadStatus.Corrupt, CacheEntrySerializer.TryRead(value.AsMemory(0, Math.Min(keep, value.Length - 1)), "tenant-a", out _));
    }

    [Fact]
    public void TryRead_TrailingBytes_Corrupt()
    {
        // Arrange
        var value = CacheEntrySerializer.Serialize(Entry("tenant-a")).Concat(new byte[] { 1, 2 }).ToArray();

        // Act / Assert
        Assert.Equal(CacheEntryReadStatus.Corrupt, CacheEntrySerializer.TryRead(value, "tenant-a", out _));
    }

    [Fact]
    public void TryRead_NotOurFormat_Corrupt()
    {
        // Act / Assert
        Assert.Equal(CacheEntryReadStatus.Corrupt, CacheEntrySerializer.TryRead(Encoding.UTF8.GetBytes("{\"tenant\":\"tenant-a\"}"), "tenant-a", out _));
    }

    private static CacheEntry Entry(string tenant) =>
        new(tenant, 200, DateTimeOffset.UnixEpoch, [new("Content-Type", "text/plain")], Encoding.UTF8.GetBytes("body"));
}
