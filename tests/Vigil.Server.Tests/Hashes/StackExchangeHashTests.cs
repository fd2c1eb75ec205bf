using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hashes;

/// <summary>Hashes through StackExchange.Redis's IDatabase hash API.</summary>
public class StackExchangeHashTests
{
    [Fact]
    public async Task HashOperations_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.True(await db.HashSetAsync("h", "a", "1"));
        Assert.False(await db.HashSetAsync("h", "a", "2"));
        Assert.False(await db.HashSetAsync("h", "a", "3", When.NotExists));
        await db.HashSetAsync("h", [new HashEntry("b", "x"), new HashEntry("c", "y")]);
        Assert.Equal("2", (string?)await db.HashGetAsync("h", "a"));
        Assert.Equal(["2", null, "y"], (await db.HashGetAsync("h", ["a", "zz", "c"])).Select(v => (string?)v));
        Assert.Equal(3, await db.HashLengthAsync("h"));
        Assert.True(await db.HashExistsAsync("h", "b"));
        Assert.Equal(1, await db.HashStringLengthAsync("h", "b"));
        Assert.Equal(["a", "b", "c"], (await db.HashKeysAsync("h")).Select(v => (string?)v));
        Assert.Equal(["2", "x", "y"], (await db.HashValuesAsync("h")).Select(v => (string?)v));
        var all = await db.HashGetAllAsync("h");
        Assert.Equal(["a=2", "b=x", "c=y"], all.Select(e => $"{e.Name}={e.Value}"));
        Assert.Equal(12, await db.HashIncrementAsync("h", "n", 12));
        Assert.Equal(10, await db.HashDecrementAsync("h", "n", 2));
        Assert.Equal(10.5, await db.HashIncrementAsync("h", "n", 0.5));
        Assert.Contains((string?)await db.HashRandomFieldAsync("h"), new[] { "a", "b", "c", "n" });
        Assert.Equal(3, (await db.HashRandomFieldsAsync("h", 3)).Distinct().Count());
        Assert.Equal(2, (await db.HashRandomFieldsWithValuesAsync("h", 2)).Length);
        Assert.True(await db.HashDeleteAsync("h", "n"));
        Assert.Equal(2, await db.HashDeleteAsync("h", ["a", "b", "zz"]));
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => db.HashIncrementAsync("h", "c", 1));
        Assert.Equal("ERR hash value is not an integer", ex.Message);
    }

    [Fact]
    public void HashScan_PagesThroughALargeHash()
    {
        using var server = new TestServer();
        var db = server.Db();
        var entries = Enumerable.Range(0, 1000).Select(i => new HashEntry("f" + i, "v" + i)).ToArray();
        db.HashSet("h", entries);
        var scanned = db.HashScan("h", pageSize: 50).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(1000, scanned.Count);
        Assert.Equal("v999", scanned["f999"]);
        var matched = db.HashScan("h", "f99*", pageSize: 100).Select(e => (string)e.Name!).OrderBy(n => n).ToList();
        Assert.Equal(11, matched.Count);
    }
}
