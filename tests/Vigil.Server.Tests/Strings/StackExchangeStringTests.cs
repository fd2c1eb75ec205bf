using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Strings;

/// <summary>Strings and keys through StackExchange.Redis, a real client with its own command forms.</summary>
public class StackExchangeStringTests
{
    [Fact]
    public async Task StringAndKeyOperations_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.True(await db.StringSetAsync("k", "v", TimeSpan.FromSeconds(100)));
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        var ttl = await db.KeyTimeToLiveAsync("k");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value.TotalSeconds, 95, 100);
        Assert.False(await db.StringSetAsync("k", "w", when: When.NotExists));
        Assert.Equal("v", (string?)await db.StringSetAndGetAsync("k", "w"));
        Assert.Equal(5, await db.StringIncrementAsync("n", 5));
        Assert.Equal(4, await db.StringDecrementAsync("n"));
        Assert.Equal(4.5, await db.StringIncrementAsync("n", 0.5));
        Assert.Equal(3, await db.StringAppendAsync("a", "abc"));
        Assert.Equal("bc", (string?)await db.StringGetRangeAsync("a", 1, -1));
        Assert.Equal(5, await db.StringSetRangeAsync("a", 3, "de"));
        Assert.Equal(5, await db.StringLengthAsync("a"));
        Assert.True(await db.StringSetAsync([new("x", "1"), new("y", "2")]));
        var values = await db.StringGetAsync(["x", "y", "missing"]);
        Assert.Equal(["1", "2", null], values.Select(v => (string?)v));
        Assert.Equal("w", (string?)await db.StringGetDeleteAsync("k"));
        Assert.False(await db.KeyExistsAsync("k"));
        Assert.True(await db.KeyRenameAsync("x", "z"));
        Assert.True(await db.KeyCopyAsync("z", "z2"));
        Assert.True(await db.KeyExpireAsync("z", TimeSpan.FromSeconds(50)));
        Assert.True(await db.KeyPersistAsync("z"));
        Assert.Equal(RedisType.String, await db.KeyTypeAsync("z"));
        Assert.Equal(2, await db.KeyDeleteAsync(["z", "z2", "missing"]));
        Assert.Equal("abcde", (string?)await db.StringLongestCommonSubsequenceAsync("a", "a"));

        var keys = server.Multiplexer.GetServer("127.0.0.1", server.Port).Keys(pattern: "*", pageSize: 2).Select(k => (string)k!).OrderBy(k => k).ToList();
        Assert.Equal(["a", "n", "y"], keys);
    }
}
