using System.Text;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Admin;

public class ServerCommandTests
{
    [Fact]
    public void DbSize_FlushDb_FlushAll()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "2");
        c.Call("SELECT", "1");
        c.Call("SET", "c", "3");
        Assert.Equal(":1", c.CallText("DBSIZE"));
        Assert.Equal("+OK", c.CallText("FLUSHDB"));
        Assert.Equal(":0", c.CallText("DBSIZE"));
        c.Call("SELECT", "0");
        Assert.Equal(":2", c.CallText("DBSIZE"));
        Assert.Equal("+OK", c.CallText("FLUSHALL", "ASYNC"));
        Assert.Equal(":0", c.CallText("DBSIZE"));
        Assert.Equal("+OK", c.CallText("flushall", "sync"));
        Assert.Equal("-ERR syntax error", c.CallText("FLUSHALL", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("FLUSHDB", "ASYNC", "x"));
    }

    [Fact]
    public void Flushes_ArePropagatedEvenWhenEmpty()
    {
        using var server = new TestServer();
        var propagated = new List<string>();
        lock (server.Server.Sync) server.Server.Executor.Propagate = ctx => propagated.Add(Encoding.Latin1.GetString(ctx.Arg(0)));
        using var c = server.Connect();
        c.Call("FLUSHDB");
        c.Call("FLUSHALL");
        c.Call("DBSIZE");
        lock (server.Server.Sync) Assert.Equal(["FLUSHDB", "FLUSHALL"], propagated);
    }

    [Fact]
    public void SwapDb_TradesContents()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "zero");
        Assert.Equal("+OK", c.CallText("SWAPDB", "0", "1"));
        Assert.Equal("$nil", c.CallText("GET", "k"));
        c.Call("SELECT", "1");
        Assert.Equal("$zero", c.CallText("GET", "k"));
        Assert.Equal("-ERR invalid first DB index", c.CallText("SWAPDB", "a", "0"));
        Assert.Equal("-ERR invalid second DB index", c.CallText("SWAPDB", "0", "a"));
        Assert.Equal("-ERR DB index is out of range", c.CallText("SWAPDB", "0", "99"));
    }

    [Fact]
    public void Time_IsSecondsAndMicroseconds()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var time = c.Call("TIME");
        long seconds = long.Parse(time.Items![0].Text!);
        long micros = long.Parse(time.Items[1].Text!);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.InRange(micros, 0, 999_999);
    }

    [Fact]
    public void Lolwut_EndsWithTheVersion()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.EndsWith("Redis ver. 7.0.15\n", c.Call("LOLWUT").Text);
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("LOLWUT", "VERSION", "x"));
    }

    [Fact]
    public void Shutdown_StopsTheServer_WithoutAnswering()
    {
        var server = new TestServer();
        using var c = server.Connect();
        c.SendRaw(RawClient.Encode("SHUTDOWN", "NOSAVE"));
        Assert.True(c.IsClosedByServer());
        Assert.True(server.Server.Stopped.Wait(TimeSpan.FromSeconds(10)));
        server.Dispose();
    }

    [Fact]
    public void Shutdown_AHookFailure_KeepsTheServerUp_UnlessForced()
    {
        using var server = new TestServer();
        var seen = new List<ShutdownRequest>();
        lock (server.Server.Sync)
        {
            server.Server.ShuttingDown += request =>
            {
                seen.Add(request);
                if (!request.Force) request.Refusal = "ERR Errors trying to SHUTDOWN. Check logs.";
            };
        }
        using var c = server.Connect();
        Assert.Equal("-ERR Errors trying to SHUTDOWN. Check logs.", c.CallText("SHUTDOWN", "SAVE"));
        Assert.Equal("+PONG", c.CallText("PING"));
        Assert.True(seen[0].Save);
        c.SendRaw(RawClient.Encode("SHUTDOWN", "SAVE", "FORCE", "NOW"));
        Assert.True(c.IsClosedByServer());
        Assert.True(seen[1].Force && seen[1].Now);
    }

    [Theory]
    [InlineData("SAVE", "NOSAVE")]
    [InlineData("ABORT", "NOW")]
    [InlineData("LATER")]
    public void Shutdown_BadFlags_AreASyntaxError(params string[] flags)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR syntax error", c.CallText(["SHUTDOWN", .. flags]));
    }

    [Fact]
    public void ShutdownAbort_WithNoShutdownUnderway_SaysSo_AndTheServerStays()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR No shutdown in progress.", c.CallText("SHUTDOWN", "ABORT"));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void Shutdown_InsideMulti_IsRefused()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        Assert.Equal("-ERR Command not allowed inside a transaction", c.CallText("SHUTDOWN"));
    }

    [Fact]
    public void Cluster_AnswersThatClusterSupportIsDisabled()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        const string disabled = "-ERR This instance has cluster support disabled";
        Assert.Equal(disabled, c.CallText("CLUSTER", "NODES"));
        Assert.Equal(disabled, c.CallText("CLUSTER", "INFO"));
        Assert.Equal(disabled, c.CallText("CLUSTER", "HELP"));
        Assert.Equal(disabled, c.CallText("READONLY"));
        Assert.Equal(disabled, c.CallText("READWRITE"));
        Assert.Equal("-ERR wrong number of arguments for 'cluster|keyslot' command", c.CallText("CLUSTER", "KEYSLOT"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try CLUSTER HELP.", c.CallText("CLUSTER", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'cluster' command", c.CallText("CLUSTER"));
    }

    [Fact]
    public void Acl_DescribesTheDefaultUser()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("$default", c.CallText("ACL", "WHOAMI"));
        Assert.Equal("*[$default]", c.CallText("ACL", "USERS"));
        Assert.Equal("*[$user default on nopass ~* &* +@all]", c.CallText("ACL", "LIST"));
        Assert.Contains("$keyspace", c.CallText("ACL", "CAT"));
        Assert.Contains("$config|get", c.CallText("ACL", "CAT", "admin"));
        Assert.Equal("-ERR Unknown category 'foo'", c.CallText("ACL", "CAT", "foo"));
        Assert.Equal(64, c.Call("ACL", "GENPASS").Text!.Length);
        Assert.Equal(2, c.Call("ACL", "GENPASS", "5").Text!.Length);
    }

    [Fact]
    public void Acl_List_HashesRequirepass()
    {
        using var server = new TestServer(c => c.RequirePass = "foo123");
        using var c = server.Connect();
        c.Call("AUTH", "foo123");
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("foo123"u8)).ToLowerInvariant();
        Assert.Equal($"*[$user default on #{hash} ~* &* +@all]", c.CallText("ACL", "LIST"));
    }
}
