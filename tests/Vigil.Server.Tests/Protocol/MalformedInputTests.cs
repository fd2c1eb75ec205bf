using Vigil.Server.Tests.Blocking;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Protocol;

public class MalformedInputTests
{
    [Theory]
    [InlineData("*abc\r\n", "-ERR Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n+foo\r\n", "-ERR Protocol error: expected '$', got '+'")]
    [InlineData("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$9999999999999\r\n", "-ERR Protocol error: invalid bulk length")]
    [InlineData("SET k \"unterminated\r\n", "-ERR Protocol error: unbalanced quotes in request")]
    public void ProtocolError_RepliesAndCloses_ServerKeepsServing(string input, string expected)
    {
        using var server = new TestServer();
        using (var bad = server.Connect())
        {
            bad.SendRaw(input);
            Assert.Equal(expected, bad.Read().ToString());
            Assert.True(bad.IsClosedByServer());
        }
        using var good = server.Connect();
        Assert.Equal("+PONG", good.CallText("PING"));
    }

    [Fact]
    public void CommandsBeforeAProtocolError_AreExecuted()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.SendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*x\r\n");
        Assert.Equal("+OK", c.Read().ToString());
        Assert.StartsWith("-ERR Protocol error", c.Read().ToString());
        using var d = server.Connect();
        Assert.Equal("$v", d.CallText("GET", "k"));
    }

    [Fact]
    public void ProtocolError_WhileAnotherThreadSends_AllRepliesGoOutBeforeTheClose()
    {
        // The reply that unblocks BLPOP is too big for the socket buffers: its send (on another
        // thread) is still in progress when the client's next input, ending in a protocol error, arrives.
        using var server = new TestServer();
        using var blocked = server.Connect();
        using var pusher = server.Connect();
        blocked.Block(server, 1, "BLPOP", "list", "0");
        var big = new string('x', 16 * 1024 * 1024);
        Assert.Equal(":1", pusher.CallText("RPUSH", "list", big));
        Assert.True(KeyTestExtensions.WaitUntil(() => pusher.CallText("LLEN", "list") == ":0", 10_000));

        blocked.SendRaw(RawClient.Encode("SET", "k", "v").Concat("*x\r\n"u8.ToArray()).ToArray());
        var popped = blocked.Read();
        Assert.Equal(big.Length, popped.Items![1].Bytes!.Length);
        Assert.Equal("+OK", blocked.Read().ToString());
        Assert.Equal("-ERR Protocol error: invalid multibulk length", blocked.Read().ToString());
        Assert.True(blocked.IsClosedByServer());
    }

    [Fact]
    public void InlineCommands_SupportQuotesAndEscapes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.SendRaw("SET k \"a\\x41\\nb\" \r\n");
        Assert.Equal("+OK", c.Read().ToString());
        c.SendRaw("GET 'k'\n");
        Assert.Equal("$aA\\nb", c.Read().ToString());
    }

    [Fact]
    public void UnauthenticatedClient_CannotSendHugeMultibulk()
    {
        using var server = new TestServer(c => c.RequirePass = "secret");
        using var c = server.Connect();
        c.SendRaw("*100\r\n");
        Assert.Equal("-ERR Protocol error: unauthenticated multibulk length", c.Read().ToString());
    }

    [Fact]
    public void AuthFollowedByLargeValue_InOnePipeline_IsAccepted()
    {
        using var server = new TestServer(c => c.RequirePass = "secret");
        using var c = server.Connect();
        var big = new string('x', 20000);
        var bytes = RawClient.Encode("AUTH", "secret").Concat(RawClient.Encode("SET", "k", big)).ToArray();
        c.SendRaw(bytes);
        Assert.Equal("+OK", c.Read().ToString());
        Assert.Equal("+OK", c.Read().ToString());
    }

    [Fact]
    public void ThousandsOfPipelinedCommands_AllAnswered()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var all = new List<byte>();
        for (int i = 0; i < 5000; i++) all.AddRange(RawClient.Encode("SET", "k" + i, "v" + i));
        c.SendRaw(all.ToArray());
        for (int i = 0; i < 5000; i++) Assert.Equal("+OK", c.Read().ToString());
        Assert.Equal("$v4999", c.CallText("GET", "k4999"));
    }
}
