using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Keys;

/// <summary>EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST (checked against redis-server 7.0.15).</summary>
public class ExpireTests
{
    [Theory]
    [InlineData("EXPIRE")]
    [InlineData("PEXPIRE")]
    [InlineData("EXPIREAT")]
    [InlineData("PEXPIREAT")]
    public void WrongArity_IsRejected(string command)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal($"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command", c.CallText(command, "k"));
        Assert.Equal("-ERR wrong number of arguments for 'ttl' command", c.CallText("TTL"));
        Assert.Equal("-ERR wrong number of arguments for 'persist' command", c.CallText("PERSIST", "a", "b"));
    }

    [Fact]
    public void Expire_SetsTheTtl_AndTtlRoundsToTheNearestSecond()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(":1", c.CallText("EXPIRE", "a", "100"));
        Assert.InRange(c.Call("TTL", "a").Integer, 99, 100);
        Assert.InRange(c.Call("PTTL", "a").Integer, 99000, 100000);
        Assert.Equal(":1", c.CallText("PEXPIRE", "a", "1600"));
        Assert.InRange(c.Call("TTL", "a").Integer, 1, 2);
        Assert.Equal(":1", c.CallText("EXPIREAT", "a", "99999999999"));
        Assert.Equal(":99999999999", c.CallText("EXPIRETIME", "a"));
        Assert.Equal(":99999999999000", c.CallText("PEXPIRETIME", "a"));
        Assert.Equal(":1", c.CallText("PEXPIREAT", "a", "99999999999499"));
        Assert.Equal(":99999999999", c.CallText("EXPIRETIME", "a"));
        Assert.Equal(":1", c.CallText("PEXPIREAT", "a", "99999999999999"));
        Assert.Equal(":100000000000", c.CallText("EXPIRETIME", "a"));
        Assert.Equal(":99999999999999", c.CallText("PEXPIRETIME", "a"));
    }

    [Fact]
    public void TtlFamily_ReportsMinusTwoForMissing_MinusOneForPersistent()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "p", "1");
        foreach (var command in new[] { "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" })
        {
            Assert.Equal(":-2", c.CallText(command, "missing"));
            Assert.Equal(":-1", c.CallText(command, "p"));
        }
        Assert.Equal(":0", c.CallText("EXPIRE", "missing", "10"));
    }

    [Fact]
    public void ExpireConditions_NxXxGtLt()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(":0", c.CallText("EXPIRE", "a", "100", "XX"));
        Assert.Equal(":0", c.CallText("EXPIRE", "a", "100", "GT"));
        Assert.Equal(":1", c.CallText("EXPIRE", "a", "100", "LT"));
        Assert.Equal(":0", c.CallText("EXPIRE", "a", "100", "NX"));
        Assert.Equal(":1", c.CallText("EXPIRE", "a", "200", "XX"));
        Assert.Equal(":0", c.CallText("EXPIRE", "a", "100", "GT"));
        Assert.Equal(":1", c.CallText("EXPIRE", "a", "300", "gt"));
        Assert.Equal(":0", c.CallText("EXPIRE", "a", "400", "LT"));
        Assert.Equal(":1", c.CallText("EXPIRE", "a", "50", "lt", "XX"));
        Assert.InRange(c.Call("TTL", "a").Integer, 49, 50);
        c.Call("PERSIST", "a");
        Assert.Equal(":1", c.CallText("EXPIRE", "a", "100", "NX", "NX"));
    }

    [Theory]
    [InlineData("-ERR NX and XX, GT or LT options at the same time are not compatible", "10", "nx", "xx")]
    [InlineData("-ERR NX and XX, GT or LT options at the same time are not compatible", "10", "NX", "GT")]
    [InlineData("-ERR NX and XX, GT or LT options at the same time are not compatible", "10", "LT", "NX")]
    [InlineData("-ERR GT and LT options at the same time are not compatible", "10", "gt", "lt")]
    [InlineData("-ERR Unsupported option foo", "10", "foo")]
    [InlineData("-ERR Unsupported option foo", "abc", "foo")]
    [InlineData("-ERR value is not an integer or out of range", "abc")]
    [InlineData("-ERR value is not an integer or out of range", "1.5", "NX")]
    [InlineData("-ERR invalid expire time in 'expire' command", "9223372036854775807")]
    [InlineData("-ERR invalid expire time in 'expire' command", "-9223372036854775808")]
    [InlineData("-ERR invalid expire time in 'expire' command", "9223372036854775")]
    public void Expire_Errors_MatchRedis(string expected, params string[] rest)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(expected, c.CallText(["EXPIRE", "a", .. rest]));
        Assert.Equal(":-1", c.CallText("TTL", "a"));
    }

    [Fact]
    public void PExpire_OverflowingTheClock_IsAnError()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal("-ERR invalid expire time in 'pexpire' command", c.CallText("PEXPIRE", "a", "9223372036854775807"));
        Assert.Equal(":1", c.CallText("PEXPIREAT", "a", "9223372036854775807"));
    }

    [Theory]
    [InlineData("EXPIRE", "-1")]
    [InlineData("PEXPIRE", "0")]
    [InlineData("EXPIREAT", "1")]
    [InlineData("PEXPIREAT", "-5")]
    public void ExpiryInThePast_DeletesTheKey_AndPropagatesDel(string command, string when)
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        recorder.TakePropagated();
        recorder.TakeEvents();
        Assert.Equal(":1", c.CallText(command, "a", when));
        Assert.Equal(":0", c.CallText("EXISTS", "a"));
        Assert.Equal(["DEL a"], recorder.TakePropagated());
        Assert.Equal(["Generic:del@0:a", "KeyMiss:keymiss@0:a"], recorder.TakeEvents());
    }

    [Fact]
    public void ExpireFamily_PropagatesAsPExpireAt_KeepingTheFlags()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("EXPIREAT", "a", "99999999999", "NX");
        c.Call("pexpireat", "a", "99999999999997", "xx");
        c.Call("EXPIRE", "a", "100", "LT");
        c.Call("EXPIRE", "a", "1000", "LT");
        var propagated = recorder.TakePropagated();
        Assert.Equal(4, propagated.Count);
        Assert.Equal("PEXPIREAT a 99999999999000 NX", propagated[1]);
        Assert.Equal("pexpireat a 99999999999997 xx", propagated[2]);
        Assert.Matches(@"^PEXPIREAT a \d{13} LT$", propagated[3]);
        long when = long.Parse(propagated[3].Split(' ')[2]);
        Assert.InRange(when - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 95_000, 100_000);
        Assert.Equal(["String:set@0:a", "Generic:expire@0:a", "Generic:expire@0:a", "Generic:expire@0:a"], recorder.TakeEvents());
    }

    [Fact]
    public void Persist_RemovesTheTtlOnce()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SET", "a", "1", "EX", "100");
        Assert.Equal(":1", c.CallText("PERSIST", "a"));
        Assert.Equal(":0", c.CallText("PERSIST", "a"));
        Assert.Equal(":0", c.CallText("PERSIST", "missing"));
        Assert.Equal(":-1", c.CallText("TTL", "a"));
        Assert.Equal(2, recorder.TakePropagated().Count);
        Assert.Contains("Generic:persist@0:a", recorder.TakeEvents());
    }

    [Fact]
    public void ShortTtl_KeyDisappearsForReaders_AndFiresExpired()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("SET", "k", "v", "PX", "50"));
        Assert.Equal("$v", c.CallText("GET", "k"));
        Assert.True(KeyTestExtensions.WaitUntil(() => c.CallText("GET", "k") == "$nil"));
        Assert.Equal(":-2", c.CallText("TTL", "k"));
        Assert.Contains("Expired:expired@0:k", recorder.TakeEvents());
    }

    [Fact]
    public void ShortTtl_UnreadKeysAreRemovedByTheActiveCycle()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        for (int i = 0; i < 50; i++) c.Call("SET", "k" + i, "v", "PX", "30");
        c.Call("SET", "stays", "v");
        Assert.True(KeyTestExtensions.WaitUntil(() => server.KeyCount() == 1));
        Assert.Equal("$v", c.CallText("GET", "stays"));
    }
}
