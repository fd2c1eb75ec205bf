using StackExchange.Redis;
using VigilFlags = Vigil.Server.Commands.CommandFlags;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Transactions;

/// <summary>Replies checked byte for byte against redis-server 7.0.15.</summary>
public class TransactionTests
{
    [Fact]
    public void MisplacedControlCommands_AnswerRedisErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR EXEC without MULTI", c.CallText("EXEC"));
        Assert.Equal("-ERR DISCARD without MULTI", c.CallText("DISCARD"));
        Assert.Equal("+OK", c.CallText("MULTI"));
        Assert.Equal("-ERR MULTI calls can not be nested", c.CallText("MULTI"));
        Assert.Equal("-ERR WATCH inside MULTI is not allowed", c.CallText("WATCH", "x"));
        Assert.Equal("+QUEUED", c.CallText("SET", "k", "v"));
        // Neither error dooms the transaction.
        Assert.Equal("*[+OK]", c.CallText("EXEC"));
        Assert.Equal("$v", c.CallText("GET", "k"));
    }

    [Fact]
    public void ErrorsWhileQueueing_MakeExecAbort_AndNothingRuns()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        Assert.Equal("-ERR wrong number of arguments for 'set' command", c.CallText("SET", "k"));
        Assert.Equal("-ERR unknown command 'nosuch', with args beginning with: ", c.CallText("nosuch"));
        Assert.Equal("+QUEUED", c.CallText("SET", "k", "v"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", c.CallText("EXEC"));
        Assert.Equal("$nil", c.CallText("GET", "k"));
        Assert.Equal("-ERR EXEC without MULTI", c.CallText("EXEC"));
    }

    [Fact]
    public void ArityErrorOfAControlCommand_InsideMulti_DoomsTheTransaction()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        Assert.Equal("-ERR wrong number of arguments for 'discard' command", c.CallText("DISCARD", "x"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", c.CallText("EXEC"));
        c.Call("MULTI");
        Assert.Equal("-ERR wrong number of arguments for 'watch' command", c.CallText("WATCH"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", c.CallText("EXEC"));
    }

    [Fact]
    public void ExecRefusedBeforeRunning_AbortsWithTheReason()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.SendRaw(RawClient.Encode("EXEC", "foo"));
        const string arity = "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n";
        Assert.Equal(arity, c.ReadRaw(arity.Length));
        c.Call("MULTI");
        c.Call("SET", "a", "1");
        Assert.Equal(arity.TrimEnd(), c.CallText("EXEC", "foo"));
        Assert.Equal("-ERR EXEC without MULTI", c.CallText("EXEC"));

        c.Call("MULTI");
        c.Call("SET", "a", "1");
        server.Server.Config.MinReplicasToWrite = 1;
        server.Server.Config.MinReplicasMaxLag = 10;
        Assert.Equal("-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.", c.CallText("EXEC"));
        Assert.Equal("-ERR EXEC without MULTI", c.CallText("EXEC"));
    }

    [Fact]
    public void RuntimeErrorsInsideExec_AreRepliesOfTheirCommands()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        c.Call("SUBSCRIBE", "x");
        Assert.Equal("+QUEUED", c.CallText("SSUBSCRIBE", "y"));
        c.Call("SET", "k", "v2");
        Assert.Equal("*[*[$subscribe, $x, :1], -ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client, +OK]", c.CallText("EXEC"));
        Assert.Equal("*[$unsubscribe, $x, :0]", c.CallText("UNSUBSCRIBE"));
        Assert.Equal("$v2", c.CallText("GET", "k"));
    }

    [Fact]
    public void EmptyTransaction_ReturnsEmptyArray_AndDiscardDropsTheQueue()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        Assert.Equal("*[]", c.CallText("EXEC"));
        c.Call("MULTI");
        c.Call("SET", "k", "z");
        Assert.Equal("+OK", c.CallText("DISCARD"));
        Assert.Equal("$nil", c.CallText("GET", "k"));
    }

    [Fact]
    public void QueuedArguments_SurviveTheReuseOfTheReceiveBuffer()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var pipeline = new List<byte>(RawClient.Encode("MULTI"));
        for (int i = 0; i < 200; i++) pipeline.AddRange(RawClient.Encode("SET", $"key:{i}", new string((char)('a' + i % 26), 100 + i)));
        c.SendRaw(pipeline.ToArray());
        for (int i = 0; i < 201; i++) c.Read();
        var reply = c.Call("EXEC");
        Assert.Equal(200, reply.Items!.Length);
        for (int i = 0; i < 200; i += 37) Assert.Equal("$" + new string((char)('a' + i % 26), 100 + i), c.CallText("GET", $"key:{i}"));
    }

    [Fact]
    public void Watch_AbortsWhenAnotherClientWrites_InResp2AndResp3()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        a.Call("WATCH", "w");
        b.Call("SET", "w", "1");
        a.Call("MULTI");
        Assert.Equal("+QUEUED", a.CallText("GET", "w"));
        a.SendRaw(RawClient.Encode("EXEC"));
        Assert.Equal("*-1\r\n", a.ReadRaw(5));

        // Watches end with EXEC: the same transaction now succeeds.
        a.Call("WATCH", "w");
        a.Call("MULTI");
        a.Call("GET", "w");
        Assert.Equal("*[$1]", a.CallText("EXEC"));

        a.Call("HELLO", "3");
        a.Call("WATCH", "w");
        b.Call("SET", "w", "2");
        a.Call("MULTI");
        a.SendRaw(RawClient.Encode("EXEC"));
        Assert.Equal("_\r\n", a.ReadRaw(3));
    }

    [Fact]
    public void Watch_AbortsOnOwnWriteBeforeMulti_ButNotAfterUnwatch()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("WATCH", "o");
        c.Call("SET", "o", "1");
        c.Call("MULTI");
        Assert.Equal("*nil", c.CallText("EXEC"));

        c.Call("WATCH", "o");
        c.Call("SET", "o", "2");
        Assert.Equal("+OK", c.CallText("UNWATCH"));
        c.Call("MULTI");
        Assert.Equal("*[]", c.CallText("EXEC"));
    }

    [Fact]
    public void Watch_IgnoresDeletesThatChangeNothing_AndWritesToOtherDatabases()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        a.Call("WATCH", "missing");
        b.Call("DEL", "missing");
        b.Call("SELECT", "1");
        b.Call("SET", "missing", "elsewhere");
        a.Call("MULTI");
        Assert.Equal("*[]", a.CallText("EXEC"));
    }

    [Fact]
    public void Watch_AbortsWhenTheKeyExpiresBeforeExec()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        a.Call("SET", "e", "1", "PX", "100");
        a.Call("WATCH", "e");
        Thread.Sleep(300);
        a.Call("MULTI");
        Assert.Equal("*nil", a.CallText("EXEC"));
    }

    [Fact]
    public void Watch_OfAnAlreadyExpiredKey_IsNotAbortedByItsReclamation()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        a.Call("SET", "e2", "1");
        lock (server.Server.Sync) server.Server.Keyspace[0].SetExpire("e2"u8, server.Server.Keyspace.Now - 1);
        a.Call("WATCH", "e2");
        Assert.Equal("$nil", b.CallText("GET", "e2"));
        a.Call("MULTI");
        Assert.Equal("*[]", a.CallText("EXEC"));

        // Writing a value where the expired one was is a change.
        a.Call("SET", "e3", "1");
        lock (server.Server.Sync) server.Server.Keyspace[0].SetExpire("e3"u8, server.Server.Keyspace.Now - 1);
        a.Call("WATCH", "e3");
        b.Call("SET", "e3", "new");
        a.Call("MULTI");
        Assert.Equal("*nil", a.CallText("EXEC"));
    }

    [Fact]
    public void Watch_AbortsOnFlushOrSwap_OnlyForKeysThatExisted()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        var keyspace = server.Server.Keyspace;

        a.Call("WATCH", "nokey");
        lock (server.Server.Sync) keyspace.FlushAll();
        a.Call("MULTI");
        Assert.Equal("*[]", a.CallText("EXEC"));

        b.Call("SET", "w", "1");
        a.Call("WATCH", "w");
        lock (server.Server.Sync) keyspace[0].Clear();
        a.Call("MULTI");
        Assert.Equal("*nil", a.CallText("EXEC"));

        b.Call("SET", "w", "1");
        a.Call("WATCH", "w");
        lock (server.Server.Sync) keyspace[1].Clear();
        a.Call("MULTI");
        Assert.Equal("*[]", a.CallText("EXEC"));

        // SWAPDB brings a key in where the watched one was missing.
        b.Call("SELECT", "1");
        b.Call("SET", "s", "x");
        a.Call("WATCH", "s");
        lock (server.Server.Sync) keyspace.Swap(0, 1);
        a.Call("MULTI");
        Assert.Equal("*nil", a.CallText("EXEC"));
    }

    [Fact]
    public void WatchGauges_CountWatchingClientsAndKeys()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        a.Call("WATCH", "k1", "k2", "k1");
        b.Call("WATCH", "k1");
        lock (server.Server.Sync)
        {
            Assert.Equal(2, server.Server.Stats.WatchingClients);
            Assert.Equal(2, server.Server.Stats.WatchedKeys);
        }
        b.Call("SET", "k2", "x");
        lock (server.Server.Sync)
        {
            // The dirtied client stopped watching.
            Assert.Equal(1, server.Server.Stats.WatchingClients);
            Assert.Equal(1, server.Server.Stats.WatchedKeys);
        }
        b.Dispose();
        a.Call("RESET");
        PubSubWait(() =>
        {
            lock (server.Server.Sync) return server.Server.Stats.WatchingClients == 0 && server.Server.Stats.WatchedKeys == 0;
        });
    }

    [Fact]
    public void ResetInsideMulti_LeavesTheTransaction()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        c.Call("SET", "k", "v");
        Assert.Equal("+RESET", c.CallText("RESET"));
        Assert.Equal("$nil", c.CallText("GET", "k"));
        Assert.Equal("-ERR EXEC without MULTI", c.CallText("EXEC"));
    }

    [Fact]
    public void Propagation_WrapsTwoOrMoreWritesInMultiExec_AndSendsASingleWriteAlone()
    {
        using var server = new TestServer();
        var propagated = new List<string>();
        server.Server.Executor.Propagate = ctx =>
            propagated.Add($"{ctx.Client.DbIndex}:{string.Join(' ', (ctx.PropagateAs ?? ctx.CopyArgs()).Select(a => System.Text.Encoding.Latin1.GetString(a)))}");
        using var c = server.Connect();

        c.Call("MULTI");
        c.Call("SET", "one", "1");
        c.Call("GET", "one");
        c.Call("EXEC");
        c.Call("MULTI");
        c.Call("GET", "one");
        c.Call("EXEC");
        c.Call("MULTI");
        c.Call("SELECT", "2");
        c.Call("SET", "x", "1");
        c.Call("SELECT", "0");
        c.Call("SET", "y", "1");
        c.Call("EXEC");
        c.Call("SET", "after", "1");

        lock (server.Server.Sync)
        {
            Assert.Equal(["0:SET one 1", "2:MULTI", "2:SET x 1", "0:SET y 1", "0:EXEC", "0:SET after 1"], propagated);
        }
    }

    [Fact]
    public void StackExchangeRedis_TransactionConditions_CommitOrAbort()
    {
        using var server = new TestServer();
        var db = server.Db();
        var first = db.CreateTransaction();
        first.AddCondition(Condition.KeyNotExists("tx:key"));
        _ = first.StringSetAsync("tx:key", "first");
        _ = first.StringSetAsync("tx:other", "1");
        Assert.True(first.Execute());
        Assert.Equal("first", (string?)db.StringGet("tx:key"));

        var second = db.CreateTransaction();
        second.AddCondition(Condition.KeyNotExists("tx:key"));
        _ = second.StringSetAsync("tx:key", "second");
        Assert.False(second.Execute());
        Assert.Equal("first", (string?)db.StringGet("tx:key"));

        var third = db.CreateTransaction();
        third.AddCondition(Condition.StringEqual("tx:key", "first"));
        var set = third.StringSetAsync("tx:key", "third");
        Assert.True(third.Execute());
        Assert.True(set.Result);
        Assert.Equal("third", (string?)db.StringGet("tx:key"));
    }

    [Fact]
    public void TransactionCommandFlags_MatchRedis7()
    {
        using var server = new TestServer();
        var table = server.Server.Commands;
        Assert.True(table.Find("exec")!.Has(VigilFlags.SkipSlowlog));
        Assert.Equal(-2, table.Find("watch")!.Arity);
        Assert.Equal(1, table.Find("watch")!.FirstKey);
        Assert.True(table.Find("multi")!.Has(VigilFlags.AllowBusy));
    }

    private static void PubSubWait(Func<bool> condition) => PubSub.PubSubTests.WaitUntil(condition);
}
