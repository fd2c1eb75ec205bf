using Vigil.Server.Configuration;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Admin;

public class ConfigCommandTests
{
    [Fact]
    public void Get_ExactName_EchoesTheNameAsTyped()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("*[$MAXMEMORY, $0]", c.CallText("CONFIG", "GET", "MAXMEMORY"));
        Assert.Equal("*[$maxmemory, $0]", c.CallText("CONFIG", "GET", "maxmemory", "MAXMEMORY"));
        Assert.Equal("*[$slave-read-only, $yes]", c.CallText("CONFIG", "GET", "slave-read-only"));
        Assert.Equal("*[]", c.CallText("CONFIG", "GET", "no-such-directive"));
    }

    [Fact]
    public void Get_Glob_MatchesNamesAndAliases_CaseInsensitively_WithoutHiddenOnes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var names = Names(c.Call("CONFIG", "GET", "*READ-ONLY*"));
        Assert.Equal(["replica-read-only", "slave-read-only"], names.Order());
        var all = Names(c.Call("CONFIG", "GET", "*"));
        Assert.DoesNotContain("use-exit-on-panic", all);
        Assert.Equal("*[$use-exit-on-panic, $no]", c.CallText("CONFIG", "GET", "use-exit-on-panic"));
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Get_SeveralPatterns_ListsEachMatchOnce()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var names = Names(c.Call("CONFIG", "GET", "maxmemory", "maxmemory*", "port"));
        Assert.Equal(["maxmemory", "maxmemory-clients", "maxmemory-eviction-tenacity", "maxmemory-policy", "maxmemory-samples", "port"], names.Order());
        Assert.Equal("-ERR wrong number of arguments for 'config|get' command", c.CallText("CONFIG", "GET"));
    }

    [Fact]
    public void Get_InResp3_IsAMap()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HELLO", "3");
        Assert.Equal("%[$timeout, $0]", c.CallText("CONFIG", "GET", "timeout"));
    }

    [Fact]
    public void Set_SeveralValues_AppliesThemAll()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "maxmemory", "1gb", "maxmemory-policy", "ALLKEYS-LRU", "timeout", "30"));
        Assert.Equal("*[$maxmemory, $1073741824]", c.CallText("CONFIG", "GET", "maxmemory"));
        Assert.Equal("*[$maxmemory-policy, $allkeys-lru]", c.CallText("CONFIG", "GET", "maxmemory-policy"));
        Assert.Equal(30, server.Server.Config.Timeout);
    }

    [Fact]
    public void Set_FailingValue_LeavesEveryValueAsItWas()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
            c.CallText("CONFIG", "SET", "maxmemory", "100mb", "hz", "abc"));
        Assert.Equal("*[$maxmemory, $0]", c.CallText("CONFIG", "GET", "maxmemory"));
    }

    [Theory]
    [InlineData("-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'", "nosuch", "1", "daemonize", "no")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'Daemonize') - can't set immutable config", "Daemonize", "yes")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config", "dir", "/tmp")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter", "maxmemory", "1", "MAXMEMORY", "2")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value", "maxmemory", "-1")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive", "port", "99999")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'", "slave-read-only", "maybe")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction", "maxmemory-policy", "foo")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", "notify-keyspace-events", "Z")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100", "maxmemory-clients", "200%")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration.", "client-output-buffer-limit", "normal 1")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments", "oom-score-adj-values", "0 200")]
    [InlineData("-ERR CONFIG SET failed (possibly related to argument 'activedefrag') - Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution", "activedefrag", "yes")]
    [InlineData("-ERR syntax error", "maxmemory", "1", "hz")]
    public void Set_RefusesAsRedis(string expected, params string[] pairs)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(["CONFIG", "SET", .. pairs]));
    }

    [Fact]
    public void Set_AliasAndName_AreNotDuplicates()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "slave-read-only", "yes", "replica-read-only", "no"));
        Assert.Equal("*[$replica-read-only, $no]", c.CallText("CONFIG", "GET", "replica-read-only"));
    }

    [Fact]
    public void Set_NormalisesValues_AsConfigGetShowsThem()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "notify-keyspace-events", "KEA", "hz", "1000", "maxmemory-clients", "10%",
            "client-output-buffer-limit", "normal 1mb 2mb 3", "latency-tracking-info-percentiles", "50 99.5");
        Assert.Equal("*[$notify-keyspace-events, $AKE]", c.CallText("CONFIG", "GET", "notify-keyspace-events"));
        Assert.Equal("*[$hz, $500]", c.CallText("CONFIG", "GET", "hz"));
        Assert.Equal("*[$maxmemory-clients, $10%]", c.CallText("CONFIG", "GET", "maxmemory-clients"));
        Assert.Equal("*[$client-output-buffer-limit, $normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60]",
            c.CallText("CONFIG", "GET", "client-output-buffer-limit"));
        Assert.Equal("*[$latency-tracking-info-percentiles, $50 99.5]", c.CallText("CONFIG", "GET", "latency-tracking-info-percentiles"));
    }

    [Fact]
    public void Set_Port_MovesTheListener()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        int port = FreeLoopbackPort();
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "port", port.ToString()));
        using var moved = new RawClient("127.0.0.1", port);
        Assert.Equal("+PONG", moved.CallText("PING"));
        // The connection made before the move stays up.
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void Set_PortInUse_FailsAndKeepsListening()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        int taken = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
            c.CallText("CONFIG", "SET", "port", taken.ToString()));
        Assert.Equal($"*[$port, ${server.Server.Config.Port}]", c.CallText("CONFIG", "GET", "port"));
        using var again = server.Connect();
        Assert.Equal("+PONG", again.CallText("PING"));
    }

    [Fact]
    public void Set_RequirePass_KeepsCurrentClientsAndRedactsTheValue()
    {
        using var server = new TestServer(c => c.SlowlogLogSlowerThan = 0);
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "requirepass", "s3cret"));
        Assert.Equal("+PONG", c.CallText("PING"));
        using var fresh = server.Connect();
        Assert.Equal("-NOAUTH Authentication required.", fresh.CallText("PING"));
        Assert.DoesNotContain("s3cret", c.CallText("SLOWLOG", "GET", "-1"));
        Assert.Contains("(redacted)", c.CallText("SLOWLOG", "GET", "-1"));
    }

    [Fact]
    public void Set_LogLevel_ChangesTheLog()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "loglevel", "debug");
        Assert.Equal(LogLevel.Debug, server.Server.Log.MinimumLevel);
    }

    [Fact]
    public void Set_MaxmemoryPolicy_SwitchesKeyStampsToLfu()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.StartsWith("-ERR An LFU maxmemory policy is not selected", c.CallText("OBJECT", "FREQ", "k"));
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        Assert.Equal(RespInteger, c.Call("OBJECT", "FREQ", "k").Type);
    }

    private const Vigil.Protocol.RespType RespInteger = Vigil.Protocol.RespType.Integer;

    [Fact]
    public void ResetStat_ClearsCountersAndCommandStats()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        c.Call("GET", "nosuch");
        c.Call("INCR", "k");
        Assert.Equal("+OK", c.CallText("CONFIG", "RESETSTAT"));
        string info = c.Call("INFO", "stats", "commandstats", "errorstats").Text!;
        Assert.Contains("keyspace_misses:0\r\n", info);
        Assert.Contains("total_error_replies:0\r\n", info);
        Assert.DoesNotContain("cmdstat_set", info);
        Assert.DoesNotContain("errorstat_ERR", info);
    }

    [Fact]
    public void Rewrite_WithoutConfigFile_Fails()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR The server is running without a config file", c.CallText("CONFIG", "REWRITE"));
    }

    [Fact]
    public void Help_ListsTheSubcommands()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var help = c.Call("CONFIG", "HELP");
        Assert.Equal("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.Items![0].Text);
        Assert.Equal(11, help.Items.Length);
        Assert.Equal("-ERR unknown subcommand 'FOO'. Try CONFIG HELP.", c.CallText("CONFIG", "FOO"));
    }

    [Fact]
    public void EveryDirective_DefaultIsWhatConfigGetShows()
    {
        var config = new ServerConfig();
        foreach (var directive in ConfigDirectives.All)
        {
            if (directive.Name == "dir") continue;
            Assert.True(directive.DefaultValue == directive.Get(config), $"{directive.Name}: default {directive.DefaultValue}, CONFIG GET {directive.Get(config)}");
        }
    }

    [Fact]
    public void EveryMutableDirective_AcceptsItsOwnValueBack()
    {
        // CONFIG SET restores values this way when a later one fails.
        var config = new ServerConfig();
        foreach (var directive in ConfigDirectives.All.Where(d => d.Mutable))
        {
            string value = directive.Get(config);
            string[] args = directive.MultiArg ? value.Length == 0 ? [] : value.Split(' ') : [value];
            Assert.True(directive.Set(config, args) == null, $"{directive.Name} refused its own value '{value}'");
            Assert.Equal(value, directive.Get(config));
        }
    }

    private static List<string> Names(Vigil.Protocol.RespValue reply)
    {
        var names = new List<string>();
        for (int i = 0; i < reply.Items!.Length; i += 2) names.Add(reply.Items[i].Text!);
        return names;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
