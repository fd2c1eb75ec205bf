using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Strings;

/// <summary>
/// What string commands propagate to replicas (as redis-cli --replica shows against redis-server
/// 7.0.15), which keyspace events they fire, and how they count keyspace hits and misses.
/// </summary>
public class StringPropagationTests
{
    /// <summary>Asserts "prefix N" with N an absolute Unix ms time about <paramref name="fromNowMs"/> ahead.</summary>
    private static void AssertAbsoluteTime(string propagated, string prefix, long fromNowMs, string suffix = "")
    {
        Assert.StartsWith(prefix + " ", propagated);
        Assert.EndsWith(suffix, propagated);
        string number = propagated[(prefix.Length + 1)..(propagated.Length - suffix.Length)];
        long expected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + fromNowMs;
        Assert.InRange(long.Parse(number), expected - 5000, expected + 10);
    }

    [Fact]
    public void SetWithRelativeExpiry_PropagatesAsSetPxAt()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "k", "v", "EX", "100", "NX");
        c.Call("SETEX", "k2", "100", "v");
        c.Call("PSETEX", "k3", "5000", "v");
        c.Call("SET", "k4", "v", "PXAT", "99999999999999", "GET");
        var propagated = recorder.TakePropagated();
        Assert.Equal(4, propagated.Count);
        AssertAbsoluteTime(propagated[0], "SET k v PXAT", 100_000);
        AssertAbsoluteTime(propagated[1], "SET k2 v PXAT", 100_000);
        AssertAbsoluteTime(propagated[2], "SET k3 v PXAT", 5_000);
        Assert.Equal("SET k4 v PXAT 99999999999999", propagated[3]);
    }

    [Fact]
    public void SetGet_PropagatesWithoutGet_AndNothingWhenNothingChanged()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("set", "k", "v", "get", "NX");
        c.Call("set", "k", "w", "GET", "NX");
        c.Call("SET", "k", "w", "keepttl", "Get", "GET");
        c.Call("SET", "plain", "v");
        Assert.Equal(["set k v NX", "SET k w keepttl", "SET plain v"], recorder.TakePropagated());
    }

    [Fact]
    public void GetSetGetDelAndIncrByFloat_PropagateAsSetAndDel()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("getset", "k", "1");
        c.Call("INCRBYFLOAT", "k", "1.5");
        c.Call("GETDEL", "k");
        c.Call("GETDEL", "k");
        c.Call("INCRBYFLOAT", "k", "nan");
        Assert.Equal(["SET k 1", "SET k 2.5 KEEPTTL", "DEL k"], recorder.TakePropagated());
    }

    [Fact]
    public void GetEx_PropagatesAsPExpireAtDelOrPersist()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        c.Call("GETEX", "k");
        c.Call("GETEX", "k", "PERSIST");
        c.Call("GETEX", "k", "PXAT", "99999999999998");
        c.Call("GETEX", "k", "PERSIST");
        c.Call("GETEX", "k", "EX", "100");
        c.Call("GETEX", "k", "EXAT", "1");
        var propagated = recorder.TakePropagated();
        Assert.Equal(5, propagated.Count);
        Assert.Equal("SET k v", propagated[0]);
        Assert.Equal("PEXPIREAT k 99999999999998", propagated[1]);
        Assert.Equal("PERSIST k", propagated[2]);
        AssertAbsoluteTime(propagated[3], "PEXPIREAT k", 100_000);
        Assert.Equal("DEL k", propagated[4]);
    }

    [Fact]
    public void StringWrites_FireRedisKeyspaceEvents()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "a", "1", "EX", "100");
        c.Call("GETEX", "a", "PERSIST");
        c.Call("GETEX", "a", "EX", "10");
        c.Call("GETEX", "a", "EXAT", "1");
        c.Call("SET", "b", "1");
        c.Call("INCRBYFLOAT", "b", "1");
        c.Call("INCR", "b");
        c.Call("SETRANGE", "b", "0", "x");
        c.Call("APPEND", "b", "x");
        c.Call("GETDEL", "b");
        c.Call("MSET", "g", "1", "h", "2");
        c.Call("GETSET", "g", "2");
        Assert.Equal(
        [
            "String:set@0:a", "Generic:expire@0:a", "Generic:persist@0:a", "Generic:expire@0:a", "Generic:del@0:a",
            "String:set@0:b", "String:incrbyfloat@0:b", "String:incrby@0:b", "String:setrange@0:b", "String:append@0:b",
            "Generic:del@0:b", "String:set@0:g", "String:set@0:h", "String:set@0:g",
        ], recorder.TakeEvents());
    }

    [Fact]
    public void FailedOrNoOpWrites_FireNothing_ReadMissesFireKeymiss()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        recorder.TakeEvents();
        recorder.TakePropagated();
        c.Call("SET", "k", "v", "NX");
        c.Call("SETRANGE", "k", "0", "");
        c.Call("INCR", "k");
        c.Call("GETEX", "k", "PERSIST");
        c.Call("MSETNX", "k", "v");
        Assert.Empty(recorder.TakeEvents());
        Assert.Empty(recorder.TakePropagated());
        c.Call("GET", "missing");
        c.Call("INCR", "counter");
        Assert.Equal(["KeyMiss:keymiss@0:missing", "String:incrby@0:counter"], recorder.TakeEvents());
    }

    [Fact]
    public void Reads_CountKeyspaceHitsAndMisses_WritesDoNot()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        c.Call("INCR", "n");
        c.Call("APPEND", "k", "x");
        Assert.Equal((0L, 0L), server.KeyspaceStats());
        c.Call("GET", "k");
        c.Call("GET", "missing");
        Assert.Equal((1L, 1L), server.KeyspaceStats());
        c.Call("MGET", "k", "n", "missing");
        Assert.Equal((3L, 2L), server.KeyspaceStats());
        c.Call("STRLEN", "k");
        c.Call("GETRANGE", "missing", "0", "1");
        c.Call("SET", "k", "v", "GET");
        Assert.Equal((5L, 3L), server.KeyspaceStats());
        c.Call("LCS", "k", "missing");
        Assert.Equal((6L, 4L), server.KeyspaceStats());
    }
}
