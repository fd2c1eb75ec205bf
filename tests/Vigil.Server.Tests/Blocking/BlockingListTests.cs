using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Blocking;

/// <summary>
/// Clients blocked in BLPOP and friends, over real sockets, several clients at once. Serving happens
/// inside the command that made a key ready, so once the pusher has its reply the outcome is settled:
/// nothing here depends on timing. Behaviour checked against redis-server 7.0.15.
/// </summary>
public class BlockingListTests
{
    [Fact]
    public void ClientsBlockedOnAKey_AreServedInTheOrderTheyBlocked()
    {
        using var server = new TestServer();
        using var first = server.Connect();
        using var second = server.Connect();
        using var third = server.Connect();
        using var pusher = server.Connect();
        first.Block(server, 1, "BLPOP", "q", "0");
        second.Block(server, 2, "BLPOP", "q", "0");
        third.Block(server, 3, "BRPOP", "q", "q2", "0");
        Assert.Equal(":3", pusher.CallText("RPUSH", "q", "a", "b", "c"));
        Assert.Equal("*[$q, $a]", first.Read().ToString());
        Assert.Equal("*[$q, $b]", second.Read().ToString());
        Assert.Equal("*[$q, $c]", third.Read().ToString());
        Assert.Equal(":0", pusher.CallText("EXISTS", "q"));
        server.WaitForBlocked(0);
    }

    [Fact]
    public void PushOnAnyOfTheKeys_WakesTheClient_AndLeftoversStay()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var pusher = server.Connect();
        waiter.Block(server, 1, "BLPOP", "a", "b", "c", "0");
        Assert.Equal(":2", pusher.CallText("LPUSH", "b", "x", "y"));
        Assert.Equal("*[$b, $y]", waiter.Read().ToString());
        Assert.Equal("*[$x]", pusher.CallText("LRANGE", "b", "0", "-1"));
        // Only one of the clients' keys was ready; it no longer waits on the others.
        Assert.Equal(":1", pusher.CallText("RPUSH", "a", "z"));
        Assert.Equal("*[$z]", pusher.CallText("LRANGE", "a", "0", "-1"));
    }

    [Fact]
    public void PushInsideMultiExec_ServesAfterTheTransactionWithItsFinalState()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var pusher = server.Connect();
        waiter.Block(server, 1, "BLPOP", "w", "0");
        pusher.Call("MULTI");
        pusher.Call("RPUSH", "w", "1");
        pusher.Call("RPUSH", "w", "2");
        pusher.Call("LPOP", "w");
        Assert.Equal("*[:1, :2, $1]", pusher.CallText("EXEC"));
        Assert.Equal("*[$w, $2]", waiter.Read().ToString());
        server.WaitForBlocked(0);
    }

    [Fact]
    public void TransactionThatEmptiesTheKeyAgain_LeavesTheClientBlocked()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var pusher = server.Connect();
        waiter.Block(server, 1, "BRPOP", "w", "0");
        pusher.Call("MULTI");
        pusher.Call("RPUSH", "w", "1");
        pusher.Call("DEL", "w");
        pusher.Call("EXEC");
        server.WaitForBlocked(1);
        pusher.Call("RPUSH", "w", "2");
        Assert.Equal("*[$w, $2]", waiter.Read().ToString());
    }

    [Fact]
    public void Timeouts_ReplyNullArrayInResp2_AndNullInResp3()
    {
        using var server = new TestServer();
        using var resp2 = server.Connect();
        using var resp3 = server.Connect();
        resp3.Call("HELLO", "3");
        resp2.Send("BLPOP", "k", "0.05");
        resp3.Send("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05");
        Assert.Equal("*-1\r\n", resp2.ReadRawReply());
        Assert.Equal("_\r\n", resp3.ReadRawReply());
        resp2.Send("BRPOPLPUSH", "k", "d", "0.01");
        resp3.Send("BLMPOP", "0.01", "1", "k", "RIGHT");
        Assert.Equal("*-1\r\n", resp2.ReadRawReply());
        Assert.Equal("_\r\n", resp3.ReadRawReply());
        server.WaitForBlocked(0);
        // Still usable afterwards.
        Assert.Equal("+PONG", resp2.CallText("PING"));
    }

    [Fact]
    public void DisconnectWhileBlocked_ForgetsTheClient_AndConsumesNothing()
    {
        using var server = new TestServer();
        using var pusher = server.Connect();
        var waiter = server.Connect();
        waiter.Block(server, 1, "BLPOP", "q", "0");
        waiter.Dispose();
        server.WaitForBlocked(0);
        Assert.Equal(":1", pusher.CallText("RPUSH", "q", "x"));
        Assert.Equal("*[$x]", pusher.CallText("LRANGE", "q", "0", "-1"));
    }

    [Fact]
    public void ClientKillWhileBlocked_ClosesWithoutReply_AndConsumesNothing()
    {
        using var server = new TestServer();
        using var admin = server.Connect();
        using var waiter = server.Connect();
        string id = waiter.CallText("CLIENT", "ID")[1..];
        waiter.Block(server, 1, "BLPOP", "q", "0");
        Assert.Equal(":1", admin.CallText("CLIENT", "KILL", "ID", id));
        Assert.True(waiter.IsClosedByServer());
        server.WaitForBlocked(0);
        admin.Call("RPUSH", "q", "x");
        Assert.Equal(":1", admin.CallText("LLEN", "q"));
    }

    [Fact]
    public void ClientUnblock_EndsTheWaitAsATimeoutOrWithAnError()
    {
        using var server = new TestServer();
        using var admin = server.Connect();
        using var waiter = server.Connect();
        string id = waiter.CallText("CLIENT", "ID")[1..];
        Assert.Equal(":0", admin.CallText("CLIENT", "UNBLOCK", id));
        waiter.Block(server, 1, "BLPOP", "q", "0");
        Assert.Equal(":1", admin.CallText("CLIENT", "UNBLOCK", id));
        Assert.Equal("*-1\r\n", waiter.ReadRawReply());
        waiter.Block(server, 1, "BLMOVE", "q", "d", "LEFT", "LEFT", "0");
        Assert.Equal(":1", admin.CallText("CLIENT", "UNBLOCK", id, "error"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiter.ReadRawReply());
        waiter.Call("HELLO", "3");
        waiter.Block(server, 1, "BRPOP", "q", "0");
        Assert.Equal(":1", admin.CallText("CLIENT", "UNBLOCK", id, "TIMEOUT"));
        Assert.Equal("_\r\n", waiter.ReadRawReply());
        Assert.Equal(":0", admin.CallText("CLIENT", "UNBLOCK", id, "TIMEOUT"));
        // Still usable; its errorstats count the UNBLOCKED error.
        Assert.Equal("+PONG", waiter.CallText("PING"));
    }

    [Fact]
    public void ClientUnblock_BadArguments_AnswerRedisErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.", c.CallText("CLIENT", "UNBLOCK", "1", "timeout", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("CLIENT", "UNBLOCK", "abc"));
        Assert.Equal("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", c.CallText("CLIENT", "UNBLOCK", "abc", "foo"));
        Assert.Equal(":0", c.CallText("CLIENT", "UNBLOCK", "999999", "ERROR"));
        Assert.Equal("-ERR wrong number of arguments for 'client|unblock' command", c.CallText("CLIENT", "UNBLOCK"));
    }

    [Fact]
    public void BLMoveChain_ServesEachWaiterAlongTheWay()
    {
        using var server = new TestServer();
        using var first = server.Connect();
        using var second = server.Connect();
        using var last = server.Connect();
        using var pusher = server.Connect();
        first.Block(server, 1, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0");
        second.Block(server, 2, "BRPOPLPUSH", "b", "c", "0");
        last.Block(server, 3, "BLPOP", "c", "0");
        Assert.Equal(":1", pusher.CallText("RPUSH", "a", "v"));
        Assert.Equal("$v", first.Read().ToString());
        Assert.Equal("$v", second.Read().ToString());
        Assert.Equal("*[$c, $v]", last.Read().ToString());
        Assert.Equal(":0", pusher.CallText("EXISTS", "a", "b", "c"));
    }

    [Fact]
    public void BLMoveIntoAKeyOfAnotherType_WhenServed_RepliesWrongTypeAndMovesNothing()
    {
        using var server = new TestServer();
        using var mover = server.Connect();
        using var popper = server.Connect();
        using var pusher = server.Connect();
        mover.Block(server, 1, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
        popper.Block(server, 2, "BLPOP", "src", "0");
        pusher.Call("SET", "dst", "string");
        pusher.Call("RPUSH", "src", "x");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", mover.Read().ToString());
        // The element stayed for the next client in line.
        Assert.Equal("*[$src, $x]", popper.Read().ToString());
    }

    [Fact]
    public void PipelinedCommandsAfterABlockingOne_WaitUntilItIsServed()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var other = server.Connect();
        waiter.SendRaw([.. RawClient.Encode("BLPOP", "p", "0"), .. RawClient.Encode("SET", "after", "1"), .. RawClient.Encode("GET", "after")]);
        server.WaitForBlocked(1);
        Assert.Equal("$nil", other.CallText("GET", "after"));
        // Input that arrives while blocked waits too.
        waiter.Send("INCR", "after");
        Assert.Equal(":1", other.CallText("LPUSH", "p", "z"));
        Assert.Equal("*[$p, $z]", waiter.Read().ToString());
        Assert.Equal("+OK", waiter.Read().ToString());
        Assert.Equal("$1", waiter.Read().ToString());
        Assert.Equal(":2", waiter.Read().ToString());
    }

    [Fact]
    public void ServedClientsPipelinedCommands_RunAfterTheServingClientsBatch_BeforeItsNext()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var writer = server.Connect();
        waiter.SendRaw([.. RawClient.Encode("BLPOP", "k", "0"), .. RawClient.Encode("RPUSH", "k2", "y")]);
        server.WaitForBlocked(1);
        // As Redis's processUnblockedClients: after the writer's whole batch, before anything it sends next.
        writer.SendRaw([.. RawClient.Encode("RPUSH", "k", "x"), .. RawClient.Encode("LPOP", "k2"), .. RawClient.Encode("LPOP", "k2")]);
        Assert.Equal(":1\r\n$-1\r\n$-1\r\n", writer.ReadRawReply() + writer.ReadRawReply() + writer.ReadRawReply());
        Assert.Equal("$y", writer.CallText("LPOP", "k2"));
        Assert.Equal("*[$k, $x]", waiter.Read().ToString());
        Assert.Equal(":1", waiter.Read().ToString());
    }

    [Fact]
    public void HalfCloseRightAfterBeingServed_StillGetsEveryReplyOwed()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var pusher = server.Connect();
        waiter.SendRaw([.. RawClient.Encode("BLPOP", "q", "0"), .. RawClient.Encode("PING")]);
        server.WaitForBlocked(1);
        pusher.Call("RPUSH", "q", "x");
        waiter.ShutdownSend();
        Assert.Equal("*2\r\n$1\r\nq\r\n$1\r\nx\r\n+PONG\r\n", waiter.ReadToEnd());
    }

    [Fact]
    public void PipelinedQuitAfterABlockingOne_ClosesOnceServed()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var other = server.Connect();
        waiter.SendRaw([.. RawClient.Encode("BLPOP", "p", "0"), .. RawClient.Encode("QUIT")]);
        server.WaitForBlocked(1);
        other.Call("RPUSH", "p", "z");
        Assert.Equal("*[$p, $z]", waiter.Read().ToString());
        Assert.Equal("+OK", waiter.Read().ToString());
        Assert.True(waiter.IsClosedByServer());
    }

    [Fact]
    public void BlockedClient_WaitsInItsOwnDatabase()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var pusher = server.Connect();
        waiter.Call("SELECT", "1");
        waiter.Block(server, 1, "BLPOP", "k", "0");
        pusher.Call("RPUSH", "k", "db0");
        server.WaitForBlocked(1);
        pusher.Call("SELECT", "1");
        pusher.Call("RPUSH", "k", "db1");
        Assert.Equal("*[$k, $db1]", waiter.Read().ToString());
        pusher.Call("SELECT", "0");
        Assert.Equal(":1", pusher.CallText("LLEN", "k"));
    }

    [Fact]
    public void KeyFilledByRenameMoveCopyRestoreOrSwapdb_ServesWaiters()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var c = server.Connect();
        c.Call("RPUSH", "src", "renamed");
        waiter.Block(server, 1, "BLPOP", "dst", "0");
        c.Call("RENAME", "src", "dst");
        Assert.Equal("*[$dst, $renamed]", waiter.Read().ToString());

        c.Call("SELECT", "1");
        c.Call("RPUSH", "dst", "moved");
        waiter.Block(server, 1, "BLPOP", "dst", "0");
        c.Call("MOVE", "dst", "0");
        Assert.Equal("*[$dst, $moved]", waiter.Read().ToString());

        c.Call("SELECT", "0");
        c.Call("RPUSH", "orig", "copied");
        waiter.Block(server, 1, "BRPOP", "dst", "0");
        c.Call("COPY", "orig", "dst");
        Assert.Equal("*[$dst, $copied]", waiter.Read().ToString());

        var payload = c.Call("DUMP", "orig").Bytes!;
        waiter.Block(server, 1, "BLPOP", "dst", "0");
        c.SendRaw(RawClient.Encode("RESTORE"u8.ToArray(), "dst"u8.ToArray(), "0"u8.ToArray(), payload));
        Assert.Equal("+OK", c.Read().ToString());
        Assert.Equal("*[$dst, $copied]", waiter.Read().ToString());

        c.Call("SELECT", "1");
        c.Call("RPUSH", "dst", "swapped");
        waiter.Block(server, 1, "BLPOP", "dst", "0");
        c.Call("SWAPDB", "0", "1");
        Assert.Equal("*[$dst, $swapped]", waiter.Read().ToString());
    }

    [Fact]
    public void KeyOfAnotherType_LeavesTheClientBlockedUntilAListArrives()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var c = server.Connect();
        waiter.Block(server, 1, "BLPOP", "k", "0");
        c.Call("SET", "k", "string");
        c.Call("DEL", "k");
        server.WaitForBlocked(1);
        c.Call("RPUSH", "k", "v");
        Assert.Equal("*[$k, $v]", waiter.Read().ToString());
    }

    [Fact]
    public void InsideMulti_BlockingCommandsAnswerAtOnceAsOnTimeout()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        c.Call("BLPOP", "none", "0");
        c.Call("BLMOVE", "none", "d", "LEFT", "LEFT", "0");
        c.Call("BLMPOP", "0", "1", "none", "LEFT");
        c.SendRaw(RawClient.Encode("EXEC"));
        Assert.Equal("*3\r\n*-1\r\n$-1\r\n*-1\r\n", c.ReadRawReply());
        Assert.Equal(0, server.Server.Stats.BlockedClients);
    }

    [Fact]
    public void SameKeyTwice_IsWaitedOnOnce_AndStatsCountClientsAndKeys()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        using var c = server.Connect();
        a.Block(server, 1, "BLPOP", "k", "k", "j", "0");
        b.Block(server, 2, "BRPOP", "k", "1000");
        lock (server.Server.Sync)
        {
            Assert.Equal(2, server.Server.Stats.BlockedClients);
            Assert.Equal(2, server.Server.Stats.BlockedKeys);
            Assert.Equal(1, server.Server.Stats.ClientsInTimeoutTable);
            Assert.Equal(0, server.Server.Commands.Find("blpop")!.Calls);
        }
        var info = c.Call("INFO", "clients").Text!;
        Assert.Contains("blocked_clients:2\r\n", info);
        Assert.Contains("clients_in_timeout_table:1\r\n", info);
        Assert.Matches(@"id=\d+ addr=\S+ laddr=\S+ fd=\d+ name= age=\d+ idle=\d+ flags=b ", c.Call("CLIENT", "LIST").Text!);
        c.Call("RPUSH", "k", "1", "2");
        Assert.Equal("*[$k, $1]", a.Read().ToString());
        Assert.Equal("*[$k, $2]", b.Read().ToString());
        lock (server.Server.Sync)
        {
            Assert.Equal(0, server.Server.Stats.BlockedClients);
            Assert.Equal(0, server.Server.Stats.BlockedKeys);
            Assert.Equal(0, server.Server.Stats.ClientsInTimeoutTable);
            // Counted once served, as Redis does.
            Assert.Equal(1, server.Server.Commands.Find("blpop")!.Calls);
        }
    }

    [Fact]
    public void WritesFromTheMasterLink_ServeBlockedClients()
    {
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var master = server.Connect();
        master.Call("PING");
        lock (server.Server.Sync)
        {
            foreach (var client in server.Server.Clients.Snapshot())
            {
                if (client.LastCommandName == "ping") client.Flags |= Vigil.Server.Clients.ClientFlags.Master;
            }
        }
        waiter.Block(server, 1, "BLPOP", "k", "0");
        master.Call("RPUSH", "k", "from-master");
        Assert.Equal("*[$k, $from-master]", waiter.Read().ToString());
    }

    [Fact]
    public void BecomingAReplica_UnblocksWithAnError_AndClosesTheBlockedClients()
    {
        using var master = new TestServer();
        using var server = new TestServer();
        using var waiter = server.Connect();
        using var admin = server.Connect();
        waiter.Block(server, 1, "BLPOP", "k", "0");
        Assert.Equal("+OK", admin.CallText("REPLICAOF", "127.0.0.1", master.Port.ToString()));
        Assert.Equal("-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)", waiter.Read().ToString());
        Assert.True(waiter.IsClosedByServer());
        server.WaitForBlocked(0);
    }
}
