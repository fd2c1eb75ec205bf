using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Strings;

/// <summary>APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE and LCS (replies checked against redis-server 7.0.15).</summary>
public class RangeAndAppendTests
{
    [Fact]
    public void Append_CreatesOrExtends_AndKeepsTheTtl()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":5", c.CallText("APPEND", "k", "hello"));
        c.Call("EXPIRE", "k", "100");
        Assert.Equal(":11", c.CallText("APPEND", "k", " world"));
        Assert.Equal("$hello world", c.CallText("GET", "k"));
        Assert.InRange(c.Call("TTL", "k").Integer, 99, 100);
        Assert.Equal(":11", c.CallText("STRLEN", "k"));
        Assert.Equal(":0", c.CallText("STRLEN", "missing"));
        Assert.Equal("-ERR wrong number of arguments for 'append' command", c.CallText("APPEND", "k"));
        Assert.Equal("-ERR wrong number of arguments for 'strlen' command", c.CallText("STRLEN"));
    }

    [Fact]
    public void Append_BeyondProtoMaxBulkLen_IsRefused()
    {
        using var server = new TestServer(c => c.ProtoMaxBulkLen = 8);
        using var c = server.Connect();
        c.Call("SET", "k", "12345");
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)", c.CallText("APPEND", "k", "6789"));
        Assert.Equal(":8", c.CallText("APPEND", "k", "678"));
    }

    [Theory]
    [InlineData("0", "-1", "$hello")]
    [InlineData("1", "3", "$ell")]
    [InlineData("-3", "-1", "$llo")]
    [InlineData("-1", "-3", "$")]
    [InlineData("5", "10", "$")]
    [InlineData("4", "10", "$o")]
    [InlineData("-100", "100", "$hello")]
    [InlineData("3", "1", "$")]
    [InlineData("0", "0", "$h")]
    [InlineData("9223372036854775807", "9223372036854775807", "$")]
    [InlineData("-9223372036854775808", "-9223372036854775808", "$h")]
    [InlineData("a", "0", "-ERR value is not an integer or out of range")]
    [InlineData("0", "1.5", "-ERR value is not an integer or out of range")]
    public void GetRange_ClampsLikeRedis(string start, string end, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "hello");
        Assert.Equal(expected, c.CallText("GETRANGE", "k", start, end));
        Assert.Equal(expected, c.CallText("SUBSTR", "k", start, end));
    }

    [Fact]
    public void GetRange_OnMissingOrEmptyStrings_IsEmpty()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$", c.CallText("GETRANGE", "missing", "0", "-1"));
        c.Call("SET", "e", "");
        Assert.Equal("$", c.CallText("GETRANGE", "e", "0", "-1"));
        Assert.Equal("$", c.CallText("GETRANGE", "e", "-1", "0"));
        c.Call("SET", "n", "12345");
        Assert.Equal("$23", c.CallText("GETRANGE", "n", "1", "2"));
        Assert.Equal("-ERR wrong number of arguments for 'getrange' command", c.CallText("GETRANGE", "k", "0"));
    }

    [Fact]
    public void SetRange_PatchesPadsAndCreates()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "hello", "EX", "100");
        Assert.Equal(":5", c.CallText("SETRANGE", "k", "0", "J"));
        Assert.Equal("$Jello", c.CallText("GET", "k"));
        Assert.Equal(":9", c.CallText("SETRANGE", "k", "7", "xx"));
        Assert.Equal("$Jello\0\0xx", c.CallText("GET", "k"));
        Assert.InRange(c.Call("TTL", "k").Integer, 99, 100);
        Assert.Equal(":9", c.CallText("SETRANGE", "k", "100", ""));
        Assert.Equal(":0", c.CallText("SETRANGE", "new", "0", ""));
        Assert.Equal(":0", c.CallText("EXISTS", "new"));
        Assert.Equal(":5", c.CallText("SETRANGE", "new", "3", "ab"));
        Assert.Equal("$\0\0\0ab", c.CallText("GET", "new"));
    }

    [Theory]
    [InlineData("-1", "x", "-ERR offset is out of range")]
    [InlineData("abc", "x", "-ERR value is not an integer or out of range")]
    [InlineData("536870911", "xx", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    [InlineData("9223372036854775807", "x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    [InlineData("9223372036854775807", "", ":5")]
    public void SetRange_Errors_MatchRedis(string offset, string value, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "hello");
        Assert.Equal(expected, c.CallText("SETRANGE", "k", offset, value));
        Assert.Equal("$hello", c.CallText("GET", "k"));
    }

    [Fact]
    public void Lcs_ReturnsTheStringLengthOrMatches()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MSET", "a", "ohmytext", "b", "mynewtext");
        Assert.Equal("$mytext", c.CallText("LCS", "a", "b"));
        Assert.Equal(":6", c.CallText("LCS", "a", "b", "LEN"));
        Assert.Equal("*[$matches, *[*[*[:4, :7], *[:5, :8]], *[*[:2, :3], *[:0, :1]]], $len, :6]", c.CallText("LCS", "a", "b", "IDX"));
        Assert.Equal("*[$matches, *[*[*[:4, :7], *[:5, :8], :4]], $len, :6]", c.CallText("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        Assert.Equal("*[$matches, *[*[*[:4, :7], *[:5, :8], :4], *[*[:2, :3], *[:0, :1], :2]], $len, :6]", c.CallText("LCS", "a", "b", "IDX", "MINMATCHLEN", "-5", "WITHMATCHLEN"));
        c.Call("MSET", "c", "ABCBDAB", "d", "BDCABA");
        Assert.Equal("$BDAB", c.CallText("LCS", "c", "d"));
        Assert.Equal("*[$matches, *[*[*[:5, :6], *[:3, :4], :2], *[*[:3, :4], *[:0, :1], :2]], $len, :4]",
            c.CallText("LCS", "c", "d", "IDX", "WITHMATCHLEN"));
        Assert.Equal("$", c.CallText("LCS", "a", "missing"));
        Assert.Equal("*[$matches, *[], $len, :0]", c.CallText("LCS", "missing", "other", "IDX"));
    }

    [Fact]
    public void Lcs_Resp3_RepliesAMap()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HELLO", "3");
        c.Call("MSET", "a", "ohmytext", "b", "mynewtext");
        Assert.Equal("%[$matches, *[*[*[:4, :7], *[:5, :8], :4]], $len, :6]", c.CallText("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
    }

    [Theory]
    [InlineData("-ERR If you want both the length and indexes, please just use IDX.", "LEN", "IDX")]
    [InlineData("-ERR syntax error", "FOO")]
    [InlineData("-ERR syntax error", "MINMATCHLEN")]
    [InlineData("-ERR value is not an integer or out of range", "MINMATCHLEN", "x")]
    public void Lcs_OptionErrors_MatchRedis(string expected, params string[] options)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(["LCS", "a", "b", .. options]));
        Assert.Equal("-ERR wrong number of arguments for 'lcs' command", c.CallText("LCS", "a"));
    }

    [Fact]
    public void Lcs_WhoseTableExceedsProtoMaxBulkLen_IsRefused()
    {
        using var server = new TestServer(c => c.ProtoMaxBulkLen = 1024 * 1024);
        using var c = server.Connect();
        var big = new string('x', 1000);
        c.Call("MSET", "a", big, "b", big);
        Assert.Equal("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len", c.CallText("LCS", "a", "b"));
    }
}
