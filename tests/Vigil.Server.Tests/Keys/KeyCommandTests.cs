using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Keys;

/// <summary>DEL, UNLINK, EXISTS, TYPE, TOUCH, KEYS, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE (checked against redis-server 7.0.15).</summary>
public class KeyCommandTests
{
    [Theory]
    [InlineData("DEL")]
    [InlineData("UNLINK")]
    [InlineData("EXISTS")]
    [InlineData("TYPE")]
    [InlineData("TOUCH")]
    [InlineData("KEYS")]
    [InlineData("RANDOMKEY", "x")]
    [InlineData("RENAME", "a")]
    [InlineData("RENAMENX", "a", "b", "c")]
    [InlineData("COPY", "a")]
    [InlineData("MOVE", "a")]
    [InlineData("SCAN")]
    public void WrongArity_IsRejected(params string[] args)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal($"-ERR wrong number of arguments for '{args[0].ToLowerInvariant()}' command", c.CallText(args));
    }

    [Fact]
    public void DelAndUnlink_CountOnlyKeysThatExisted()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MSET", "a", "1", "b", "2");
        Assert.Equal(":2", c.CallText("DEL", "a", "b", "c"));
        Assert.Equal(":0", c.CallText("DEL", "a"));
        c.Call("SET", "a", "1");
        Assert.Equal(":1", c.CallText("UNLINK", "a", "a"));
        server.Store("list", new FakeList());
        Assert.Equal(":1", c.CallText("DEL", "list"));
    }

    [Fact]
    public void Exists_CountsRepeatedKeys()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(":2", c.CallText("EXISTS", "a", "a", "b"));
    }

    [Fact]
    public void Type_NamesEveryKind()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "s", "1");
        server.Store("l", new FakeList());
        Assert.Equal("+string", c.CallText("TYPE", "s"));
        Assert.Equal("+list", c.CallText("TYPE", "l"));
        Assert.Equal("+none", c.CallText("TYPE", "missing"));
    }

    [Fact]
    public void Touch_CountsExistingKeys_AndResetsTheIdleTime()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MSET", "a", "1", "b", "2");
        lock (server.Server.Sync)
        {
            var db = server.Server.Keyspace[0];
            db.SetAccessStamp("a"u8, db.AccessStampOf("a"u8) - 100);
        }
        Assert.InRange(c.Call("OBJECT", "IDLETIME", "a").Integer, 99, 101);
        Assert.Equal(":2", c.CallText("TOUCH", "a", "b", "c"));
        // The access clock ticks in seconds; a loaded machine may see one tick between the two calls.
        Assert.InRange(c.Call("OBJECT", "IDLETIME", "a").Integer, 0, 1);
    }

    [Fact]
    public void Keys_MatchesGlobPatterns_AndSkipsExpiredKeys()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MSET", "o1", "a", "o10", "b", "o11", "c", "x", "d");
        c.Call("SET", "o12", "e", "PXAT", "1");
        Assert.Equal(["o1", "o10", "o11"], Sorted(c.Call("KEYS", "o1*")));
        Assert.Equal(["o10", "o11"], Sorted(c.Call("KEYS", "o1?")));
        Assert.Equal(["o1", "o10", "o11", "x"], Sorted(c.Call("KEYS", "*")));
        Assert.Equal("*[]", c.CallText("KEYS", "nomatch*"));
    }

    private static List<string> Sorted(Vigil.Protocol.RespValue array) =>
        array.Items!.Select(i => i.Text!).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact]
    public void RandomKey_ReturnsALiveKeyOrNil()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("RANDOMKEY"));
        c.Call("SET", "only", "v");
        c.Call("SET", "gone", "v", "PXAT", "1");
        for (int i = 0; i < 20; i++) Assert.Equal("$only", c.CallText("RANDOMKEY"));
    }

    [Fact]
    public void Rename_MovesValueAndTtl_AndReplacesTheTarget()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "v", "EX", "100");
        c.Call("SET", "b", "old", "EX", "5000");
        Assert.Equal("+OK", c.CallText("RENAME", "a", "b"));
        Assert.Equal("$v", c.CallText("GET", "b"));
        // The TTL moved with the value (it may have ticked down on a busy machine).
        Assert.InRange(c.Call("TTL", "b").Integer, 90, 100);
        Assert.Equal(":0", c.CallText("EXISTS", "a"));
        c.Call("SET", "c", "plain");
        c.Call("EXPIRE", "b", "50");
        Assert.Equal("+OK", c.CallText("RENAME", "c", "b"));
        Assert.Equal(":-1", c.CallText("TTL", "b"));
    }

    [Fact]
    public void Rename_Errors_AndSameKey()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR no such key", c.CallText("RENAME", "missing", "x"));
        Assert.Equal("-ERR no such key", c.CallText("RENAMENX", "missing", "x"));
        Assert.Equal("-ERR no such key", c.CallText("RENAME", "missing", "missing"));
        c.Call("SET", "a", "1");
        Assert.Equal("+OK", c.CallText("RENAME", "a", "a"));
        Assert.Equal(":0", c.CallText("RENAMENX", "a", "a"));
        Assert.Equal("$1", c.CallText("GET", "a"));
    }

    [Fact]
    public void RenameNx_OnlyRenamesToAFreeName()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MSET", "a", "1", "b", "2");
        Assert.Equal(":0", c.CallText("RENAMENX", "a", "b"));
        Assert.Equal(":1", c.CallText("RENAMENX", "a", "c"));
        Assert.Equal("*[$nil, $2, $1]", c.CallText("MGET", "a", "b", "c"));
    }

    [Fact]
    public void RenameAndMove_CountAsAnAccessOfTheValue()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        lock (server.Server.Sync)
        {
            var db = server.Server.Keyspace[0];
            db.SetAccessStamp("a"u8, db.AccessStampOf("a"u8) - 1000);
        }
        c.Call("RENAME", "a", "b");
        // RENAME looks the source up as a write, which is an access; the value keeps that access time.
        Assert.True(IdleSeconds(c, "b") < 100, "the value kept its old access time");
        lock (server.Server.Sync)
        {
            var db = server.Server.Keyspace[0];
            db.SetAccessStamp("b"u8, db.AccessStampOf("b"u8) - 1000);
        }
        c.Call("MOVE", "b", "1");
        c.Call("SELECT", "1");
        Assert.True(IdleSeconds(c, "b") < 100, "the value kept its old access time");
    }

    // A loaded machine may tick a second between the access and the question; the old stamp is 1000 s back.
    private static long IdleSeconds(RawClient c, string key) => long.Parse(c.CallText("OBJECT", "IDLETIME", key).TrimStart(':'));

    [Fact]
    public void Copy_DuplicatesValueAndTtl_IntoAnyDatabase()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "hello", "EX", "100");
        Assert.Equal(":1", c.CallText("COPY", "a", "b"));
        Assert.InRange(c.Call("TTL", "b").Integer, 99, 100);
        Assert.Equal(":0", c.CallText("COPY", "a", "b"));
        c.Call("APPEND", "b", "!");
        Assert.Equal("*[$hello, $hello!]", c.CallText("MGET", "a", "b"));
        Assert.Equal(":1", c.CallText("COPY", "a", "b", "REPLACE"));
        Assert.Equal("$hello", c.CallText("GET", "b"));
        Assert.Equal(":0", c.CallText("COPY", "missing", "b"));
        Assert.Equal(":1", c.CallText("COPY", "a", "a", "DB", "1"));
        Assert.Equal(":1", c.CallText("COPY", "a", "a", "db", "1", "replace"));
        c.Call("SELECT", "1");
        Assert.Equal("$hello", c.CallText("GET", "a"));
        Assert.InRange(c.Call("TTL", "a").Integer, 99, 100);
    }

    [Theory]
    [InlineData("-ERR source and destination objects are the same", "a")]
    [InlineData("-ERR source and destination objects are the same", "a", "DB", "0")]
    [InlineData("-ERR DB index is out of range", "b", "DB", "99")]
    [InlineData("-ERR DB index is out of range", "b", "DB", "-1")]
    [InlineData("-ERR value is not an integer or out of range", "b", "DB", "x")]
    [InlineData("-ERR value is out of range, value must between -2147483648 and 2147483647", "b", "DB", "4294967296")]
    [InlineData("-ERR syntax error", "b", "DB")]
    [InlineData("-ERR syntax error", "b", "FOO")]
    public void Copy_Errors_MatchRedis(string expected, params string[] rest)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(expected, c.CallText(["COPY", "a", .. rest]));
    }

    [Fact]
    public void Copy_OfACollection_UsesItsCloneOrRefuses()
    {
        using var server = new TestServer();
        var set = new FakeCloneableSet();
        set.Members.Add("m");
        server.Store("set", set);
        server.Store("list", new FakeList());
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("COPY", "set", "copy"));
        var copy = Assert.IsType<FakeCloneableSet>(server.Fetch("copy"));
        Assert.NotSame(set, copy);
        Assert.Equal(["m"], copy.Members);
        Assert.Equal("-ERR unknown type object", c.CallText("COPY", "list", "copy2"));
        Assert.Equal(":0", c.CallText("EXISTS", "copy2"));
    }

    [Fact]
    public void Move_TransfersKeyAndTtl_UnlessTheTargetHasIt()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "v", "EX", "100");
        Assert.Equal(":0", c.CallText("MOVE", "missing", "1"));
        Assert.Equal(":1", c.CallText("MOVE", "a", "1"));
        Assert.Equal(":0", c.CallText("EXISTS", "a"));
        c.Call("SET", "a", "again");
        Assert.Equal(":0", c.CallText("MOVE", "a", "1"));
        Assert.Equal("$again", c.CallText("GET", "a"));
        c.Call("SELECT", "1");
        Assert.Equal("$v", c.CallText("GET", "a"));
        Assert.InRange(c.Call("TTL", "a").Integer, 99, 100);
    }

    [Theory]
    [InlineData("0", "-ERR source and destination objects are the same")]
    [InlineData("99", "-ERR DB index is out of range")]
    [InlineData("-1", "-ERR DB index is out of range")]
    [InlineData("x", "-ERR value is not an integer or out of range")]
    [InlineData("4294967296", "-ERR value is out of range, value must between -2147483648 and 2147483647")]
    public void Move_Errors_MatchRedis(string db, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(expected, c.CallText("MOVE", "a", db));
    }

    [Fact]
    public void KeyCommands_FireRedisKeyspaceEvents()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "b", "1");
        c.Call("RENAME", "b", "c");
        c.Call("COPY", "c", "d");
        c.Call("MOVE", "d", "1");
        c.Call("COPY", "c", "e", "DB", "2");
        c.Call("DEL", "c", "missing");
        c.Call("UNLINK", "e");
        Assert.Equal(
        [
            "String:set@0:b", "Generic:rename_from@0:b", "Generic:rename_to@0:c", "Generic:copy_to@0:d",
            "Generic:move_from@0:d", "Generic:move_to@1:d", "Generic:copy_to@2:e", "Generic:del@0:c",
        ], recorder.TakeEvents());
        Assert.Equal(["SET b 1", "RENAME b c", "COPY c d", "MOVE d 1", "COPY c e DB 2", "DEL c missing"], recorder.TakePropagated());
    }

    [Fact]
    public void ReadOnlyKeyCommands_CountHitsAndMisses()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("EXISTS", "a", "missing");
        c.Call("TYPE", "a");
        c.Call("TTL", "missing");
        c.Call("TOUCH", "a");
        c.Call("OBJECT", "ENCODING", "a");
        Assert.Equal((4L, 2L), server.KeyspaceStats());
        c.Call("DEL", "a");
        c.Call("EXPIRE", "missing", "10");
        c.Call("RENAME", "missing", "x");
        c.Call("KEYS", "*");
        Assert.Equal((4L, 2L), server.KeyspaceStats());
    }
}
