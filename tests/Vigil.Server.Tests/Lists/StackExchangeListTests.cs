using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Lists;

/// <summary>Lists through StackExchange.Redis's list API, as an application uses them.</summary>
public class StackExchangeListTests
{
    [Fact]
    public void PushRangeIndexAndPops_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.Equal(3, db.ListRightPush("l", ["a", "b", "c"]));
        Assert.Equal(4, db.ListLeftPush("l", "z"));
        Assert.Equal(0, db.ListLeftPush("missing", "x", When.Exists));
        Assert.Equal(5, db.ListRightPush("l", "d", When.Exists));
        Assert.Equal(["z", "a", "b", "c", "d"], db.ListRange("l").Select(v => (string)v!));
        Assert.Equal(["b", "c"], db.ListRange("l", 2, -2).Select(v => (string)v!));
        Assert.Equal(5, db.ListLength("l"));
        Assert.Equal("d", db.ListGetByIndex("l", -1));
        Assert.True(db.ListGetByIndex("l", 10).IsNull);
        Assert.Equal("z", db.ListLeftPop("l"));
        Assert.Equal("d", db.ListRightPop("l"));
        Assert.Equal(["a", "b"], db.ListLeftPop("l", 2).Select(v => (string)v!));
        Assert.Equal("c", db.ListRightPop("l"));
        Assert.False(db.KeyExists("l"));
        Assert.True(db.ListLeftPop("l").IsNull);
        Assert.Null(db.ListLeftPop("l", 2));
    }

    [Fact]
    public void SetInsertRemoveTrimAndPosition_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        db.ListRightPush("l", ["a", "b", "a", "c", "a"]);
        db.ListSetByIndex("l", 1, "B");
        Assert.Equal(6, db.ListInsertAfter("l", "c", "d"));
        Assert.Equal(7, db.ListInsertBefore("l", "a", "first"));
        Assert.Equal(-1, db.ListInsertBefore("l", "nothere", "x"));
        Assert.Equal(1, db.ListPosition("l", "a"));
        Assert.Equal(6, db.ListPosition("l", "a", rank: -1));
        Assert.Equal([1, 3, 6], db.ListPositions("l", "a", count: 0));
        Assert.Equal(2, db.ListRemove("l", "a", count: -2));
        Assert.Equal(["first", "a", "B", "c", "d"], db.ListRange("l").Select(v => (string)v!));
        db.ListTrim("l", 1, 2);
        Assert.Equal(["a", "B"], db.ListRange("l").Select(v => (string)v!));
        var e = Assert.Throws<RedisServerException>(() => db.ListSetByIndex("l", 5, "x"));
        Assert.Equal("ERR index out of range", e.Message);
        db.StringSet("s", "v");
        Assert.Throws<RedisServerException>(() => db.ListLeftPush("s", "x"));
    }

    [Fact]
    public void MovesAndMultiKeyPops_WorkThroughTheClient()
    {
        using var server = new TestServer();
        var db = server.Db();
        db.ListRightPush("src", ["1", "2", "3"]);
        Assert.Equal("1", db.ListMove("src", "dst", ListSide.Left, ListSide.Right));
        Assert.Equal("3", db.ListRightPopLeftPush("src", "dst"));
        Assert.Equal(["3", "1"], db.ListRange("dst").Select(v => (string)v!));
        var popped = db.ListLeftPop(["none", "dst", "src"], 5);
        Assert.Equal("dst", popped.Key);
        Assert.Equal(["3", "1"], popped.Values.Select(v => (string)v!));
        Assert.True(db.ListRightPop(["none", "dst"], 1).IsNull);
    }

    [Fact]
    public async Task BlockingPopThroughExecute_IsServedByAnotherConnectionsPush()
    {
        using var server = new TestServer();
        // A dedicated connection: a blocked command holds its connection, as with any client library.
        using var blocking = ConnectionMultiplexer.Connect(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", server.Port } },
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });
        var pending = blocking.GetDatabase().ExecuteAsync("BLPOP", "jobs", 0);
        await Task.Run(() => Blocking.BlockingTestSupport.WaitForBlocked(server, 1));
        server.Db().ListRightPush("jobs", "job-1");
        var result = (RedisResult[])(await pending)!;
        Assert.Equal(["jobs", "job-1"], result.Select(r => (string)r!));
    }
}
