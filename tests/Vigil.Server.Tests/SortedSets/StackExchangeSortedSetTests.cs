using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>Sorted sets through StackExchange.Redis's IDatabase sorted set API, as a leaderboard would use it.</summary>
public class StackExchangeSortedSetTests
{
    private static string Entries(SortedSetEntry[] entries) => string.Join(",", entries.Select(e => $"{e.Element}={e.Score}"));

    [Fact]
    public async Task SortedSetOperations_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.True(await db.SortedSetAddAsync("board", "alice", 10));
        Assert.Equal(2, await db.SortedSetAddAsync("board", [new("bob", 20), new("carol", 15), new("alice", 12)]));
        Assert.False(await db.SortedSetAddAsync("board", "alice", 5, SortedSetWhen.GreaterThan));
        Assert.True(await db.SortedSetAddAsync("board", "dave", 1, SortedSetWhen.NotExists));
        Assert.Equal(3, await db.SortedSetIncrementAsync("board", "dave", 2));
        Assert.Equal(4, await db.SortedSetLengthAsync("board"));
        Assert.Equal(2, await db.SortedSetLengthAsync("board", 10, 16));
        Assert.Equal(12, await db.SortedSetScoreAsync("board", "alice"));
        Assert.Null(await db.SortedSetScoreAsync("board", "nobody"));
        Assert.Equal([12, null], await db.SortedSetScoresAsync("board", ["alice", "nobody"]));
        Assert.Equal(0, await db.SortedSetRankAsync("board", "bob", Order.Descending));
        Assert.Equal(1, await db.SortedSetRankAsync("board", "alice"));
        Assert.Equal("bob=20,carol=15", Entries(await db.SortedSetRangeByRankWithScoresAsync("board", 0, 1, Order.Descending)));
        Assert.Equal(["alice", "carol"], (await db.SortedSetRangeByScoreAsync("board", 10, 16)).Select(v => (string?)v));
        Assert.Equal(["carol"], (await db.SortedSetRangeByScoreAsync("board", 10, 20, Exclude.Both, Order.Ascending, 1, 5)).Select(v => (string?)v));
        Assert.Equal("alice=12", Entries(await db.SortedSetRangeByScoreWithScoresAsync("board", 12, 12)));
        Assert.Equal(3, await db.SortedSetRangeAndStoreAsync("board", "top3", 0, 2, order: Order.Descending));
        var lowest = await db.SortedSetPopAsync("board");
        Assert.Equal(("dave", 3.0), ((string?)lowest!.Value.Element, lowest.Value.Score));
        Assert.Equal("bob=20", Entries(await db.SortedSetPopAsync("board", 1, Order.Descending)));
        Assert.True(await db.SortedSetRemoveAsync("board", "carol"));
        Assert.Equal(1, await db.SortedSetRemoveRangeByScoreAsync("top3", 19, 21));
        Assert.Equal(1, await db.SortedSetRemoveRangeByRankAsync("top3", 0, 0));
        Assert.Equal("carol=15", Entries(await db.SortedSetRangeByRankWithScoresAsync("top3")));

        await db.SortedSetAddAsync("lex", [new("a", 0), new("b", 0), new("c", 0), new("d", 0)]);
        Assert.Equal(["b", "c"], (await db.SortedSetRangeByValueAsync("lex", "b", "c")).Select(v => (string?)v));
        Assert.Equal(3, await db.SortedSetLengthByValueAsync("lex", "b", default));
        Assert.Equal(2, await db.SortedSetRemoveRangeByValueAsync("lex", "a", "b"));

        await db.SortedSetAddAsync("x", [new("m", 1), new("n", 2)]);
        await db.SortedSetAddAsync("y", [new("n", 10), new("o", 20)]);
        Assert.Equal("m=1,n=12,o=20", Entries(await db.SortedSetCombineWithScoresAsync(SetOperation.Union, ["x", "y"])));
        Assert.Equal(1, await db.SortedSetCombineAndStoreAsync(SetOperation.Intersect, "xy", "x", "y", Aggregate.Max));
        Assert.Equal(10, await db.SortedSetScoreAsync("xy", "n"));
        Assert.Equal(["m"], (await db.SortedSetCombineAsync(SetOperation.Difference, ["x", "y"])).Select(v => (string?)v));
        Assert.Equal(1, await db.SortedSetIntersectionLengthAsync(["x", "y"]));
        Assert.Contains((string?)await db.SortedSetRandomMemberAsync("x"), new[] { "m", "n" });
        Assert.Equal(2, (await db.SortedSetRandomMembersWithScoresAsync("x", -2)).Length);
        var scanned = db.SortedSetScan("y", pageSize: 1).Select(e => $"{e.Element}={e.Score}").OrderBy(e => e).ToList();
        Assert.Equal(["n=10", "o=20"], scanned);
        Assert.Equal(RedisType.SortedSet, await db.KeyTypeAsync("x"));
    }
}
