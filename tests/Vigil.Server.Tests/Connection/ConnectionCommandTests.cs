using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Connection;

public class ConnectionCommandTests
{
    [Fact]
    public void Ping_ReturnsPong_AndEchoesMessage()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+PONG", c.CallText("PING"));
        Assert.Equal("$hello", c.CallText("ping", "hello"));
        Assert.Equal("-ERR wrong number of arguments for 'ping' command", c.CallText("PING", "a", "b"));
    }

    [Fact]
    public void UnknownCommand_ListsItsFirstArguments_WithTrailingSpace()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.SendRaw(RawClient.Encode("SENTINEL", "master", "mymaster"));
        const string expected = "-ERR unknown command 'SENTINEL', with args beginning with: 'master' 'mymaster' \r\n";
        Assert.Equal(expected, c.ReadRaw(expected.Length));
    }

    [Fact]
    public void RequirePass_RefusesCommandsUntilAuth()
    {
        using var server = new TestServer(c => c.RequirePass = "foo123");
        using var c = server.Connect();
        Assert.Equal("-NOAUTH Authentication required.", c.CallText("SET", "k", "v"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", c.CallText("AUTH", "nope"));
        Assert.Equal("+OK", c.CallText("AUTH", "foo123"));
        Assert.Equal("+OK", c.CallText("SET", "k", "v"));
    }

    [Fact]
    public void Hello_BeforeAuth_IsRefusedWithRedis70Text_AndAuthOptionLogsIn()
    {
        using var server = new TestServer(c => c.RequirePass = "pw");
        using var c = server.Connect();
        const string refused = "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> " +
            "option can be used to authenticate the client and select the RESP protocol version at the same time";
        Assert.Equal(refused, c.CallText("HELLO", "3"));
        Assert.Equal(refused, c.CallText("HELLO", "3", "SETNAME", "x"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", c.CallText("HELLO", "3", "AUTH", "default", "no"));
        Assert.Equal(Vigil.Protocol.RespType.Map, c.Call("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "named").Type);
        Assert.Equal("$named", c.CallText("CLIENT", "GETNAME"));
    }

    [Fact]
    public void Select_SeparatesDatabases()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "zero");
        Assert.Equal("+OK", c.CallText("SELECT", "1"));
        Assert.Equal("$nil", c.CallText("GET", "k"));
        Assert.Equal("-ERR DB index is out of range", c.CallText("SELECT", "16"));
    }

    [Fact]
    public void Hello3_SwitchesToResp3()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var hello = c.Call("HELLO", "3");
        Assert.Equal(Vigil.Protocol.RespType.Map, hello.Type);
        Assert.Equal("_nil", c.CallText("GET", "missing"));
        Assert.Equal("-NOPROTO unsupported protocol version", c.CallText("HELLO", "4"));
    }

    [Fact]
    public void StackExchangeRedis_SetsAndGets()
    {
        using var server = new TestServer();
        var db = server.Db();
        db.StringSet("dj:1:name", "fofo");
        Assert.Equal("fofo", (string?)db.StringGet("dj:1:name"));
    }
}
