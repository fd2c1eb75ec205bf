using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>
/// What sorted set writes propagate (as redis-cli --replica shows against redis-server 7.0.15),
/// the keyspace events they fire (as a __keyevent@0__:* subscriber sees them there), and WATCH.
/// </summary>
public class SortedSetKeyspaceTests
{
    [Fact]
    public void Writes_FireRedisEvents_AndPropagateAsRedisDoes()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("ZADD", "z", "1", "a", "2", "b", "3", "c");
        c.Call("ZADD", "z", "XX", "1", "nope");
        c.Call("ZINCRBY", "z", "1", "a");
        c.Call("ZADD", "z", "INCR", "1", "a");
        c.Call("ZREM", "z", "nope");
        c.Call("ZREM", "z", "a");
        c.Call("zpopmin", "z");
        c.Call("ZADD", "z", "1", "a", "2", "b");
        c.Call("ZPOPMAX", "z", "5");
        c.Call("ZADD", "z", "1", "a", "2", "b", "3", "c");
        c.Call("ZMPOP", "1", "z", "MIN", "COUNT", "2");
        c.Call("ZMPOP", "2", "nokey", "z", "max");
        c.Call("ZADD", "z", "1", "a");
        c.Call("ZRANGESTORE", "d", "z", "0", "-1");
        c.Call("ZRANGESTORE", "d", "z", "5", "6");
        c.Call("ZUNIONSTORE", "d", "1", "z");
        c.Call("ZINTERSTORE", "d", "2", "z", "nokey");
        c.Call("ZINTERSTORE", "d", "2", "z", "nokey");
        c.Call("ZDIFFSTORE", "d", "1", "z");
        c.Call("ZREMRANGEBYSCORE", "z", "5", "6");
        c.Call("ZREMRANGEBYRANK", "z", "0", "-1");
        Assert.Equal(
        [
            "ZADD z 1 a 2 b 3 c", "ZINCRBY z 1 a", "ZADD z INCR 1 a", "ZREM z a", "zpopmin z", "ZADD z 1 a 2 b", "ZPOPMAX z 5",
            "ZADD z 1 a 2 b 3 c", "ZPOPMIN z 2", "ZPOPMAX z 1", "ZADD z 1 a", "ZRANGESTORE d z 0 -1", "ZRANGESTORE d z 5 6",
            "ZUNIONSTORE d 1 z", "ZINTERSTORE d 2 z nokey", "ZDIFFSTORE d 1 z", "ZREMRANGEBYRANK z 0 -1",
        ], recorder.TakePropagated());
        Assert.Equal(
        [
            "SortedSet:zadd@0:z", "SortedSet:zincr@0:z", "SortedSet:zincr@0:z", "SortedSet:zrem@0:z", "SortedSet:zpopmin@0:z",
            "SortedSet:zadd@0:z", "SortedSet:zpopmax@0:z", "Generic:del@0:z", "SortedSet:zadd@0:z", "SortedSet:zpopmin@0:z",
            "SortedSet:zpopmax@0:z", "Generic:del@0:z", "SortedSet:zadd@0:z", "SortedSet:zrangestore@0:d", "Generic:del@0:d",
            "SortedSet:zunionstore@0:d", "Generic:del@0:d", "SortedSet:zdiffstore@0:d", "SortedSet:zremrangebyrank@0:z", "Generic:del@0:z",
        ], recorder.TakeEvents().Where(e => !e.StartsWith("KeyMiss")).ToList());
    }

    [Fact]
    public void ReadsCountKeyspaceHitsAndMisses()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("ZADD", "z", "1", "a");
        var before = server.KeyspaceStats();
        c.Call("ZSCORE", "z", "a");
        c.Call("ZRANGE", "z", "0", "-1");
        c.Call("ZCARD", "missing");
        c.Call("ZUNION", "2", "z", "missing");
        var after = server.KeyspaceStats();
        Assert.Equal((before.Hits + 3, before.Misses + 2), after);
    }

    [Fact]
    public void Watch_IsInvalidatedBySortedSetWrites_ButNotByNoOps()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var other = server.Connect();
        c.Call("ZADD", "z", "1", "a");
        foreach (var (write, invalidates) in new[]
        {
            (new[] { "ZADD", "z", "XX", "5", "nope" }, false),
            (new[] { "ZADD", "z", "NX", "5", "a" }, false),
            (new[] { "ZREM", "z", "nope" }, false),
            (new[] { "ZADD", "z", "2", "a" }, true),
            (new[] { "ZINCRBY", "z", "1", "a" }, true),
            (new[] { "ZREMRANGEBYSCORE", "z", "100", "200" }, false),
            (new[] { "ZADD", "z", "1", "b" }, true),
            (new[] { "ZPOPMIN", "z" }, true),
        })
        {
            c.Call("WATCH", "z");
            other.Call(write);
            c.Call("MULTI");
            c.Call("ZCARD", "z");
            Assert.Equal(invalidates ? "*nil" : "*[:1]", c.CallText("EXEC"));
        }
    }

    [Fact]
    public void GenericKeyCommands_SeeSortedSets()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("ZADD", "z", "1", "a", "2", "b");
        Assert.Equal("+zset", c.CallText("TYPE", "z"));
        Assert.Equal(":1", c.CallText("COPY", "z", "z2"));
        c.Call("ZADD", "z", "3", "c");
        Assert.Equal("*[$a, $b]", c.CallText("ZRANGE", "z2", "0", "-1"));
        Assert.Equal("+OK", c.CallText("RENAME", "z2", "z3"));
        Assert.Equal("*[$0, *[$z]]", c.CallText("SCAN", "0", "TYPE", "zset", "MATCH", "z"));
        Assert.Equal(":1", c.CallText("EXPIRE", "z", "100"));
        c.Call("ZADD", "z", "4", "d");
        Assert.InRange(c.Call("TTL", "z").Integer, 95, 100);
        Assert.Equal(":1", c.CallText("DEL", "z3"));
    }
}
