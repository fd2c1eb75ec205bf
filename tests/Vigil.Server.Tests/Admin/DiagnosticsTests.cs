using System.Text.RegularExpressions;
using Vigil.Protocol;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Admin;

/// <summary>DEBUG, MONITOR, SLOWLOG, LATENCY, MEMORY and COMMAND.</summary>
public class DiagnosticsTests
{
    private static TestServer WithDebug() => new(c => c.EnableDebugCommand = "yes");

    [Fact]
    public void Debug_IsRefusedUnlessEnabled()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
            c.CallText("DEBUG", "SLEEP", "0"));
        using var local = new TestServer(c => c.EnableDebugCommand = "local");
        using var lc = local.Connect();
        Assert.Equal("+OK", lc.CallText("DEBUG", "SLEEP", "0"));
    }

    [Fact]
    public void Debug_UnknownOrIllSizedSubcommand_AnswersAsRedis()
    {
        using var server = WithDebug();
        using var c = server.Connect();
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.", c.CallText("DEBUG", "foo"));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.", c.CallText("DEBUG", "sleep"));
        Assert.Equal("-ERR wrong number of arguments for 'debug' command", c.CallText("DEBUG"));
        Assert.Equal("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", c.Call("DEBUG", "HELP").Items![0].Text);
    }

    [Fact]
    public void Debug_ChangeReplId_StartsANewHistory()
    {
        using var server = WithDebug();
        using var c = server.Connect();
        string Field(string name) => c.Call("INFO", "replication").Text!.Split("\r\n").Single(l => l.StartsWith(name + ":"))[(name.Length + 1)..];
        string before = Field("master_replid");
        Assert.Equal("+OK", c.CallText("DEBUG", "CHANGE-REPL-ID"));
        Assert.Matches("^[0-9a-f]{40}$", Field("master_replid"));
        Assert.NotEqual(before, Field("master_replid"));
        Assert.Equal(new string('0', 40), Field("master_replid2"));
        Assert.Equal("-1", Field("second_repl_offset"));
    }

    [Fact]
    public void Debug_Populate_CreatesKeysOnce()
    {
        using var server = WithDebug();
        using var c = server.Connect();
        c.Call("SET", "key:1", "mine");
        Assert.Equal("+OK", c.CallText("DEBUG", "POPULATE", "3"));
        Assert.Equal(":3", c.CallText("DBSIZE"));
        Assert.Equal("$value:0", c.CallText("GET", "key:0"));
        Assert.Equal("$mine", c.CallText("GET", "key:1"));
        c.Call("DEBUG", "POPULATE", "2", "pfx", "3");
        Assert.Equal("$val", c.CallText("GET", "pfx:1"));
        c.Call("DEBUG", "POPULATE", "1", "pad", "10");
        Assert.Equal("value:0\0\0\0", c.Call("GET", "pad:0").Text);
        Assert.Equal("-ERR value is out of range, must be positive", c.CallText("DEBUG", "POPULATE", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive", c.CallText("DEBUG", "POPULATE", "abc"));
    }

    [Fact]
    public void Debug_Object_DescribesTheValue()
    {
        using var server = WithDebug();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Matches(@"^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:2 lru:\d+ lru_seconds_idle:\d+$", c.CallText("DEBUG", "OBJECT", "k"));
        Assert.Equal("-ERR no such key", c.CallText("DEBUG", "OBJECT", "nokey"));
    }

    [Fact]
    public void Debug_Digest_MatchesRedisForStrings()
    {
        using var server = WithDebug();
        using var c = server.Connect();
        Assert.Equal("+0000000000000000000000000000000000000000", c.CallText("DEBUG", "DIGEST"));
        c.Call("SET", "k", "v");
        // Values from redis-server 7.0.15 for the same dataset.
        Assert.Equal("+264ccf65edec66bccfa7cc659414ccca432057d2", c.CallText("DEBUG", "DIGEST"));
        Assert.Equal("*[+d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f, +0000000000000000000000000000000000000000]", c.CallText("DEBUG", "DIGEST-VALUE", "k", "nokey"));
    }

    [Theory]
    [InlineData("string", "$11\r\nHello World\r\n", "$11\r\nHello World\r\n")]
    [InlineData("integer", ":12345\r\n", ":12345\r\n")]
    [InlineData("double", "$5\r\n3.141\r\n", ",3.141\r\n")]
    [InlineData("bignum", "$37\r\n1234567999999999999999999999999999999\r\n", "(1234567999999999999999999999999999999\r\n")]
    [InlineData("null", "$-1\r\n", "_\r\n")]
    [InlineData("array", "*3\r\n:0\r\n:1\r\n:2\r\n", "*3\r\n:0\r\n:1\r\n:2\r\n")]
    [InlineData("set", "*3\r\n:0\r\n:1\r\n:2\r\n", "~3\r\n:0\r\n:1\r\n:2\r\n")]
    [InlineData("map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n")]
    [InlineData("attrib", "$39\r\nSome real reply following the attribute\r\n", "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n")]
    [InlineData("push", "-ERR RESP2 is not supported by this command\r\n", ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n")]
    [InlineData("verbatim", "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n")]
    [InlineData("true", ":1\r\n", "#t\r\n")]
    [InlineData("false", ":0\r\n", "#f\r\n")]
    public void Debug_Protocol_RepliesAsRedisInBothProtocols(string type, string resp2, string resp3)
    {
        using var server = WithDebug();
        using var c = server.Connect();
        c.SendRaw(RawClient.Encode("DEBUG", "PROTOCOL", type));
        Assert.Equal(resp2, c.ReadRaw(resp2.Length));
        c.Call("HELLO", "3");
        c.SendRaw(RawClient.Encode("DEBUG", "PROTOCOL", type));
        Assert.Equal(resp3, c.ReadRaw(resp3.Length));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void Debug_ErrorLogAndSwitches()
    {
        using var server = WithDebug();
        using var c = server.Connect();
        Assert.Equal("-MYERR something", c.CallText("DEBUG", "ERROR", "MYERR something"));
        Assert.Equal("+OK", c.CallText("DEBUG", "LOG", "hello"));
        Assert.Equal("+OK", c.CallText("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        Assert.False(server.Server.ActiveExpireEnabled);
        c.Call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        Assert.True(server.Server.ActiveExpireEnabled);
        Assert.Equal("+OK", c.CallText("DEBUG", "PAUSE-CRON", "1"));
        Assert.True(server.Server.CronPaused);
        c.Call("DEBUG", "PAUSE-CRON", "0");
        Assert.Equal("-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            c.CallText("DEBUG", "PROTOCOL", "foo"));
    }

    [Fact]
    public void Monitor_StreamsCommandsInRedisFormat()
    {
        using var server = new TestServer();
        using var monitor = server.Connect();
        using var c = server.Connect();
        long monitorId = monitor.Call("CLIENT", "ID").Integer;
        Assert.Equal("+OK", monitor.CallText("MONITOR"));
        // The database shown is the client's after the command, as in Redis: SELECT already shows 2.
        c.Call("SELECT", "2");
        c.Call("SET", "k", "a b\n\u0001");
        c.Call("CONFIG", "GET", "port");
        c.Call("AUTH", "x");
        string addr = Regex.Match(c.Call("CLIENT", "INFO").Text!, @"addr=(\S+)").Groups[1].Value;
        Assert.Matches($@"^\d+\.\d{{6}} \[2 {Regex.Escape(addr)}\] ""SELECT"" ""2""$", monitor.Read().Text);
        Assert.Equal($@"[2 {addr}] ""SET"" ""k"" ""a b\n\x01""", monitor.Read().Text![18..]);
        // CONFIG (admin) is not shown; AUTH is, with its password hidden.
        Assert.EndsWith(@"""AUTH"" ""(redacted)""", monitor.Read().Text);
        Assert.EndsWith(@"""CLIENT"" ""INFO""", monitor.Read().Text);
        Assert.Equal("*[$monitor-check]", Check(monitor));
        Assert.Matches("flags=O ", c.Call("CLIENT", "LIST", "ID", monitorId.ToString()).Text!);
    }

    private static string Check(RawClient monitor)
    {
        monitor.SendRaw(RawClient.Encode("ECHO", "monitor-check"));
        var echo = monitor.Read();
        return $"*[{echo}]";
    }

    [Fact]
    public void Monitor_InsideTransaction_IsRefused()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MULTI");
        c.Call("MONITOR");
        Assert.Equal("*[-ERR MONITOR isn't allowed for DENY BLOCKING client]", c.CallText("EXEC"));
    }

    [Fact]
    public void SlowLog_RecordsSlowCommands()
    {
        using var server = new TestServer(c => c.SlowlogLogSlowerThan = 0);
        using var c = server.Connect();
        c.Call("CLIENT", "SETNAME", "slowpoke");
        c.Call("SET", "a", "b");
        var entries = c.Call("SLOWLOG", "GET", "1");
        Assert.Single(entries.Items!);
        var entry = entries.Items![0].Items!;
        Assert.Equal("*[$SET, $a, $b]", entry[3].ToString());
        Assert.Equal("$slowpoke", entry[5].ToString());
        Assert.True(c.Call("SLOWLOG", "LEN").Integer >= 2);
        Assert.Equal("+OK", c.CallText("SLOWLOG", "RESET"));
        Assert.True(c.Call("SLOWLOG", "LEN").Integer <= 1);
        Assert.Equal("-ERR count should be greater than or equal to -1", c.CallText("SLOWLOG", "GET", "-2"));
        Assert.Equal("-ERR count should be greater than or equal to -1", c.CallText("SLOWLOG", "GET", "abc"));
    }

    [Fact]
    public void Latency_ReportsSpikesAndHistograms()
    {
        using var server = new TestServer(c =>
        {
            c.LatencyMonitorThreshold = 1;
            c.EnableDebugCommand = "yes";
        });
        using var c = server.Connect();
        Assert.Equal("*[]", c.CallText("LATENCY", "LATEST"));
        c.Call("DEBUG", "SLEEP", "0.01");
        var latest = c.Call("LATENCY", "LATEST").Items!;
        Assert.Equal("$command", latest[0].Items![0].ToString());
        Assert.True(latest[0].Items![2].Integer >= 10);
        // At a 1 ms threshold a loaded machine may record later commands too, in another second.
        Assert.NotEmpty(c.Call("LATENCY", "HISTORY", "command").Items!);
        Assert.Contains("latency spikes", c.Call("LATENCY", "DOCTOR").Text);
        Assert.Equal(":1", c.CallText("LATENCY", "RESET"));
        c.Call("SET", "a", "b");
        var histogram = c.Call("LATENCY", "HISTOGRAM", "set");
        Assert.Equal("$set", histogram.Items![0].ToString());
        Assert.StartsWith("*[$calls, :1, $histogram_usec, *[:", histogram.Items[1].ToString());
        Assert.Equal("*[]", c.CallText("LATENCY", "HISTOGRAM", "nosuch"));
    }

    [Fact]
    public void Memory_UsageMatchesRedisForStrings()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        // MEMORY USAGE of redis-server 7.0.15 (jemalloc) for the same keys and values.
        (string Key, int Length, long Redis)[] cases =
            [("k1", 1, 64), ("k10", 10, 64), ("k20", 20, 80), ("k44", 44, 96), ("k45", 45, 112), ("k100", 100, 160), ("k1000", 1000, 1072), ("k10000", 10000, 10288)];
        foreach (var (key, length, redis) in cases)
        {
            c.Call("SET", key, new string('a', length));
            Assert.Equal(redis, c.Call("MEMORY", "USAGE", key).Integer);
        }
        c.Call("SET", "kint", "12345");
        Assert.Equal(48, c.Call("MEMORY", "USAGE", "kint").Integer);
        Assert.Equal("$nil", c.CallText("MEMORY", "USAGE", "nokey"));
        Assert.Equal(":64", c.CallText("MEMORY", "USAGE", "k1", "SAMPLES", "0"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("MEMORY", "USAGE", "k1", "SAMPLES", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("MEMORY", "USAGE", "k1", "foo"));
    }

    [Fact]
    public void Memory_StatsDoctorMallocStatsPurge()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        var stats = c.Call("MEMORY", "STATS").Items!;
        var names = stats.Where((_, i) => i % 2 == 0).Select(v => v.Text).ToList();
        Assert.Equal(["peak.allocated", "total.allocated", "startup.allocated", "replication.backlog", "clients.slaves", "clients.normal",
            "cluster.links", "aof.buffer", "lua.caches", "functions.caches", "db.0", "overhead.total", "keys.count", "keys.bytes-per-key",
            "dataset.bytes", "dataset.percentage", "peak.percentage", "allocator.allocated", "allocator.active", "allocator.resident",
            "allocator-fragmentation.ratio", "allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes",
            "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes"], names);
        Assert.StartsWith("Hi Sam", c.Call("MEMORY", "DOCTOR").Text);
        Assert.NotEmpty(c.Call("MEMORY", "MALLOC-STATS").Text!);
        Assert.Equal("+OK", c.CallText("MEMORY", "PURGE"));
    }

    [Fact]
    public void Command_DescribesTheTable()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        long count = c.Call("COMMAND", "COUNT").Integer;
        Assert.Equal(count, c.Call("COMMAND").Items!.Length);
        Assert.Equal("*[*[$get, :2, *[+readonly, +fast], :1, :1, :1, *[+@read, +@string, +@fast], *[], *[*[$flags, *[+RO, +access], $begin_search, *[$type, $index, $spec, *[$index, :1]], $find_keys, *[$type, $range, $spec, *[$lastkey, :0, $keystep, :1, $limit, :0]]]], *[]], *nil]",
            c.CallText("COMMAND", "INFO", "get", "nosuch"));
        var config = c.Call("COMMAND", "INFO", "config").Items![0].Items!;
        Assert.Equal("*[+@slow]", config[6].ToString());
        Assert.Contains(config[9].Items!, sub => sub.Items![0].Text == "config|get" && sub.Items[6].ToString() == "*[+@admin, +@slow, +@dangerous]");
    }

    [Fact]
    public void Command_GetKeysAndList()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("*[$a, $b]", c.CallText("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"));
        Assert.Equal("*[*[$k, *[+RO, +access]]]", c.CallText("COMMAND", "GETKEYSANDFLAGS", "get", "k"));
        Assert.Equal("*[$k]", c.CallText("COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"));
        Assert.Equal("-ERR Invalid command specified", c.CallText("COMMAND", "GETKEYS", "nosuch", "k"));
        Assert.Equal("-ERR Invalid number of arguments specified for command", c.CallText("COMMAND", "GETKEYS", "set", "a"));
        Assert.Equal("-ERR The command has no key arguments", c.CallText("COMMAND", "GETKEYS", "ping", "x"));
        Assert.Equal("*[$config, $config|get, $config|help, $config|resetstat, $config|rewrite, $config|set]",
            c.CallText("COMMAND", "LIST", "FILTERBY", "PATTERN", "config*"));
        Assert.Contains("$client|kill", c.CallText("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"));
        Assert.Equal("*[]", c.CallText("COMMAND", "LIST", "FILTERBY", "MODULE", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("COMMAND", "LIST", "FILTERBY", "foo", "x"));
        var docs = c.Call("COMMAND", "DOCS", "config");
        Assert.Equal("$config", docs.Items![0].ToString());
    }

    [Fact]
    public void StackExchangeRedis_ReadsInfoConfigAndClients()
    {
        using var server = new TestServer();
        var admin = server.Multiplexer.GetServer(server.Multiplexer.GetEndPoints()[0]);
        var info = admin.Info("server");
        Assert.Contains(info.SelectMany(g => g), kv => kv.Key == "redis_version" && kv.Value == "7.0.15");
        Assert.Equal("0", admin.ConfigGet("timeout").Single().Value);
        admin.ConfigSet("maxmemory-policy", "allkeys-lru");
        Assert.Equal("allkeys-lru", admin.ConfigGet("maxmemory-policy").Single().Value);
        Assert.True(admin.DatabaseSize() >= 0);
        Assert.NotEqual(default, admin.Time());
    }
}
