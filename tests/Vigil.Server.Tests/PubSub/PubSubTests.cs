using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.PubSub;

/// <summary>Replies checked byte for byte against redis-server 7.0.15.</summary>
public class PubSubTests
{
    [Fact]
    public void UnsubscribeWithoutSubscriptions_RepliesNullNameAndZero()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        AssertRawReply(c, "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", "UNSUBSCRIBE");
        AssertRawReply(c, "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n", "PUNSUBSCRIBE");
        AssertRawReply(c, "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n", "SUNSUBSCRIBE");
        // Not subscribed, so not in subscriber mode.
        Assert.Equal("$nil", c.CallText("GET", "x"));
    }

    [Fact]
    public void Subscribe_ConfirmsEachChannel_CountingChannelsAndPatternsTogether()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("*[$subscribe, $c1, :1]", c.CallText("SUBSCRIBE", "c1", "c2", "c1"));
        Assert.Equal("*[$subscribe, $c2, :2]", c.Read().ToString());
        Assert.Equal("*[$subscribe, $c1, :2]", c.Read().ToString());
        Assert.Equal("*[$psubscribe, $p*, :3]", c.CallText("PSUBSCRIBE", "p*", "q?"));
        Assert.Equal("*[$psubscribe, $q?, :4]", c.Read().ToString());
        // Shard subscriptions are counted apart.
        Assert.Equal("*[$ssubscribe, $s1, :1]", c.CallText("SSUBSCRIBE", "s1"));
        Assert.Equal("*[$unsubscribe, $c9, :4]", c.CallText("UNSUBSCRIBE", "c9"));
    }

    [Fact]
    public void UnsubscribeAll_ConfirmsEveryChannel_AndLeavesSubscriberMode()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SUBSCRIBE", "a");
        c.Call("PSUBSCRIBE", "p1", "p2");
        c.Read();
        Assert.Equal("*[$unsubscribe, $a, :2]", c.CallText("UNSUBSCRIBE"));
        // Patterns go in subscription order, as Redis 7.0 keeps them in a list.
        Assert.Equal("*[$punsubscribe, $p1, :1]", c.CallText("PUNSUBSCRIBE"));
        Assert.Equal("*[$punsubscribe, $p2, :0]", c.Read().ToString());
        Assert.Equal("$nil", c.CallText("GET", "x"));
    }

    [Fact]
    public void Resp2Subscriber_RefusesOtherCommands_ButAnswersPingAsMessage()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SUBSCRIBE", "c1");
        Assert.Equal("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            c.CallText("GET", "x"));
        Assert.Equal("-ERR Can't execute 'pubsub|numpat': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            c.CallText("PUBSUB", "NUMPAT"));
        Assert.Equal("*[$pong, $]", c.CallText("PING"));
        Assert.Equal("*[$pong, $hi]", c.CallText("PING", "hi"));
    }

    [Fact]
    public void Publish_DeliversMessageAndPatternMessage_AndCountsReceivers()
    {
        using var server = new TestServer();
        using var sub = server.Connect();
        using var pub = server.Connect();
        sub.Call("SUBSCRIBE", "news");
        sub.Call("PSUBSCRIBE", "n*");
        Assert.Equal(":2", pub.CallText("PUBLISH", "news", "hello"));
        string expected = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n" +
            "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n";
        Assert.Equal(expected, sub.ReadRaw(expected.Length));
        Assert.Equal(":0", pub.CallText("PUBLISH", "other", "x"));
    }

    [Fact]
    public void Resp3_SubscriptionsAndMessagesArePushFrames_AndCommandsKeepWorking()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var other = server.Connect();
        c.Call("HELLO", "3");
        AssertRawReply(c, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", "UNSUBSCRIBE");
        Assert.Equal(">[$subscribe, $c1, :1]", c.CallText("SUBSCRIBE", "c1"));
        Assert.Equal("_nil", c.CallText("GET", "x"));
        Assert.Equal("+PONG", c.CallText("PING"));
        Assert.Equal(":1", other.CallText("PUBLISH", "c1", "m"));
        Assert.Equal(">[$message, $c1, $m]", c.Read().ToString());
        // A subscriber publishing to itself gets the message before the reply.
        Assert.Equal(">[$message, $c1, $self]", c.CallText("PUBLISH", "c1", "self"));
        Assert.Equal(":1", c.Read().ToString());
        Assert.Equal(">[$punsubscribe, _nil, :1]", c.CallText("PUNSUBSCRIBE"));
    }

    [Fact]
    public void MessagesFromOnePublisher_ArriveInPublishOrder_ToEverySubscriber()
    {
        using var server = new TestServer();
        using var first = server.Connect();
        using var second = server.Connect();
        using var pub = server.Connect();
        first.Call("SUBSCRIBE", "seq");
        second.Call("PSUBSCRIBE", "se*");
        const int count = 500;
        var pipeline = new List<byte>();
        for (int i = 0; i < count; i++) pipeline.AddRange(RawClient.Encode("PUBLISH", "seq", i.ToString()));
        pub.SendRaw(pipeline.ToArray());
        for (int i = 0; i < count; i++) Assert.Equal(":2", pub.Read().ToString());
        for (int i = 0; i < count; i++)
        {
            Assert.Equal($"*[$message, $seq, ${i}]", first.Read().ToString());
            Assert.Equal($"*[$pmessage, $se*, $seq, ${i}]", second.Read().ToString());
        }
    }

    [Fact]
    public void PubSubIntrospection_ListsChannelsAndCountsSubscribers()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        using var q = server.Connect();
        a.Call("SUBSCRIBE", "c1", "c2");
        a.Read();
        b.Call("SUBSCRIBE", "c1");
        a.Call("PSUBSCRIBE", "x*");
        b.Call("PSUBSCRIBE", "x*");
        b.Call("SSUBSCRIBE", "s1");
        Assert.Equal("*[$c1, :2, $c2, :1, $zz, :0]", q.CallText("PUBSUB", "NUMSUB", "c1", "c2", "zz"));
        Assert.Equal("*[]", q.CallText("PUBSUB", "NUMSUB"));
        // Redis 7.0 counts distinct patterns.
        Assert.Equal(":1", q.CallText("PUBSUB", "NUMPAT"));
        var channels = q.Call("PUBSUB", "CHANNELS").Items!.Select(v => v.Text).OrderBy(s => s).ToArray();
        Assert.Equal(["c1", "c2"], channels);
        Assert.Equal("*[$c2]", q.CallText("PUBSUB", "CHANNELS", "*2"));
        Assert.Equal("*[$s1]", q.CallText("PUBSUB", "SHARDCHANNELS"));
        Assert.Equal("*[$s1, :1, $x, :0]", q.CallText("PUBSUB", "SHARDNUMSUB", "s1", "x"));
        Assert.Equal(":1", q.CallText("SPUBLISH", "s1", "sm"));
        Assert.Equal("*[$smessage, $s1, $sm]", b.Read().ToString());
        lock (server.Server.Sync)
        {
            Assert.Equal(2, server.Server.Stats.PubSubChannels);
            Assert.Equal(1, server.Server.Stats.PubSubPatterns);
            Assert.Equal(1, server.Server.Stats.PubSubShardChannels);
        }
    }

    [Fact]
    public void ClosingOrResettingSubscriber_DropsItsSubscriptions()
    {
        using var server = new TestServer();
        using var q = server.Connect();
        var a = server.Connect();
        a.Call("SUBSCRIBE", "gone");
        a.Dispose();
        WaitUntil(() => q.CallText("PUBSUB", "NUMSUB", "gone") == "*[$gone, :0]");

        using var b = server.Connect();
        b.Call("SUBSCRIBE", "kept");
        b.Call("PSUBSCRIBE", "k*");
        Assert.Equal("+RESET", b.CallText("RESET"));
        Assert.Equal("*[$kept, :0]", q.CallText("PUBSUB", "NUMSUB", "kept"));
        Assert.Equal(":0", q.CallText("PUBSUB", "NUMPAT"));
        Assert.Equal("$nil", b.CallText("GET", "x"));
    }

    [Fact]
    public void PubSubCommand_MalformedCalls_AnswerAsRedis()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.", c.CallText("PUBSUB", "channels", "a", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub' command", c.CallText("PUBSUB"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try PUBSUB HELP.", c.CallText("PUBSUB", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub|numpat' command", c.CallText("PUBSUB", "NUMPAT", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub|help' command", c.CallText("PUBSUB", "HELP", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'subscribe' command", c.CallText("SUBSCRIBE"));
        Assert.Equal("-ERR wrong number of arguments for 'psubscribe' command", c.CallText("PSUBSCRIBE"));
        Assert.Equal("-ERR wrong number of arguments for 'ssubscribe' command", c.CallText("SSUBSCRIBE"));
        Assert.Equal("-ERR wrong number of arguments for 'publish' command", c.CallText("PUBLISH", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'spublish' command", c.CallText("SPUBLISH", "a", "b", "c"));
        var help = c.Call("PUBSUB", "help");
        Assert.Equal(14, help.Items!.Length);
        Assert.Equal("+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.Items[0].ToString());
        Assert.Equal("+    Prints this help.", help.Items[13].ToString());
    }

    [Fact]
    public void BinaryChannelsAndPatterns_MatchByteForByte()
    {
        using var server = new TestServer();
        using var sub = server.Connect();
        using var pub = server.Connect();
        sub.Call("PSUBSCRIBE", "b\u00ff[\u0001-\u0003]");
        Assert.Equal(":1", pub.CallText("PUBLISH", "b\u00ff\u0002", "\r\n\0"));
        const string expected = "*4\r\n$8\r\npmessage\r\n$7\r\nb\u00ff[\u0001-\u0003]\r\n$3\r\nb\u00ff\u0002\r\n$3\r\n\r\n\0\r\n";
        Assert.Equal(expected, sub.ReadRaw(expected.Length));
        Assert.Equal(":0", pub.CallText("PUBLISH", "b\u00ff\u0004", "x"));
    }

    [Fact]
    public void SlowSubscriber_IsDisconnectedAtTheHardLimit_AndServerStaysHealthy()
    {
        using var server = new TestServer(c => c.ClientOutputBufferLimit.PubSub = new(256 * 1024, 0, 0));
        string log = Path.Combine(Path.GetTempPath(), $"vigil-pubsub-{Guid.NewGuid():N}.log");
        server.Server.Log.UseFile(log);
        using var slow = server.Connect();
        using var pub = server.Connect();
        slow.Call("SUBSCRIBE", "firehose");
        string payload = new('x', 64 * 1024);
        bool dropped = false;
        // Bounded: the socket buffers take a few MB before the server's own output grows.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (int i = 0; i < 4000 && DateTime.UtcNow < deadline; i++)
        {
            if (pub.CallText("PUBLISH", "firehose", payload) == ":0")
            {
                dropped = true;
                break;
            }
        }
        Assert.True(dropped, "the subscriber was never disconnected");
        Assert.True(slow.IsClosedByServer());
        Assert.Equal("+PONG", pub.CallText("PING"));
        Assert.Equal("*[$firehose, :0]", pub.CallText("PUBSUB", "NUMSUB", "firehose"));
        Assert.Contains("scheduled to be closed ASAP for overcoming of output buffer limits.", File.ReadAllText(log));
        File.Delete(log);
    }

    [Fact]
    public void SlowSubscriber_AboveTheSoftLimitForLongerThanItsSeconds_IsDisconnected()
    {
        using var server = new TestServer(c => c.ClientOutputBufferLimit.PubSub = new(0, 64 * 1024, 1));
        using var slow = server.Connect();
        using var pub = server.Connect();
        slow.Call("SUBSCRIBE", "trickle");
        string payload = new('y', 64 * 1024);
        // Enough to fill the socket buffers and leave the server holding more than the soft limit;
        // then nothing more is published, so only the timed check can close the subscriber.
        for (int i = 0; i < 512; i++)
        {
            if (pub.CallText("PUBLISH", "trickle", payload) == ":0") break;
        }
        WaitUntil(() => pub.CallText("PUBSUB", "NUMSUB", "trickle") == "*[$trickle, :0]");
        Assert.True(slow.IsClosedByServer());
    }

    [Fact]
    public void StackExchangeRedis_Subscriber_ReceivesPublishedMessagesInOrder()
    {
        using var server = new TestServer();
        var subscriber = server.Multiplexer.GetSubscriber();
        var received = new List<string>();
        var done = new ManualResetEventSlim();
        var queue = subscriber.Subscribe(RedisChannel.Literal("se-channel"));
        queue.OnMessage(message =>
        {
            lock (received)
            {
                received.Add(message.Message!);
                if (received.Count == 3) done.Set();
            }
        });
        var pattern = subscriber.Subscribe(RedisChannel.Pattern("se-*"));
        Assert.Equal(2, subscriber.Publish(RedisChannel.Literal("se-channel"), "one"));
        subscriber.Publish(RedisChannel.Literal("se-channel"), "two");
        subscriber.Publish(RedisChannel.Literal("se-channel"), "three");
        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        lock (received) Assert.Equal(["one", "two", "three"], received);
        var next = pattern.ReadAsync().AsTask();
        Assert.True(next.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal("se-channel", (string?)next.Result.Channel);
        Assert.Equal("one", (string?)next.Result.Message);
    }

    private static void AssertRawReply(RawClient client, string expected, params string[] command)
    {
        client.SendRaw(RawClient.Encode(command));
        Assert.Equal(expected, client.ReadRaw(expected.Length));
    }

    internal static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            Thread.Sleep(10);
        }
    }
}
