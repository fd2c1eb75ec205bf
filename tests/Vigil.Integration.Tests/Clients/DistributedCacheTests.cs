using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Clients;

/// <summary>
/// Microsoft.Extensions.Caching.StackExchangeRedis's RedisCache (IDistributedCache) against a vigil
/// process: entries are hashes (absexp, sldexp, data) written with HSET and EXPIRE, read with HMGET.
/// </summary>
public class DistributedCacheTests
{
    private static RedisCache CreateCache(ServerProcess vigil) => new(new RedisCacheOptions
    {
        Configuration = $"127.0.0.1:{vigil.Port},connectTimeout=10000,syncTimeout=10000",
        InstanceName = "app:",
    });

    [Fact]
    public async Task SetGetRefreshRemove_WithSlidingAndAbsoluteExpiry()
    {
        using var vigil = ServerProcess.StartVigil();
        using var cache = CreateCache(vigil);
        using var raw = new RespConnection(vigil.Port);

        var sliding = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(1000) };
        await cache.SetAsync("session", Encoding.UTF8.GetBytes("state-1"), sliding);
        Assert.Equal("state-1", Encoding.UTF8.GetString((await cache.GetAsync("session"))!));
        Assert.Equal("hash", raw.Call("TYPE", "app:session").Text);
        var fields = raw.Call("HKEYS", "app:session").Items!.Select(i => i.Text).OrderBy(t => t).ToList();
        Assert.Equal(["absexp", "data", "sldexp"], fields);

        // Get and Refresh slide the expiry back to the full window.
        raw.Call("EXPIRE", "app:session", "10");
        await cache.RefreshAsync("session");
        Assert.InRange(raw.Call("TTL", "app:session").Integer, 900, 1000);
        raw.Call("EXPIRE", "app:session", "10");
        Assert.NotNull(await cache.GetAsync("session"));
        Assert.InRange(raw.Call("TTL", "app:session").Integer, 900, 1000);

        // An absolute expiry caps the sliding window.
        var capped = new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(1000),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(300),
        };
        cache.Set("capped", [1, 2, 3], capped);
        Assert.Equal([1, 2, 3], cache.Get("capped"));
        Assert.InRange(raw.Call("TTL", "app:capped").Integer, 200, 300);
        cache.Refresh("capped");
        Assert.InRange(raw.Call("TTL", "app:capped").Integer, 200, 300);

        await cache.RemoveAsync("session");
        Assert.Null(await cache.GetAsync("session"));
        Assert.Equal(0, raw.Call("EXISTS", "app:session").Integer);
        Assert.Null(cache.Get("never-set"));
    }

    [Fact]
    public async Task AbsoluteExpiry_MakesTheEntryDisappear()
    {
        using var vigil = ServerProcess.StartVigil();
        using var cache = CreateCache(vigil);
        await cache.SetAsync("short", [42], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await cache.GetAsync("short") != null && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Null(await cache.GetAsync("short"));
    }
}
