using Vigil.Server.Tests.Blocking;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Lists;

/// <summary>
/// What list commands propagate (as a replica of redis-server 7.0.15 receives it) and which keyspace
/// events they fire, including blocked clients being served.
/// </summary>
public class ListPropagationTests
{
    [Fact]
    public void ListWrites_PropagateAsRedisDoes_AndNoOpsNotAtAll()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("rpush", "k", "a", "b", "c", "d", "e");
        c.Call("lpop", "k", "2");
        c.Call("lpop", "nokey");
        c.Call("ltrim", "k", "0", "100");
        c.Call("ltrim", "k", "0", "1");
        c.Call("lrem", "k", "0", "zz");
        c.Call("lrem", "k", "1", "c");
        c.Call("linsert", "k", "before", "zz", "x");
        c.Call("lpushx", "nokey", "a");
        c.Call("lmpop", "1", "k", "right", "count", "5");
        c.Call("rpush", "k", "1", "2", "3");
        c.Call("blpop", "k", "0");
        c.Call("blmpop", "0", "1", "k", "right", "count", "9");
        c.Call("rpush", "k", "x", "y");
        c.Call("blmove", "k", "d", "Left", "rIght", "0");
        c.Call("brpoplpush", "k", "d", "0");
        c.Call("lset", "d", "0", "z");
        c.Call("lmove", "d", "d", "left", "right");
        Assert.Equal(
        [
            "rpush k a b c d e", "lpop k 2", "ltrim k 0 1", "lrem k 1 c", "RPOP k 1", "rpush k 1 2 3", "LPOP k", "RPOP k 2",
            "rpush k x y", "LMOVE k d Left rIght", "RPOPLPUSH k d", "lset d 0 z", "lmove d d left right",
        ], recorder.TakePropagated());
    }

    [Fact]
    public void ServedBlockedClients_PropagateTheNonBlockingForm_AfterThePush()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var a = server.Connect();
        using var b = server.Connect();
        using var m = server.Connect();
        using var p = server.Connect();
        using var c = server.Connect();
        a.Block(server, 1, "BLMOVE", "src", "dst", "Left", "rIght", "0");
        b.Block(server, 2, "BRPOPLPUSH", "src2", "dst", "0");
        m.Block(server, 3, "BLMPOP", "0", "2", "a", "src3", "right", "count", "5");
        p.Block(server, 4, "BLPOP", "src4", "0");
        c.Call("rpush", "src", "x");
        c.Call("rpush", "src2", "y");
        c.Call("rpush", "src3", "1", "2", "3");
        c.Call("rpush", "src4", "z");
        Assert.Equal("$x", a.Read().ToString());
        Assert.Equal("$y", b.Read().ToString());
        Assert.Equal("*[$src3, *[$3, $2, $1]]", m.Read().ToString());
        Assert.Equal("*[$src4, $z]", p.Read().ToString());
        Assert.Equal(
        [
            "rpush src x", "LMOVE src dst left right", "rpush src2 y", "RPOPLPUSH src2 dst",
            "rpush src3 1 2 3", "RPOP src3 3", "rpush src4 z", "LPOP src4",
        ], recorder.TakePropagated());
    }

    [Fact]
    public void ListWrites_FireRedisKeyspaceEvents()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("RPUSH", "k", "a", "b", "c");
        c.Call("LPUSH", "k", "z");
        c.Call("LSET", "k", "0", "y");
        c.Call("LINSERT", "k", "AFTER", "a", "n");
        c.Call("LINSERT", "k", "AFTER", "nothere", "n");
        c.Call("LREM", "k", "0", "n");
        c.Call("LREM", "k", "0", "nothere");
        c.Call("LTRIM", "k", "0", "-1");
        c.Call("LMOVE", "k", "d", "LEFT", "RIGHT");
        c.Call("RPOP", "k", "5");
        c.Call("LPOP", "d");
        Assert.Equal(
        [
            "List:rpush@0:k", "List:lpush@0:k", "List:lset@0:k", "List:linsert@0:k", "List:lrem@0:k", "List:ltrim@0:k",
            "List:rpush@0:d", "List:lpop@0:k", "List:rpop@0:k", "Generic:del@0:k", "List:lpop@0:d", "Generic:del@0:d",
        ], recorder.TakeEvents());
    }

    [Fact]
    public void ServingABlockedClient_FiresPopAndDelAfterThePush()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var waiter = server.Connect();
        using var mover = server.Connect();
        using var c = server.Connect();
        waiter.Block(server, 1, "BLPOP", "q", "0");
        c.Call("RPUSH", "q", "v");
        waiter.Read();
        mover.Block(server, 1, "BLMOVE", "s", "t", "RIGHT", "LEFT", "0");
        c.Call("RPUSH", "s", "w");
        mover.Read();
        Assert.Equal(
        [
            "List:rpush@0:q", "List:lpop@0:q", "Generic:del@0:q",
            "List:rpush@0:s", "List:lpush@0:t", "List:rpop@0:s", "Generic:del@0:s",
        ], recorder.TakeEvents());
    }

    [Fact]
    public void WatchedList_IsInvalidatedByPushPopAndBeingServed()
    {
        using var server = new TestServer();
        using var watcher = server.Connect();
        using var waiter = server.Connect();
        using var c = server.Connect();
        c.Call("RPUSH", "k", "a");
        watcher.Call("WATCH", "k");
        c.Call("LPOP", "k");
        watcher.Call("MULTI");
        watcher.Call("PING");
        Assert.Equal("*nil", watcher.CallText("EXEC"));

        c.Call("RPUSH", "k", "a", "b");
        watcher.Call("WATCH", "k");
        c.Call("LRANGE", "k", "0", "-1");
        c.Call("LINSERT", "k", "BEFORE", "nothere", "x");
        watcher.Call("MULTI");
        watcher.Call("PING");
        Assert.Equal("*[+PONG]", watcher.CallText("EXEC"));
    }
}
