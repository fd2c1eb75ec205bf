using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Blocking;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP over real sockets, several clients at once. Replies, errors and
/// what replicas receive are those of redis-server 7.0.15 for the same sequences. Serving happens
/// inside the write that filled the key, so once the writer has its reply the outcome is settled.
/// </summary>
public class BlockingSortedSetTests
{
    [Fact]
    public void ClientsBlockedOnAKey_AreServedInTheOrderTheyBlocked_EachFromItsEnd()
    {
        using var server = new TestServer();
        using var first = server.Connect();
        using var second = server.Connect();
        using var third = server.Connect();
        using var writer = server.Connect();
        first.Block(server, 1, "BZPOPMIN", "k", "0");
        second.Block(server, 2, "BZMPOP", "0", "2", "j", "k", "MAX", "COUNT", "2");
        third.Block(server, 3, "BZPOPMAX", "k", "0");
        Assert.Equal(":4", writer.CallText("ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d"));
        Assert.Equal("*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n", first.ReadRawReply());
        Assert.Equal("*2\r\n$1\r\nk\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", second.ReadRawReply());
        Assert.Equal("*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n", third.ReadRawReply());
        Assert.Equal(":0", writer.CallText("EXISTS", "k"));
        server.WaitForBlocked(0);
    }

    [Fact]
    public void AnyWriteThatCreatesTheSet_WakesTheClient_AndLeftoversStay()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var writer = server.Connect();
        waiter.Block(server, 1, "BZPOPMAX", "a", "b", "0");
        Assert.Equal("$1.5", writer.CallText("ZINCRBY", "b", "1.5", "m"));
        Assert.Equal("*3\r\n$1\r\nb\r\n$1\r\nm\r\n$3\r\n1.5\r\n", waiter.ReadRawReply());

        waiter.Block(server, 1, "BZMPOP", "0", "1", "dst", "MIN");
        Assert.Equal(":0", writer.CallText("ZRANGESTORE", "dst", "src", "0", "-1"));
        server.WaitForBlocked(1);
        writer.Call("ZADD", "src", "1", "q", "2", "r");
        Assert.Equal(":2", writer.CallText("ZRANGESTORE", "dst", "src", "0", "-1"));
        Assert.Equal("*2\r\n$3\r\ndst\r\n*1\r\n*2\r\n$1\r\nq\r\n$1\r\n1\r\n", waiter.ReadRawReply());
        Assert.Equal("*[$r]", writer.CallText("ZRANGE", "dst", "0", "-1"));
    }

    [Fact]
    public void StoreOverAKeyThatExists_DoesNotWakeTheClient_AsRedisOverwrites()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var writer = server.Connect();
        waiter.Block(server, 1, "BZPOPMIN", "k", "0");
        writer.Call("SET", "k", "string");
        writer.Call("ZADD", "src", "1", "x");
        Assert.Equal(":1", writer.CallText("ZUNIONSTORE", "k", "1", "src"));
        server.WaitForBlocked(1);
        Assert.Equal(":1", writer.CallText("ZCARD", "k"));
        // Into a missing key (dbAdd) a store wakes it.
        writer.Call("DEL", "k");
        Assert.Equal(":1", writer.CallText("ZRANGESTORE", "k", "src", "0", "-1"));
        Assert.Equal("*3\r\n$1\r\nk\r\n$1\r\nx\r\n$1\r\n1\r\n", waiter.ReadRawReply());
    }

    [Fact]
    public void ListWaitersAndSortedSetWaiters_OnOneKey_GetOnlyTheirType()
    {
        using var server = new TestServer();
        using var listWaiter = server.Connect();
        using var setWaiter = server.Connect();
        using var writer = server.Connect();
        listWaiter.Block(server, 1, "BLPOP", "k", "0");
        setWaiter.Block(server, 2, "BZPOPMIN", "k", "0");
        writer.Call("ZADD", "k", "5", "m");
        Assert.Equal("*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n5\r\n", setWaiter.ReadRawReply());
        server.WaitForBlocked(1);
        writer.Call("RPUSH", "k", "x");
        Assert.Equal("*[$k, $x]", listWaiter.Read().ToString());
    }

    [Fact]
    public void TransactionThatEmptiesTheSetAgain_LeavesTheClientBlocked()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var writer = server.Connect();
        waiter.Block(server, 1, "BZPOPMIN", "k", "0");
        writer.Call("MULTI");
        writer.Call("ZADD", "k", "1", "a");
        writer.Call("ZREM", "k", "a");
        Assert.Equal("*[:1, :1]", writer.CallText("EXEC"));
        server.WaitForBlocked(1);
        writer.Call("ZADD", "k", "2", "b");
        Assert.Equal("*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n", waiter.ReadRawReply());
    }

    [Fact]
    public void Timeouts_ReplyNullArrayInResp2_AndNullInResp3_ClientStaysUsable()
    {
        using var server = new TestServer();
        using var resp2 = server.Connect();
        using var resp3 = server.Connect();
        resp3.Call("HELLO", "3");
        resp2.Send("BZPOPMIN", "k", "0.05");
        resp3.Send("BZMPOP", "0.05", "1", "k", "MAX");
        Assert.Equal("*-1\r\n", resp2.ReadRawReply());
        Assert.Equal("_\r\n", resp3.ReadRawReply());
        resp2.Send("BZMPOP", "0.01", "2", "k", "j", "MIN", "COUNT", "3");
        resp3.Send("BZPOPMAX", "k", "0.01");
        Assert.Equal("*-1\r\n", resp2.ReadRawReply());
        Assert.Equal("_\r\n", resp3.ReadRawReply());
        server.WaitForBlocked(0);
        Assert.Equal("+PONG", resp2.CallText("PING"));
        // RESP3 scores are doubles.
        resp3.Call("ZADD", "z", "1", "a", "2.5", "c");
        Assert.Equal("*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n", Raw(resp3, "BZPOPMIN", "z", "0"));
        Assert.Equal("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,2.5\r\n", Raw(resp3, "BZMPOP", "0", "1", "z", "MAX", "COUNT", "3"));
    }

    [Fact]
    public void InsideMulti_TheyAnswerAtOnce_AsOnTimeout_OrPopWhatIsThere()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("ZADD", "z", "1", "a");
        c.Call("MULTI");
        c.Call("BZPOPMIN", "none", "0");
        c.Call("BZMPOP", "0", "1", "none", "MIN");
        c.Call("BZPOPMAX", "z", "0");
        c.Call("BZMPOP", "0", "1", "none", "MIN", "COUNT", "0");
        Assert.Equal("*4\r\n*-1\r\n*-1\r\n*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n-ERR count should be greater than 0\r\n", Raw(c, "EXEC"));
        c.Call("MULTI");
        c.Call("BZPOPMIN", "k", "-1");
        c.Call("BZPOPMIN", "k");
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", Raw(c, "EXEC"));
        Assert.Equal(0, server.Server.Stats.BlockedClients);
    }

    [Theory]
    [InlineData("-ERR wrong number of arguments for 'bzpopmin' command", "BZPOPMIN", "k")]
    [InlineData("-ERR timeout is not a float or out of range", "BZPOPMIN", "k", "abc")]
    [InlineData("-ERR timeout is not a float or out of range", "BZPOPMAX", "k", "nan")]
    [InlineData("-ERR timeout is negative", "BZPOPMIN", "k", "-1")]
    [InlineData("-ERR timeout is negative", "BZPOPMAX", "k", "inf")]
    [InlineData("-ERR timeout is negative", "BZPOPMAX", "k", "1e20")]
    [InlineData("-WRONGTYPE Operation against a key holding the wrong kind of value", "BZPOPMIN", "s", "k", "0")]
    [InlineData("-ERR wrong number of arguments for 'bzmpop' command", "BZMPOP", "0", "1", "k")]
    [InlineData("-ERR numkeys should be greater than 0", "BZMPOP", "0", "0", "k", "MIN")]
    [InlineData("-ERR numkeys should be greater than 0", "BZMPOP", "0", "-1", "k", "MIN")]
    [InlineData("-ERR numkeys should be greater than 0", "BZMPOP", "0", "x", "k", "MIN")]
    [InlineData("-ERR numkeys should be greater than 0", "BZMPOP", "x", "0", "k", "MIN")]
    [InlineData("-ERR syntax error", "BZMPOP", "0", "2", "k", "MIN")]
    [InlineData("-ERR syntax error", "BZMPOP", "0", "1", "k", "MINX")]
    [InlineData("-ERR syntax error", "BZMPOP", "x", "1", "k", "left")]
    [InlineData("-ERR syntax error", "BZMPOP", "0", "1", "k", "MIN", "COUNT")]
    [InlineData("-ERR syntax error", "BZMPOP", "0", "1", "k", "MIN", "COUNT", "1", "COUNT", "2")]
    [InlineData("-ERR syntax error", "BZMPOP", "0", "1", "k", "MIN", "FOO")]
    [InlineData("-ERR count should be greater than 0", "BZMPOP", "0", "1", "k", "MIN", "COUNT", "0")]
    [InlineData("-ERR count should be greater than 0", "BZMPOP", "0", "1", "k", "MIN", "COUNT", "-1")]
    [InlineData("-ERR count should be greater than 0", "BZMPOP", "0", "1", "k", "MIN", "COUNT", "x")]
    [InlineData("-ERR timeout is not a float or out of range", "BZMPOP", "x", "1", "k", "MIN")]
    [InlineData("-ERR timeout is negative", "BZMPOP", "-1", "1", "k", "MAX")]
    [InlineData("-WRONGTYPE Operation against a key holding the wrong kind of value", "BZMPOP", "0", "2", "s", "k", "MAX")]
    public void MalformedArguments_AnswerRedisErrors_WithoutBlocking(string error, params string[] command)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "s", "x");
        Assert.Equal(error, c.CallText(command));
        Assert.Equal(0, server.Server.Stats.BlockedClients);
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void WhatReplicasReceive_IsZPopMinOrMax_WithTheNumberPoppedForBzmpop()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        using var a = server.Connect();
        using var b = server.Connect();
        c.Call("ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d");
        c.Call("bzpopmin", "k", "0");
        c.Call("BZPOPMAX", "none", "k", "0");
        c.Call("BZMPOP", "0", "1", "k", "max");
        c.Call("BZMPOP", "0", "2", "none", "k", "MIN", "COUNT", "7");
        a.Block(server, 1, "BZPOPMAX", "j", "0");
        b.Block(server, 2, "BZMPOP", "0", "2", "x", "j", "min", "COUNT", "5");
        c.Call("ZADD", "j", "1", "a", "2", "b", "3", "c");
        Assert.Equal("*3\r\n$1\r\nj\r\n$1\r\nc\r\n$1\r\n3\r\n", a.ReadRawReply());
        Assert.Equal("*2\r\n$1\r\nj\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", b.ReadRawReply());
        Assert.Equal(
        [
            "ZADD k 1 a 2 b 3 c 4 d", "ZPOPMIN k", "ZPOPMAX k", "ZPOPMAX k 1", "ZPOPMIN k 1",
            "ZADD j 1 a 2 b 3 c", "ZPOPMAX j", "ZPOPMIN j 2",
        ], recorder.TakePropagated());
        Assert.Equal(
        [
            "SortedSet:zadd@0:k", "SortedSet:zpopmin@0:k", "SortedSet:zpopmax@0:k", "SortedSet:zpopmax@0:k", "SortedSet:zpopmin@0:k",
            "Generic:del@0:k", "SortedSet:zadd@0:j", "SortedSet:zpopmax@0:j", "SortedSet:zpopmin@0:j", "Generic:del@0:j",
        ], recorder.TakeEvents().Where(e => !e.StartsWith("KeyMiss")).ToList());
    }

    [Fact]
    public void ClientUnblockAndDisconnect_EndTheWait_AndConsumeNothing()
    {
        using var server = new TestServer();
        using var admin = server.Connect();
        using var waiter = server.Connect();
        string id = waiter.CallText("CLIENT", "ID")[1..];
        waiter.Block(server, 1, "BZMPOP", "0", "1", "k", "MIN");
        Assert.Equal(":1", admin.CallText("CLIENT", "UNBLOCK", id, "ERROR"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiter.ReadRawReply());
        var gone = server.Connect();
        gone.Block(server, 1, "BZPOPMIN", "k", "0");
        gone.Dispose();
        server.WaitForBlocked(0);
        admin.Call("ZADD", "k", "1", "a");
        Assert.Equal(":1", admin.CallText("ZCARD", "k"));
    }

    [Fact]
    public async Task StackExchangeWriter_WakesARawBlockedClient_AndItsZmpopMatches()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        var db = server.Db();
        waiter.Block(server, 1, "BZPOPMAX", "board", "0");
        Assert.Equal(2, await db.SortedSetAddAsync("board", [new("alice", 10), new("bob", 20)]));
        Assert.Equal("*3\r\n$5\r\nboard\r\n$3\r\nbob\r\n$2\r\n20\r\n", waiter.ReadRawReply());
        var popped = await db.SortedSetPopAsync(["empty", "board"], 5, Order.Ascending);
        Assert.Equal("board", (string?)popped.Key);
        Assert.Equal([("alice", 10.0)], popped.Entries.Select(e => ((string?)e.Element, e.Score)));
        // A blocking pop through the multiplexer with data present answers at once.
        await db.SortedSetAddAsync("board", "carol", 5);
        var reply = (RedisResult[])(await db.ExecuteAsync("BZPOPMIN", "board", 0))!;
        Assert.Equal(["board", "carol", "5"], reply.Select(r => (string?)r));
    }

    private static string Raw(RawClient client, params string[] args)
    {
        client.Send(args);
        return client.ReadRawReply();
    }
}
