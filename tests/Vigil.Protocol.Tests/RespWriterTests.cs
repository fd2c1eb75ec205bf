using System.Text;
using Vigil.Protocol;

namespace Vigil.Protocol.Tests;

public class RespWriterTests
{
    private static string Written(Action<RespWriter> write, RespVersion version = RespVersion.Resp2)
    {
        using var w = new RespWriter { Version = version };
        write(w);
        return Encoding.Latin1.GetString(w.WrittenSpan);
    }

    [Fact]
    public void SimpleReplies()
    {
        Assert.Equal("+OK\r\n", Written(w => w.WriteOk()));
        Assert.Equal("+PONG\r\n", Written(w => w.WriteSimpleString("PONG")));
        Assert.Equal("+QUEUED\r\n", Written(w => w.WriteSimpleString("QUEUED"u8)));
    }

    [Theory]
    [InlineData("ERR unknown command", "-ERR unknown command\r\n")]
    [InlineData("-WRONGTYPE Operation", "-WRONGTYPE Operation\r\n")]
    [InlineData("ERR a\r\nb\nc", "-ERR a  b c\r\n")]
    public void Errors_KeepTheirCode_AndHaveNoLineBreaks(string message, string expected) =>
        Assert.Equal(expected, Written(w => w.WriteError(message)));

    [Fact]
    public void Errors_EchoBinaryArgumentsByteForByte()
    {
        // Text made from binary arguments is decoded as Latin-1, so every byte comes back unchanged.
        Assert.Equal("-ERR '\xff\x01'\r\n", Written(w => w.WriteError("ERR '\xff\x01'")));
    }

    [Theory]
    [InlineData(0, ":0\r\n")]
    [InlineData(63, ":63\r\n")]
    [InlineData(64, ":64\r\n")]
    [InlineData(-1, ":-1\r\n")]
    [InlineData(long.MaxValue, ":9223372036854775807\r\n")]
    [InlineData(long.MinValue, ":-9223372036854775808\r\n")]
    public void Integers(long value, string expected) => Assert.Equal(expected, Written(w => w.WriteInteger(value)));

    [Fact]
    public void BulkStrings_FromBytesTextAndNumbers()
    {
        Assert.Equal("$5\r\na\r\nb\0\r\n", Written(w => w.WriteBulkString("a\r\nb\0"u8)));
        Assert.Equal("$0\r\n\r\n", Written(w => w.WriteBulkString(ReadOnlySpan<byte>.Empty)));
        Assert.Equal("$2\r\n\xc3\xa9\r\n", Written(w => w.WriteBulkString("\u00e9")));
        Assert.Equal("$20\r\n-9223372036854775808\r\n", Written(w => w.WriteBulkString(long.MinValue)));
    }

    [Fact]
    public void Nulls_DependOnTheProtocol()
    {
        Assert.Equal("$-1\r\n", Written(w => w.WriteNull()));
        Assert.Equal("*-1\r\n", Written(w => w.WriteNullArray()));
        Assert.Equal("_\r\n", Written(w => w.WriteNull(), RespVersion.Resp3));
        Assert.Equal("_\r\n", Written(w => w.WriteNullArray(), RespVersion.Resp3));
    }

    [Fact]
    public void Aggregates_DependOnTheProtocol()
    {
        Assert.Equal("*3\r\n", Written(w => w.WriteArrayHeader(3)));
        Assert.Equal("*3\r\n", Written(w => w.WriteArrayHeader(3), RespVersion.Resp3));
        Assert.Equal("*4\r\n", Written(w => w.WriteMapHeader(2)));
        Assert.Equal("%2\r\n", Written(w => w.WriteMapHeader(2), RespVersion.Resp3));
        Assert.Equal("*2\r\n", Written(w => w.WriteSetHeader(2)));
        Assert.Equal("~2\r\n", Written(w => w.WriteSetHeader(2), RespVersion.Resp3));
        Assert.Equal("*3\r\n", Written(w => w.WritePushHeader(3)));
        Assert.Equal(">3\r\n", Written(w => w.WritePushHeader(3), RespVersion.Resp3));
    }

    [Fact]
    public void ReplyTrees_AreWrittenBack_DowngradedForResp2()
    {
        const string resp3 = "%2\r\n$5\r\nflags\r\n~2\r\n+RW\r\n+update\r\n$4\r\nlist\r\n*3\r\n:-7\r\n_\r\n$-1\r\n";
        Assert.True(RespReader.TryRead(Encoding.Latin1.GetBytes(resp3), out var tree, out _));
        Assert.Equal(resp3.Replace("$-1", "_"), Written(w => w.WriteValue(tree!), RespVersion.Resp3));
        Assert.Equal("*4\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$4\r\nlist\r\n*3\r\n:-7\r\n$-1\r\n$-1\r\n", Written(w => w.WriteValue(tree!)));
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(3.0, "3")]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1e17, "1e+17")]
    [InlineData(1e-5, "1.0000000000000001e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Doubles_AreFormattedLikePrintf17g_AsBulkInResp2_AndNativeInResp3(double value, string text)
    {
        Assert.Equal($"${text.Length}\r\n{text}\r\n", Written(w => w.WriteDouble(value)));
        Assert.Equal($",{text}\r\n", Written(w => w.WriteDouble(value), RespVersion.Resp3));
    }

    [Fact]
    public void Booleans_AreIntegersInResp2()
    {
        Assert.Equal(":1\r\n", Written(w => w.WriteBoolean(true)));
        Assert.Equal(":0\r\n", Written(w => w.WriteBoolean(false)));
        Assert.Equal("#t\r\n", Written(w => w.WriteBoolean(true), RespVersion.Resp3));
        Assert.Equal("#f\r\n", Written(w => w.WriteBoolean(false), RespVersion.Resp3));
    }

    [Fact]
    public void Verbatim_IsABulkStringInResp2()
    {
        Assert.Equal("$5\r\na\r\nbc\r\n", Written(w => w.WriteVerbatim("a\r\nbc")));
        Assert.Equal("=9\r\ntxt:a\r\nbc\r\n", Written(w => w.WriteVerbatim("a\r\nbc"), RespVersion.Resp3));
        Assert.Equal("=5\r\nmkd:x\r\n", Written(w => w.WriteVerbatim("x", "mkd"), RespVersion.Resp3));
    }

    [Fact]
    public void Deferred_InsertsTheHeaderBeforeTheElements()
    {
        Assert.Equal("+before\r\n*2\r\n:1\r\n:2\r\n", Written(w =>
        {
            w.WriteSimpleString("before");
            int mark = w.BeginDeferred();
            w.WriteInteger(1);
            w.WriteInteger(2);
            w.EndDeferredArray(mark, 2);
        }));
        Assert.Equal("*0\r\n", Written(w => w.EndDeferredArray(w.BeginDeferred(), 0)));
        Assert.Equal("*2\r\n$1\r\nf\r\n:1\r\n", Written(w => Pair(w)));
        Assert.Equal("%1\r\n$1\r\nf\r\n:1\r\n", Written(w => Pair(w), RespVersion.Resp3));
        Assert.Equal("~1\r\n:7\r\n", Written(w =>
        {
            int mark = w.BeginDeferred();
            w.WriteInteger(7);
            w.EndDeferredSet(mark, 1);
        }, RespVersion.Resp3));

        static void Pair(RespWriter w)
        {
            int mark = w.BeginDeferred();
            w.WriteBulkString("f"u8);
            w.WriteInteger(1);
            w.EndDeferredMap(mark, 1);
        }
    }

    [Fact]
    public void Buffer_GrowsPastItsInitialSize_AndResetEmptiesIt()
    {
        using var w = new RespWriter(initialSize: 16);
        var big = new byte[100_000];
        new Random(1).NextBytes(big);
        for (int i = 0; i < 3; i++) w.WriteBulkString(big);
        Assert.Equal(3 * (big.Length + "$100000\r\n".Length + 2), w.Length);
        Assert.True(w.WrittenSpan.Slice("$100000\r\n".Length, big.Length).SequenceEqual(big));
        w.Truncate(5);
        Assert.Equal(5, w.Length);
        w.Reset();
        Assert.Equal(0, w.Length);
        w.WriteOk();
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(w.WrittenSpan));
    }

    [Fact]
    public void Deferred_HeaderInsertedIntoAFullBuffer_Grows()
    {
        using var w = new RespWriter(initialSize: 16);
        int mark = w.BeginDeferred();
        for (int i = 0; i < 1000; i++) w.WriteInteger(5);
        w.EndDeferredArray(mark, 1000);
        var text = Encoding.ASCII.GetString(w.WrittenSpan);
        Assert.StartsWith("*1000\r\n:5\r\n", text);
        Assert.Equal(7 + 1000 * 4, text.Length);
    }
}
