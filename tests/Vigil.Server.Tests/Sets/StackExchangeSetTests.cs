using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Sets;

/// <summary>Sets through StackExchange.Redis's IDatabase set API.</summary>
public class StackExchangeSetTests
{
    private static List<string> Sorted(RedisValue[] values) => values.Select(v => (string)v!).OrderBy(v => v, StringComparer.Ordinal).ToList();

    [Fact]
    public async Task SetOperations_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.True(await db.SetAddAsync("a", "1"));
        Assert.False(await db.SetAddAsync("a", "1"));
        Assert.Equal(3, await db.SetAddAsync("a", ["2", "3", "x"]));
        await db.SetAddAsync("b", ["3", "x", "y"]);
        Assert.Equal(4, await db.SetLengthAsync("a"));
        Assert.True(await db.SetContainsAsync("a", "x"));
        var contained = await db.SetContainsAsync("a", ["1", "zz"]);
        Assert.Equal(new[] { true, false }, contained);
        Assert.Equal(["1", "2", "3", "x"], Sorted(await db.SetMembersAsync("a")));
        Assert.Equal(["3", "x"], Sorted(await db.SetCombineAsync(SetOperation.Intersect, "a", "b")));
        Assert.Equal(["1", "2", "3", "x", "y"], Sorted(await db.SetCombineAsync(SetOperation.Union, "a", "b")));
        Assert.Equal(["1", "2"], Sorted(await db.SetCombineAsync(SetOperation.Difference, "a", "b")));
        Assert.Equal(2, await db.SetCombineAndStoreAsync(SetOperation.Intersect, "i", "a", "b"));
        Assert.Equal(2, await db.SetIntersectionLengthAsync(["a", "b"]));
        Assert.Equal(1, await db.SetIntersectionLengthAsync(["a", "b"], limit: 1));
        Assert.True(await db.SetMoveAsync("a", "b", "1"));
        Assert.False(await db.SetMoveAsync("a", "b", "1"));
        Assert.Contains((string?)await db.SetRandomMemberAsync("b"), new[] { "1", "3", "x", "y" });
        Assert.Equal(3, (await db.SetRandomMembersAsync("b", 3)).Distinct().Count());
        var popped = (string?)await db.SetPopAsync("b");
        Assert.False(await db.SetContainsAsync("b", popped));
        Assert.Equal(3, (await db.SetPopAsync("b", 5)).Length);
        Assert.False(await db.KeyExistsAsync("b"));
        Assert.True(await db.SetRemoveAsync("a", "2"));
        Assert.Equal(1, await db.SetRemoveAsync("a", ["3", "zz"]));
        Assert.Equal(["x"], Sorted(await db.SetMembersAsync("a")));
    }

    [Fact]
    public void SetScan_PagesThroughALargeSet()
    {
        using var server = new TestServer();
        var db = server.Db();
        db.SetAdd("s", Enumerable.Range(0, 1000).Select(i => (RedisValue)("m" + i)).ToArray());
        Assert.Equal(1000, db.SetScan("s", pageSize: 30).Distinct().Count());
        Assert.Equal(11, db.SetScan("s", "m99*", pageSize: 100).Count());
    }
}
