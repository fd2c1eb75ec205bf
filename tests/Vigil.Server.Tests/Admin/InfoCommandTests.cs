using System.Text.RegularExpressions;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Admin;

public class InfoCommandTests
{
    private static List<string> Headers(string info) =>
        info.Split("\r\n").Where(l => l.StartsWith('#')).ToList();

    [Fact]
    public void Default_PrintsRedisDefaultSections_InOrder_SeparatedByBlankLines()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        string info = c.Call("INFO").Text!;
        Assert.Equal(["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"],
            Headers(info));
        Assert.Contains("\r\n\r\n# Clients\r\n", info);
        Assert.StartsWith("# Server\r\nredis_version:7.0.15\r\n", info);
        Assert.EndsWith("# Keyspace\r\n", info);
        Assert.Equal(Headers(info), Headers(c.Call("INFO", "default").Text!));
    }

    [Fact]
    public void All_AddsCommandAndLatencyStats()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        string info = c.Call("INFO", "all").Text!;
        Assert.Equal(["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Commandstats", "# Errorstats",
            "# Latencystats", "# Cluster", "# Keyspace"], Headers(info));
        Assert.Matches(@"cmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n", info);
        Assert.Matches(@"latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n", info);
        Assert.Equal(Headers(info), Headers(c.Call("INFO", "everything").Text!));
    }

    [Fact]
    public void Sections_AreSelectedByName_CaseInsensitively_InRedisOrder()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(["# Server", "# Clients"], Headers(c.Call("INFO", "CLIENTS", "server", "server").Text!));
        Assert.Equal("", c.Call("INFO", "nosuch").Text);
        Assert.Equal(["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Commandstats",
            "# Errorstats", "# Cluster", "# Keyspace"], Headers(c.Call("INFO", "default", "commandstats").Text!));
    }

    [Fact]
    public void Server_NamesTheNodeAndItsPort()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        string info = c.Call("INFO", "server").Text!;
        Assert.Contains($"tcp_port:{server.Port}\r\n", info);
        Assert.Contains($"run_id:{server.Server.RunId}\r\n", info);
        Assert.Contains($"process_id:{Environment.ProcessId}\r\n", info);
        Assert.Contains("redis_mode:standalone\r\n", info);
        Assert.Matches(@"server_time_usec:\d{16}\r\n", info);
    }

    [Fact]
    public void Keyspace_CountsKeysAndExpires_PerDatabase()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "2", "EX", "100");
        c.Call("SELECT", "3");
        c.Call("SET", "c", "3");
        string info = c.Call("INFO", "keyspace").Text!;
        Assert.Matches(@"^# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n$", info);
    }

    [Fact]
    public void Clients_CountsConnections()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        b.Call("PING");
        Assert.Contains("connected_clients:2\r\n", a.Call("INFO", "clients").Text!);
    }

    [Fact]
    public void Errorstats_CountsErrorsByCode()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        c.Call("INCR", "k");
        c.Call("NOSUCHCOMMAND");
        string info = c.Call("INFO", "errorstats").Text!;
        Assert.Equal("# Errorstats\r\nerrorstat_ERR:count=2\r\n", info);
    }

    [Fact]
    public void Memory_AccountsForStoredStrings()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        long before = Field(c.Call("INFO", "memory").Text!, "used_memory");
        c.Call("SET", "big", new string('x', 100_000));
        string after = c.Call("INFO", "memory").Text!;
        Assert.InRange(Field(after, "used_memory") - before, 100_000, 200_000);
        Assert.Matches(@"used_memory_human:\d+\.\d\d[KMG]\r\n", after);
        Assert.Contains("maxmemory_policy:noeviction\r\n", after);
        Assert.True(Field(after, "used_memory_rss") > 0);
    }

    [Fact]
    public void Stats_CountCommandsConnectionsAndHits()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        c.Call("GET", "k");
        c.Call("GET", "missing");
        string info = c.Call("INFO", "stats").Text!;
        Assert.Equal(1, Field(info, "keyspace_hits"));
        Assert.Equal(1, Field(info, "keyspace_misses"));
        Assert.True(Field(info, "total_commands_processed") >= 3);
        Assert.True(Field(info, "total_connections_received") >= 1);
    }

    [Fact]
    public void Resp3_RepliesVerbatimText()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HELLO", "3");
        var reply = c.Call("INFO", "cluster");
        Assert.Equal(Vigil.Protocol.RespType.Verbatim, reply.Type);
        Assert.EndsWith("# Cluster\r\ncluster_enabled:0\r\n", reply.Text);
    }

    [Fact]
    public void Sections_RegisteredByOtherFeatures_PrintInRedisOrder_OrAfter()
    {
        using var server = new TestServer();
        lock (server.Server.Sync)
        {
            server.Server.Info.Add("replication", sb => sb.Append("role:test\r\n"));
            server.Server.Info.Add("sentinel", sb => sb.Append("sentinel_masters:0\r\n"));
        }
        using var c = server.Connect();
        string info = c.Call("INFO", "everything").Text!;
        Assert.Equal("# Sentinel", Headers(info)[^1]);
        Assert.Contains("# Replication\r\nrole:test\r\n\r\n# CPU", info);
    }

    internal static long Field(string info, string name)
    {
        var match = Regex.Match(info, $@"(?m)^{Regex.Escape(name)}:(-?\d+)\r$");
        Assert.True(match.Success, $"no {name} in INFO");
        return long.Parse(match.Groups[1].Value);
    }
}
