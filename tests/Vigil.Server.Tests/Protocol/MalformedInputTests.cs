using Vigil.Server.Tests.Infrastructure;

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
