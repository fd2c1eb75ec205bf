using System.Text;
using Vigil.Protocol;

namespace Vigil.Protocol.Tests;

public class RespReaderTests
{
    private static RespValue Read(string text, out int consumed)
    {
        Assert.True(RespReader.TryRead(Encoding.Latin1.GetBytes(text), out var value, out consumed));
        return value!;
    }

    private static RespValue Read(string text)
    {
        var value = Read(text, out int consumed);
        Assert.Equal(text.Length, consumed);
        return value;
    }

    [Fact]
    public void EveryReplyType()
    {
        Assert.Equal("+OK", Read("+OK\r\n").ToString());
        Assert.True(Read("-ERR x\r\n").IsError);
        Assert.Equal(-12, Read(":-12\r\n").Integer);
        Assert.Equal("a\r\nb", Read("$4\r\na\r\nb\r\n").Text);
        Assert.True(Read("$-1\r\n").IsNull);
        Assert.True(Read("*-1\r\n").IsNull);
        Assert.Equal(RespType.Null, Read("_\r\n").Type);
        Assert.Equal("1.5", Read(",1.5\r\n").Text);
        Assert.Equal(1, Read("#t\r\n").Integer);
        Assert.Equal(0, Read("#f\r\n").Integer);
        Assert.Equal("123456789012345678901234567890", Read("(123456789012345678901234567890\r\n").Text);
        Assert.True(Read("!3\r\nERR\r\n").IsError);
        Assert.Equal("txt:hi", Read("=6\r\ntxt:hi\r\n").Text);
        Assert.Equal("*[:1, $a]", Read("*2\r\n:1\r\n$1\r\na\r\n").ToString());
        Assert.Equal("%[+k, :1]", Read("%1\r\n+k\r\n:1\r\n").ToString());
        Assert.Equal("~[:1]", Read("~1\r\n:1\r\n").ToString());
        Assert.Equal(">[$message]", Read(">1\r\n$7\r\nmessage\r\n").ToString());
        Assert.Equal("*[]", Read("*0\r\n").ToString());
    }

    [Fact]
    public void Attribute_IsSkipped_AndTheReplyAfterItReturned()
    {
        Assert.Equal(":7", Read("|1\r\n+ttl\r\n:3\r\n:7\r\n").ToString());
    }

    [Fact]
    public void ReadsOneReplyAtATime()
    {
        var first = Read("+a\r\n:2\r\n", out int consumed);
        Assert.Equal("+a", first.ToString());
        Assert.Equal(4, consumed);
    }

    [Fact]
    public void EveryPrefix_IsIncomplete()
    {
        const string whole = "*3\r\n$3\r\nabc\r\n%1\r\n+k\r\n,2.5\r\n|1\r\n+a\r\n:1\r\n#t\r\n";
        for (int length = 0; length < whole.Length; length++)
        {
            Assert.False(RespReader.TryRead(Encoding.ASCII.GetBytes(whole[..length]), out _, out int consumed));
            Assert.Equal(0, consumed);
        }
        Assert.Equal("*[$abc, %[+k, ,2.5], #]", Read(whole).ToString());
    }

    [Fact]
    public void HugeAggregateCount_WaitsForBytes_WithoutAllocatingForIt()
    {
        Assert.False(RespReader.TryRead("*2147483647\r\n:1\r\n"u8, out _, out _));
        Assert.False(RespReader.TryRead("$2147483647\r\nabc"u8, out _, out _));
    }

    [Theory]
    [InlineData("?x\r\n")]
    [InlineData(":abc\r\n")]
    [InlineData(":\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("$x\r\n")]
    [InlineData("*-2\r\n")]
    [InlineData("$3\r\nabcX\n")]
    [InlineData("$3\r\nabc\rX")]
    [InlineData("#x\r\n")]
    [InlineData("#tt\r\n")]
    [InlineData("*1\r\n?\r\n")]
    public void MalformedReplies_Throw(string text)
    {
        var e = Assert.Throws<RespProtocolException>(() => RespReader.TryRead(Encoding.ASCII.GetBytes(text), out _, out _));
        Assert.StartsWith("Protocol error: ", e.Message);
    }

    [Fact]
    public void NestingDeeperThanTheLimit_Throws()
    {
        string deep = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth + 2)) + ":1\r\n";
        Assert.Throws<RespProtocolException>(() => RespReader.TryRead(Encoding.ASCII.GetBytes(deep), out _, out _));
        string allowed = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth)) + ":1\r\n";
        Assert.True(RespReader.TryRead(Encoding.ASCII.GetBytes(allowed), out _, out _));
    }

    [Fact]
    public void LineWithoutCrlf_PastTheLimit_Throws()
    {
        var text = Encoding.ASCII.GetBytes("+" + new string('a', ParseLimits.InlineMaxSize + 1));
        Assert.Throws<RespProtocolException>(() => RespReader.TryRead(text, out _, out _));
    }

    [Fact]
    public void WriterOutput_ReadsBack()
    {
        using var w = new RespWriter { Version = RespVersion.Resp3 };
        w.WriteMapHeader(2);
        w.WriteBulkString("a"u8);
        w.WriteDouble(2.5);
        w.WriteBulkString("b"u8);
        w.WriteSetHeader(2);
        w.WriteNull();
        w.WriteBoolean(true);
        Assert.True(RespReader.TryRead(w.WrittenSpan, out var value, out int consumed));
        Assert.Equal(w.Length, consumed);
        Assert.Equal("%[$a, ,2.5, $b, ~[_nil, #]]", value!.ToString());
    }
}
