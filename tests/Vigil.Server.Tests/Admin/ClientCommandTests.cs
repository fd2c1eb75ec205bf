using System.Text.RegularExpressions;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Admin;

public class ClientCommandTests
{
    private const string Fields =
        "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp";

    private static Dictionary<string, string> Parse(string line) =>
        line.TrimEnd('\n').Split(' ').Select(f => f.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void Info_HasRedis70FieldsInOrder_AndNamesTheRunningCommand()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        string line = c.Call("CLIENT", "INFO").Text!;
        Assert.EndsWith("\n", line);
        Assert.Equal(Fields, string.Join(' ', line.TrimEnd('\n').Split(' ').Select(f => f.Split('=')[0])));
        var fields = Parse(line);
        Assert.Equal("client|info", fields["cmd"]);
        Assert.Equal("N", fields["flags"]);
        Assert.Equal("-1", fields["multi"]);
        Assert.Equal("default", fields["user"]);
        Assert.Equal("2", fields["resp"]);
        Assert.Equal($"127.0.0.1:{server.Port}", fields["laddr"]);
        Assert.Equal("10", fields["argv-mem"]);
    }

    [Fact]
    public void SetName_GetName_Id()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("CLIENT", "GETNAME"));
        Assert.Equal("+OK", c.CallText("CLIENT", "SETNAME", "worker-1"));
        Assert.Equal("$worker-1", c.CallText("CLIENT", "GETNAME"));
        Assert.Equal("-ERR Client names cannot contain spaces, newlines or special characters.", c.CallText("CLIENT", "SETNAME", "a b"));
        Assert.Equal("+OK", c.CallText("CLIENT", "SETNAME", ""));
        Assert.Equal("$nil", c.CallText("CLIENT", "GETNAME"));
        long id = c.Call("CLIENT", "ID").Integer;
        Assert.Equal(id.ToString(), Parse(c.Call("CLIENT", "INFO").Text!)["id"]);
    }

    [Fact]
    public void List_ShowsEveryClient_FiltersByTypeAndId()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        using var sub = server.Connect();
        sub.Call("SUBSCRIBE", "news");
        a.Call("CLIENT", "SETNAME", "alpha");
        long bId = b.Call("CLIENT", "ID").Integer;
        var all = a.Call("CLIENT", "LIST").Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, all.Length);
        Assert.Contains(all, l => Parse(l)["name"] == "alpha");
        var pubsub = a.Call("CLIENT", "LIST", "TYPE", "pubsub").Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(pubsub);
        Assert.Equal("P", Parse(pubsub[0])["flags"]);
        Assert.Equal("1", Parse(pubsub[0])["sub"]);
        Assert.Equal(2, a.Call("CLIENT", "LIST", "TYPE", "normal").Text!.Count(ch => ch == '\n'));
        Assert.Equal("", a.Call("CLIENT", "LIST", "TYPE", "replica").Text);
        var byId = a.Call("CLIENT", "LIST", "ID", bId.ToString(), "999999").Text!;
        Assert.Equal(bId.ToString(), Parse(byId)["id"]);
        Assert.Equal("-ERR Unknown client type 'foo'", a.CallText("CLIENT", "LIST", "TYPE", "foo"));
        Assert.Equal("-ERR Invalid client ID", a.CallText("CLIENT", "LIST", "ID", "abc"));
        Assert.Equal("-ERR syntax error", a.CallText("CLIENT", "LIST", "foo"));
    }

    [Fact]
    public void List_ShowsTransactionState()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var observer = server.Connect();
        long id = c.Call("CLIENT", "ID").Integer;
        c.Call("MULTI");
        c.Call("SET", "k", "v");
        c.Call("SET", "k2", "v");
        var line = Parse(observer.Call("CLIENT", "LIST", "ID", id.ToString()).Text!);
        Assert.Equal("x", line["flags"]);
        Assert.Equal("2", line["multi"]);
        Assert.Equal("set", line["cmd"]);
    }

    [Fact]
    public void Kill_OldForm_KillsByAddress_OrSaysNoSuchClient()
    {
        using var server = new TestServer();
        using var killer = server.Connect();
        using var victim = server.Connect();
        string addr = Parse(victim.Call("CLIENT", "INFO").Text!)["addr"];
        Assert.Equal("-ERR No such client", killer.CallText("CLIENT", "KILL", "1.2.3.4:5"));
        Assert.Equal("+OK", killer.CallText("CLIENT", "KILL", addr));
        Assert.True(victim.IsClosedByServer());
        Assert.Equal("+PONG", killer.CallText("PING"));
    }

    [Fact]
    public void Kill_ByType_SkipsTheCaller_UnlessSkipmeNo()
    {
        using var server = new TestServer();
        using var killer = server.Connect();
        using var normal = server.Connect();
        using var subscriber = server.Connect();
        subscriber.Call("SUBSCRIBE", "ch");
        normal.Call("PING");
        Assert.Equal(":1", killer.CallText("CLIENT", "KILL", "TYPE", "normal"));
        Assert.True(normal.IsClosedByServer());
        Assert.Equal(":1", killer.CallText("CLIENT", "KILL", "TYPE", "pubsub"));
        Assert.True(subscriber.IsClosedByServer());
        Assert.Equal(":1", killer.CallText("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"));
        Assert.True(killer.IsClosedByServer());
    }

    [Fact]
    public void Kill_InsideMulti_AsSentinelSendsIt()
    {
        using var server = new TestServer();
        using var sentinel = server.Connect();
        using var normal = server.Connect();
        using var subscriber = server.Connect();
        subscriber.Call("SUBSCRIBE", "ch");
        normal.Call("PING");
        sentinel.Call("MULTI");
        Assert.Equal("+QUEUED", sentinel.CallText("CLIENT", "KILL", "TYPE", "normal"));
        Assert.Equal("+QUEUED", sentinel.CallText("CLIENT", "KILL", "TYPE", "pubsub"));
        Assert.Equal("*[:1, :1]", sentinel.CallText("EXEC"));
        Assert.True(normal.IsClosedByServer());
        Assert.True(subscriber.IsClosedByServer());
        Assert.Equal("+PONG", sentinel.CallText("PING"));
    }

    [Fact]
    public void Kill_ByIdAddrLaddrUserMaxage()
    {
        using var server = new TestServer();
        using var killer = server.Connect();
        using var victim = server.Connect();
        long id = victim.Call("CLIENT", "ID").Integer;
        Assert.Equal(":0", killer.CallText("CLIENT", "KILL", "ID", "999999"));
        Assert.Equal(":0", killer.CallText("CLIENT", "KILL", "MAXAGE", "100000"));
        Assert.Equal(":0", killer.CallText("CLIENT", "KILL", "LADDR", "10.0.0.1:1", "ID", id.ToString()));
        Assert.Equal(":1", killer.CallText("CLIENT", "KILL", "USER", "default", "ID", id.ToString()));
        Assert.True(victim.IsClosedByServer());
    }

    [Theory]
    [InlineData("-ERR client-id should be greater than 0", "ID", "abc")]
    [InlineData("-ERR client-id should be greater than 0", "ID", "0")]
    [InlineData("-ERR Unknown client type 'foo'", "TYPE", "foo")]
    [InlineData("-ERR syntax error", "foo", "bar")]
    [InlineData("-ERR syntax error", "SKIPME", "maybe")]
    [InlineData("-ERR syntax error", "ID", "1", "TYPE")]
    [InlineData("-ERR No such user 'bob'", "USER", "bob")]
    [InlineData("-ERR value is not an integer or out of range", "MAXAGE", "x")]
    public void Kill_BadFilters_AreRefused(string expected, params string[] args)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(["CLIENT", "KILL", .. args]));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void Reply_OffAndSkip_SilenceReplies()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.SendRaw(RawClient.Encode("CLIENT", "REPLY", "OFF"));
        c.SendRaw(RawClient.Encode("SET", "k", "1"));
        c.SendRaw(RawClient.Encode("CLIENT", "REPLY", "ON"));
        Assert.Equal("+OK", c.Read().ToString());
        c.SendRaw(RawClient.Encode("CLIENT", "REPLY", "SKIP"));
        c.SendRaw(RawClient.Encode("INCR", "k"));
        Assert.Equal(":3", c.CallText("INCR", "k"));
        Assert.Equal("-ERR syntax error", c.CallText("CLIENT", "REPLY", "maybe"));
    }

    [Fact]
    public void NoEvictAndNoTouch_ShowAsFlags()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("+OK", c.CallText("CLIENT", "NO-TOUCH", "ON"));
        Assert.Equal("eT", Parse(c.Call("CLIENT", "INFO").Text!)["flags"]);
        Assert.Equal("-ERR syntax error", c.CallText("CLIENT", "NO-EVICT", "maybe"));
        c.Call("CLIENT", "NO-TOUCH", "off");
        c.Call("CLIENT", "NO-EVICT", "off");
        Assert.Equal("N", Parse(c.Call("CLIENT", "INFO").Text!)["flags"]);
    }

    [Fact]
    public void NoTouch_LeavesIdleTimeAlone_ExceptForTouch()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        lock (server.Server.Sync) server.Server.Keyspace[0].SetAccessStamp("k"u8, 1);
        c.Call("CLIENT", "NO-TOUCH", "on");
        c.Call("GET", "k");
        Assert.True(c.Call("OBJECT", "IDLETIME", "k").Integer > 1000);
        c.Call("TOUCH", "k");
        Assert.True(c.Call("OBJECT", "IDLETIME", "k").Integer < 10);
    }

    [Fact]
    public void SetInfo_StoresLibraryNameAndVersion()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CLIENT", "SETINFO", "LIB-NAME", "redis-py"));
        Assert.Equal("+OK", c.CallText("CLIENT", "SETINFO", "lib-ver", "5.0.1"));
        var fields = Parse(c.Call("CLIENT", "INFO").Text!);
        Assert.Equal("redis-py", fields["lib-name"]);
        Assert.Equal("5.0.1", fields["lib-ver"]);
        Assert.Equal("-ERR Unrecognized option 'foo'", c.CallText("CLIENT", "SETINFO", "foo", "x"));
        Assert.Equal("-ERR LIB-NAME cannot contain spaces, newlines or special characters.", c.CallText("CLIENT", "SETINFO", "LIB-NAME", "a b"));
    }

    private static bool IsPostponed(TestServer server, long id)
    {
        lock (server.Server.Sync) return server.Server.Clients.Find(id)?.HasFlag(Vigil.Server.Clients.ClientFlags.Postponed) == true;
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (Environment.TickCount64 < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(10);
        }
        return condition();
    }

    [Fact]
    public void PauseWrite_HoldsWritesAndTheirFollowers_ReadsGoOn_UntilUnpause()
    {
        using var server = new TestServer();
        using var admin = server.Connect();
        using var writer = server.Connect();
        using var reader = server.Connect();
        long writerId = writer.Call("CLIENT", "ID").Integer;
        Assert.Equal("+OK", admin.CallText("CLIENT", "PAUSE", "100000", "WRITE"));
        writer.SendRaw([.. RawClient.Encode("SET", "k", "v"), .. RawClient.Encode("GET", "k")]);
        Assert.True(WaitUntil(() => IsPostponed(server, writerId)));
        Assert.Equal("$nil", reader.CallText("GET", "k"));
        Assert.Equal("+OK", admin.CallText("CLIENT", "UNPAUSE"));
        Assert.Equal("+OK", writer.Read().ToString());
        Assert.Equal("$v", writer.Read().ToString());
    }

    [Fact]
    public void PauseAll_HoldsEveryClient_UntilItEnds()
    {
        using var server = new TestServer();
        using var admin = server.Connect();
        using var c = server.Connect();
        long id = c.Call("CLIENT", "ID").Integer;
        Assert.Equal("+OK", admin.CallText("CLIENT", "PAUSE", "100000"));
        c.SendRaw(RawClient.Encode("PING"));
        Assert.True(WaitUntil(() => IsPostponed(server, id)));
        lock (server.Server.Sync) server.Server.ClientPause.Unpause();
        Assert.Equal("+PONG", c.Read().ToString());
    }

    [Fact]
    public void Pause_EndsByItself_WhenItsTimeIsUp()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CLIENT", "PAUSE", "50", "ALL"));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Theory]
    [InlineData("-ERR timeout is not an integer or out of range", "abc")]
    [InlineData("-ERR timeout is negative", "-1")]
    [InlineData("-ERR CLIENT PAUSE mode must be WRITE or ALL", "10", "foo")]
    public void Pause_BadArguments(string expected, params string[] args)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(["CLIENT", "PAUSE", .. args]));
    }

    [Fact]
    public void TrackingViews_ReportTrackingOff()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":-1", c.CallText("CLIENT", "GETREDIR"));
        Assert.Equal("*[$flags, *[$off], $redirect, :-1, $prefixes, *[]]", c.CallText("CLIENT", "TRACKINGINFO"));
    }

    [Fact]
    public void Help_AndUnknownSubcommand()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", c.Call("CLIENT", "HELP").Items![0].Text);
        Assert.Equal("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.", c.CallText("CLIENT", "FOO"));
        Assert.Equal("-ERR wrong number of arguments for 'client|kill' command", c.CallText("CLIENT", "KILL"));
    }

    [Fact]
    public void StackExchangeRedis_ListsClientsAndNamesItself()
    {
        using var server = new TestServer();
        var endpoint = server.Multiplexer.GetEndPoints()[0];
        var clients = server.Multiplexer.GetServer(endpoint).ClientList();
        Assert.NotEmpty(clients);
        Assert.All(clients, client => Assert.True(client.Id > 0));
        Assert.Matches(new Regex("^127\\.0\\.0\\.1:\\d+$"), clients[0].Address!.ToString()!);
    }
}
