using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Strings;

/// <summary>GET, SET and its options, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX (replies checked against redis-server 7.0.15).</summary>
public class SetAndGetTests
{
    [Fact]
    public void Get_ReturnsValue_OrNil_AndIsBinarySafe()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("GET", "k"));
        Assert.Equal("+OK", c.CallText("SET", "k", "a\r\nb\0c"));
        Assert.Equal("$a\\r\\nb\0c", c.CallText("GET", "k"));
        Assert.Equal("+OK", c.CallText("SET", "k", ""));
        Assert.Equal("$", c.CallText("GET", "k"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("GET", "a", "b")]
    [InlineData("SET", "k")]
    [InlineData("SETNX", "k")]
    [InlineData("SETEX", "k", "10")]
    [InlineData("PSETEX", "k", "10")]
    [InlineData("GETSET", "k")]
    [InlineData("GETDEL")]
    [InlineData("GETEX")]
    [InlineData("MGET")]
    [InlineData("MSET", "k")]
    [InlineData("MSETNX", "k")]
    public void WrongArity_IsRejectedWithTheCommandName(params string[] args)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal($"-ERR wrong number of arguments for '{args[0].ToLowerInvariant()}' command", c.CallText(args));
    }

    [Theory]
    [InlineData("-ERR syntax error", "NX", "XX")]
    [InlineData("-ERR syntax error", "XX", "NX")]
    [InlineData("-ERR syntax error", "EX", "10", "PX", "100")]
    [InlineData("-ERR syntax error", "PX", "10", "EXAT", "100")]
    [InlineData("-ERR syntax error", "EXAT", "10", "PXAT", "100")]
    [InlineData("-ERR syntax error", "KEEPTTL", "EX", "1")]
    [InlineData("-ERR syntax error", "EX", "100", "KEEPTTL")]
    [InlineData("-ERR syntax error", "EX")]
    [InlineData("-ERR syntax error", "PERSIST")]
    [InlineData("-ERR syntax error", "FOO")]
    [InlineData("-ERR invalid expire time in 'set' command", "EX", "0")]
    [InlineData("-ERR invalid expire time in 'set' command", "EX", "-1")]
    [InlineData("-ERR invalid expire time in 'set' command", "PXAT", "0")]
    [InlineData("-ERR invalid expire time in 'set' command", "PX", "9223372036854775807")]
    [InlineData("-ERR invalid expire time in 'set' command", "EX", "9223372036854775")]
    [InlineData("-ERR invalid expire time in 'set' command", "EX", "9223372036854776")]
    [InlineData("-ERR value is not an integer or out of range", "EX", "abc")]
    [InlineData("-ERR value is not an integer or out of range", "PX", "1.5")]
    public void Set_OptionErrors_MatchRedis(string expected, params string[] options)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(["SET", "k", "v", .. options]));
        Assert.Equal("$nil", c.CallText("GET", "k"));
    }

    [Fact]
    public void Set_RepeatedOptions_AreAllowed_AndTheLastExpiryWins()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("SET", "k", "v", "EX", "10", "EX", "20"));
        Assert.InRange(c.Call("TTL", "k").Integer, 19, 20);
        Assert.Equal("$nil", c.CallText("SET", "k", "v", "NX", "NX"));
        Assert.Equal("+OK", c.CallText("SET", "k", "v", "keepttl", "KEEPTTL"));
        Assert.InRange(c.Call("TTL", "k").Integer, 19, 20);
    }

    [Fact]
    public void Set_NxAndXx_ReplyNilWhenTheyStopTheWrite()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("SET", "k", "v", "XX"));
        Assert.Equal("+OK", c.CallText("SET", "k", "v", "NX"));
        Assert.Equal("$nil", c.CallText("SET", "k", "w", "NX"));
        Assert.Equal("+OK", c.CallText("SET", "k", "w", "XX"));
        Assert.Equal("$w", c.CallText("GET", "k"));
    }

    [Fact]
    public void Set_Get_ReturnsTheOldValue_EvenWhenNxStopsTheWrite()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("SET", "k", "v1", "GET"));
        Assert.Equal("$v1", c.CallText("SET", "k", "v2", "GET"));
        Assert.Equal("$v2", c.CallText("SET", "k", "v3", "GET", "NX"));
        Assert.Equal("$v2", c.CallText("GET", "k"));
        Assert.Equal("$nil", c.CallText("SET", "missing", "v", "GET", "XX"));
        Assert.Equal("$nil", c.CallText("GET", "missing"));
    }

    [Fact]
    public void Set_ReplacesTheTtl_UnlessKeepTtl()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v", "PX", "100000");
        Assert.Equal("+OK", c.CallText("SET", "k", "v2", "KEEPTTL"));
        var pttl = c.Call("PTTL", "k").Integer;
        Assert.InRange(pttl, 99000, 100000);
        Assert.Equal("+OK", c.CallText("SET", "k", "v3"));
        Assert.Equal(":-1", c.CallText("TTL", "k"));
        Assert.Equal("+OK", c.CallText("SET", "k", "v4", "EXAT", "99999999999"));
        Assert.Equal(":99999999999", c.CallText("EXPIRETIME", "k"));
        Assert.Equal("+OK", c.CallText("SET", "k", "v4", "PXAT", "99999999999123"));
        Assert.Equal(":99999999999123", c.CallText("PEXPIRETIME", "k"));
    }

    [Fact]
    public void Set_WithAnExpiryInThePast_LeavesNoReadableKey()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("SET", "k", "v", "EXAT", "1"));
        Assert.Equal("$nil", c.CallText("GET", "k"));
        Assert.Equal(":0", c.CallText("EXISTS", "k"));
    }

    [Fact]
    public void WrongType_IsReportedByEveryStringReader()
    {
        using var server = new TestServer();
        server.Store("list", new FakeList());
        using var c = server.Connect();
        const string wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
        Assert.Equal(wrongType, c.CallText("GET", "list"));
        Assert.Equal(wrongType, c.CallText("GETSET", "list", "v"));
        Assert.Equal(wrongType, c.CallText("GETDEL", "list"));
        Assert.Equal(wrongType, c.CallText("GETEX", "list", "EX", "10"));
        Assert.Equal(wrongType, c.CallText("SET", "list", "v", "GET"));
        Assert.Equal(wrongType, c.CallText("APPEND", "list", "v"));
        Assert.Equal(wrongType, c.CallText("STRLEN", "list"));
        Assert.Equal(wrongType, c.CallText("INCR", "list"));
        Assert.Equal(wrongType, c.CallText("DECRBY", "list", "2"));
        Assert.Equal(wrongType, c.CallText("INCRBYFLOAT", "list", "2"));
        Assert.Equal(wrongType, c.CallText("GETRANGE", "list", "0", "1"));
        Assert.Equal(wrongType, c.CallText("SETRANGE", "list", "0", "x"));
        Assert.Equal("*[$nil]", c.CallText("MGET", "list"));
        Assert.Equal("-ERR The specified keys must contain string values", c.CallText("LCS", "list", "other"));
        Assert.IsType<FakeList>(server.Fetch("list"));
        // SET without GET replaces whatever was there.
        Assert.Equal("+OK", c.CallText("SET", "list", "v"));
        Assert.Equal("$v", c.CallText("GET", "list"));
    }

    [Fact]
    public void SetNx_RepliesOneOrZero()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("SETNX", "k", "a"));
        Assert.Equal(":0", c.CallText("SETNX", "k", "b"));
        Assert.Equal("$a", c.CallText("GET", "k"));
    }

    [Fact]
    public void SetEx_AndPSetEx_SetValueAndTtl_AndNameThemselvesInErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("SETEX", "k", "100", "v"));
        Assert.InRange(c.Call("TTL", "k").Integer, 99, 100);
        Assert.Equal("+OK", c.CallText("PSETEX", "k", "100000", "w"));
        Assert.InRange(c.Call("PTTL", "k").Integer, 99000, 100000);
        Assert.Equal("$w", c.CallText("GET", "k"));
        Assert.Equal("-ERR invalid expire time in 'setex' command", c.CallText("SETEX", "k", "0", "v"));
        Assert.Equal("-ERR invalid expire time in 'psetex' command", c.CallText("PSETEX", "k", "-1", "v"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("SETEX", "k", "abc", "v"));
    }

    [Fact]
    public void GetSet_ReturnsOldValue_AndDropsTheTtl()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("GETSET", "k", "a"));
        c.Call("EXPIRE", "k", "100");
        Assert.Equal("$a", c.CallText("GETSET", "k", "b"));
        Assert.Equal(":-1", c.CallText("TTL", "k"));
        Assert.Equal("$b", c.CallText("GET", "k"));
    }

    [Fact]
    public void GetDel_ReturnsAndDeletes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Equal("$v", c.CallText("GETDEL", "k"));
        Assert.Equal("$nil", c.CallText("GETDEL", "k"));
        Assert.Equal(":0", c.CallText("EXISTS", "k"));
    }

    [Theory]
    [InlineData("-ERR syntax error", "NX")]
    [InlineData("-ERR syntax error", "KEEPTTL")]
    [InlineData("-ERR syntax error", "GET")]
    [InlineData("-ERR syntax error", "PERSIST", "EX", "1")]
    [InlineData("-ERR syntax error", "EX", "1", "PERSIST")]
    [InlineData("-ERR syntax error", "EX", "1", "PXAT", "1")]
    [InlineData("-ERR syntax error", "EX")]
    [InlineData("-ERR invalid expire time in 'getex' command", "EX", "0")]
    [InlineData("-ERR invalid expire time in 'getex' command", "PXAT", "-5")]
    [InlineData("-ERR value is not an integer or out of range", "PX", "x")]
    public void GetEx_OptionErrors_MatchRedis(string expected, params string[] options)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Equal(expected, c.CallText(["GETEX", "k", .. options]));
        Assert.Equal(":-1", c.CallText("TTL", "k"));
    }

    [Fact]
    public void GetEx_OnAMissingKey_RepliesNilBeforeCheckingTheTime()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$nil", c.CallText("GETEX", "missing", "EX", "0"));
    }

    [Fact]
    public void GetEx_SetsChangesAndRemovesTheTtl()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Equal("$v", c.CallText("GETEX", "k"));
        Assert.Equal(":-1", c.CallText("TTL", "k"));
        Assert.Equal("$v", c.CallText("GETEX", "k", "EX", "100"));
        Assert.InRange(c.Call("TTL", "k").Integer, 99, 100);
        Assert.Equal("$v", c.CallText("GETEX", "k", "PX", "100000", "PX", "200000"));
        Assert.InRange(c.Call("PTTL", "k").Integer, 199000, 200000);
        Assert.Equal("$v", c.CallText("GETEX", "k", "EXAT", "99999999999"));
        Assert.Equal(":99999999999", c.CallText("EXPIRETIME", "k"));
        Assert.Equal("$v", c.CallText("GETEX", "k", "PERSIST", "PERSIST"));
        Assert.Equal(":-1", c.CallText("TTL", "k"));
        Assert.Equal("$v", c.CallText("GETEX", "k", "PXAT", "1"));
        Assert.Equal(":0", c.CallText("EXISTS", "k"));
    }

    [Fact]
    public void MGet_MixesValuesAndNils()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("MSET", "a", "1", "b", "2"));
        Assert.Equal("*[$1, $2, $nil]", c.CallText("MGET", "a", "b", "c"));
    }

    [Fact]
    public void MSet_WithAnOddNumberOfArguments_IsAnArityError()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR wrong number of arguments for 'mset' command", c.CallText("MSET", "a", "1", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'msetnx' command", c.CallText("MSETNX", "a", "1", "b"));
        Assert.Equal(":0", c.CallText("EXISTS", "a"));
    }

    [Fact]
    public void MSet_DropsTtls_AndLastValueWinsForRepeatedKeys()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "0", "EX", "100");
        Assert.Equal("+OK", c.CallText("MSET", "a", "1", "a", "2"));
        Assert.Equal("$2", c.CallText("GET", "a"));
        Assert.Equal(":-1", c.CallText("TTL", "a"));
    }

    [Fact]
    public void MSetNx_SetsNothingWhenAnyKeyExists()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal(":0", c.CallText("MSETNX", "a", "x", "c", "3"));
        Assert.Equal("*[$1, $nil]", c.CallText("MGET", "a", "c"));
        Assert.Equal(":1", c.CallText("MSETNX", "c", "3", "d", "4"));
        Assert.Equal(":1", c.CallText("MSETNX", "e", "1", "e", "2"));
        Assert.Equal("*[$3, $4, $2]", c.CallText("MGET", "c", "d", "e"));
    }
}
