using Vigil.Server.PubSub;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.PubSub;

public class KeyspaceNotificationTests
{
    // CONFIG SET notify-keyspace-events <in>, then CONFIG GET, on redis-server 7.0.15.
    [Theory]
    [InlineData("KEA", "AKE")]
    [InlineData("AKE", "AKE")]
    [InlineData("Kx", "xK")]
    [InlineData("gE$", "g$E")]
    [InlineData("Eg$lshzxetdmn", "AEm")]
    [InlineData("KEAmn", "AKEm")]
    [InlineData("", "")]
    [InlineData("An", "A")]
    [InlineData("nK", "nK")]
    public void ClassString_ParsesAndFormatsAsRedis(string classes, string canonical)
    {
        Assert.True(KeyspaceEventFlags.TryParse(classes, out var flags));
        Assert.Equal(canonical, KeyspaceEventFlags.Format(flags));
    }

    [Theory]
    [InlineData("bad")]
    [InlineData("KE ")]
    [InlineData("k")]
    public void ClassString_WithUnknownCharacter_IsRejected(string classes)
    {
        Assert.False(KeyspaceEventFlags.TryParse(classes, out _));
    }

    [Fact]
    public void Events_ArePublishedOnKeyspaceAndKeyeventChannels_ForSelectedClasses()
    {
        using var server = new TestServer(c => c.NotifyKeyspaceEvents = "KEg");
        using var sub = server.Connect();
        sub.Call("PSUBSCRIBE", "__key*__:*");
        Fire(server, KeyspaceEventType.Generic, "del", 3, "foo");
        Assert.Equal("*[$pmessage, $__key*__:*, $__keyspace@3__:foo, $del]", sub.Read().ToString());
        Assert.Equal("*[$pmessage, $__key*__:*, $__keyevent@3__:del, $foo]", sub.Read().ToString());
        // '$' is not selected: string events stay silent.
        Fire(server, KeyspaceEventType.String, "set", 0, "foo");
        Fire(server, KeyspaceEventType.Generic, "expire", 0, "bar");
        Assert.Equal("*[$pmessage, $__key*__:*, $__keyspace@0__:bar, $expire]", sub.Read().ToString());
    }

    [Fact]
    public void OnlyKeyeventChannel_WhenKIsNotSelected_AndNothingWithoutKOrE()
    {
        using var server = new TestServer(c => c.NotifyKeyspaceEvents = "E$");
        using var sub = server.Connect();
        sub.Call("PSUBSCRIBE", "*");
        Fire(server, KeyspaceEventType.String, "set", 0, "k");
        Assert.Equal("*[$pmessage, $*, $__keyevent@0__:set, $k]", sub.Read().ToString());

        server.Server.Config.NotifyKeyspaceEvents = "A";
        Fire(server, KeyspaceEventType.String, "set", 0, "silent");
        server.Server.Config.NotifyKeyspaceEvents = "K$";
        Fire(server, KeyspaceEventType.String, "set", 0, "k2");
        Assert.Equal("*[$pmessage, $*, $__keyspace@0__:k2, $set]", sub.Read().ToString());
    }

    [Fact]
    public void ChangingTheConfiguredString_TakesEffectOnTheNextEvent()
    {
        using var server = new TestServer();
        using var sub = server.Connect();
        sub.Call("SUBSCRIBE", "__keyevent@0__:set");
        Fire(server, KeyspaceEventType.String, "set", 0, "before");
        server.Server.Config.NotifyKeyspaceEvents = "E$";
        Fire(server, KeyspaceEventType.String, "set", 0, "after");
        Assert.Equal("*[$message, $__keyevent@0__:set, $after]", sub.Read().ToString());
    }

    [Fact]
    public void ExpiredKey_FiresExpiredEvent()
    {
        using var server = new TestServer(c => c.NotifyKeyspaceEvents = "KEx");
        using var sub = server.Connect();
        using var c = server.Connect();
        sub.Call("PSUBSCRIBE", "__key*@0__:*");
        c.Call("SET", "temp", "v");
        lock (server.Server.Sync)
        {
            server.Server.Keyspace[0].SetExpire("temp"u8, server.Server.Keyspace.Now + 50);
        }
        // Reclaimed by the active expiry cycle or by this lookup, whichever comes first.
        PubSubTests.WaitUntil(() => c.CallText("GET", "temp") == "$nil");
        Assert.Equal("*[$pmessage, $__key*@0__:*, $__keyspace@0__:temp, $expired]", sub.Read().ToString());
        Assert.Equal("*[$pmessage, $__key*@0__:*, $__keyevent@0__:expired, $temp]", sub.Read().ToString());
    }

    [Fact]
    public void SetDelExpireAndExpiry_NotifyAsRedis()
    {
        using var server = new TestServer(c => c.NotifyKeyspaceEvents = "KEA");
        using var sub = server.Connect();
        using var c = server.Connect();
        sub.Call("PSUBSCRIBE", "__key*__:*");
        c.Call("SET", "foo", "bar");
        AssertEvents(sub, ("set", "foo"));
        c.Call("DEL", "foo");
        AssertEvents(sub, ("del", "foo"));
        // Long enough that the key is still there for EXPIRE on a loaded machine.
        c.Call("SET", "foo", "bar", "PX", "100000");
        AssertEvents(sub, ("set", "foo"), ("expire", "foo"));
        c.Call("EXPIRE", "foo", "1");
        AssertEvents(sub, ("expire", "foo"));
        PubSubTests.WaitUntil(() => c.CallText("EXISTS", "foo") == ":0");
        AssertEvents(sub, ("expired", "foo"));
        c.Call("SELECT", "3");
        c.Call("SET", "k", "1");
        Assert.Equal("*[$pmessage, $__key*__:*, $__keyspace@3__:k, $set]", sub.Read().ToString());
    }

    [Fact]
    public void KeysCreatedByWrites_FireNewBeforeTheCommandsOwnEvent()
    {
        using var server = new TestServer(c => c.NotifyKeyspaceEvents = "KEAn");
        using var sub = server.Connect();
        using var c = server.Connect();
        sub.Call("PSUBSCRIBE", "__keyevent@0__:*");
        c.Call("SET", "a", "1");
        c.Call("SET", "a", "2");
        c.Call("RENAME", "a", "b");
        c.Call("COPY", "b", "c");
        c.Call("LPUSH", "l", "x");
        c.Call("INCR", "n");
        // The order redis-server 7.0.15 publishes them in for the same commands.
        (string Event, string Key)[] expected =
        [
            ("new", "a"), ("set", "a"), ("set", "a"), ("new", "b"), ("rename_from", "a"), ("rename_to", "b"),
            ("new", "c"), ("copy_to", "c"), ("new", "l"), ("lpush", "l"), ("new", "n"), ("incrby", "n"),
        ];
        foreach (var (name, key) in expected)
        {
            Assert.Equal($"*[$pmessage, $__keyevent@0__:*, $__keyevent@0__:{name}, ${key}]", sub.Read().ToString());
        }
    }

    /// <summary>Each event arrives as the keyspace message, then the keyevent message.</summary>
    private static void AssertEvents(RawClient sub, params (string Event, string Key)[] events)
    {
        foreach (var (name, key) in events)
        {
            Assert.Equal($"*[$pmessage, $__key*__:*, $__keyspace@0__:{key}, ${name}]", sub.Read().ToString());
            Assert.Equal($"*[$pmessage, $__key*__:*, $__keyevent@0__:{name}, ${key}]", sub.Read().ToString());
        }
    }

    private static void Fire(TestServer server, KeyspaceEventType type, string eventName, int db, string key)
    {
        lock (server.Server.Sync)
        {
            server.Server.KeyspaceEvents!(type, eventName, db, System.Text.Encoding.Latin1.GetBytes(key));
        }
    }
}
