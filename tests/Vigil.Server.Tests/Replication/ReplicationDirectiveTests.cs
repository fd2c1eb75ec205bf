using Vigil.Server.Configuration;

namespace Vigil.Server.Tests.Replication;

public class ReplicationDirectiveTests
{
    /// <summary>CONFIG GET's view of every replication directive on a fresh redis-server 7.0.15.</summary>
    [Theory]
    [InlineData("repl-diskless-sync", "yes")]
    [InlineData("repl-diskless-sync-delay", "5")]
    [InlineData("repl-diskless-sync-max-replicas", "0")]
    [InlineData("repl-diskless-load", "disabled")]
    [InlineData("repl-backlog-size", "1048576")]
    [InlineData("repl-backlog-ttl", "3600")]
    [InlineData("repl-timeout", "60")]
    [InlineData("repl-ping-replica-period", "10")]
    [InlineData("repl-ping-slave-period", "10")]
    [InlineData("repl-disable-tcp-nodelay", "no")]
    [InlineData("replica-priority", "100")]
    [InlineData("slave-priority", "100")]
    [InlineData("replica-announce-ip", "")]
    [InlineData("replica-announce-port", "0")]
    [InlineData("slave-announce-port", "0")]
    [InlineData("replica-announced", "yes")]
    [InlineData("replica-lazy-flush", "no")]
    [InlineData("replica-ignore-maxmemory", "yes")]
    [InlineData("replica-ignore-disk-write-errors", "no")]
    [InlineData("replica-read-only", "yes")]
    [InlineData("slave-read-only", "yes")]
    [InlineData("replica-serve-stale-data", "yes")]
    [InlineData("min-replicas-to-write", "0")]
    [InlineData("min-slaves-max-lag", "10")]
    [InlineData("masterauth", "")]
    [InlineData("masteruser", "")]
    [InlineData("replicaof", "")]
    [InlineData("slaveof", "")]
    public void Defaults_AreRedis70s(string name, string expected)
    {
        var directive = ConfigDirectives.Find(name);
        Assert.NotNull(directive);
        Assert.Equal(expected, directive.Get(new ServerConfig()));
        Assert.Equal(expected, directive.DefaultValue);
    }

    [Fact]
    public void ConfigFile_SetsValues_ThroughNamesAndAliases()
    {
        var c = new ServerConfig();
        ConfigLoader.Apply(c, """
            slaveof 10.0.0.1 6380
            repl-diskless-sync no
            repl-diskless-load swapdb
            repl-backlog-size 10mb
            slave-priority 7
            slave-announce-ip 10.1.1.1
            replica-announce-port 7000
            repl-ping-slave-period 2
            repl-timeout 5
            min-slaves-to-write 2
            """);
        Assert.Equal("10.0.0.1", c.ReplicaOfHost);
        Assert.Equal(6380, c.ReplicaOfPort);
        Assert.True(c.IsReplica);
        Assert.False(c.ReplDisklessSync);
        Assert.Equal("swapdb", c.ReplDisklessLoad);
        Assert.Equal(10L << 20, c.ReplBacklogSize);
        Assert.Equal(7, c.ReplicaPriority);
        Assert.Equal("10.1.1.1", c.ReplicaAnnounceIp);
        Assert.Equal(7000, c.ReplicaAnnouncePort);
        Assert.Equal(2, c.ReplPingReplicaPeriod);
        Assert.Equal(5, c.ReplTimeout);
        Assert.Equal(2, c.MinReplicasToWrite);
        Assert.Equal("10.0.0.1 6380", ConfigDirectives.Find("replicaof")!.Get(c));
    }

    [Fact]
    public void ReplicaofNoOne_ClearsTheMaster()
    {
        var c = new ServerConfig();
        ConfigLoader.Apply(c, "replicaof 127.0.0.1 6379\nreplicaof no one\n");
        Assert.False(c.IsReplica);
    }

    [Theory]
    [InlineData("replicaof 127.0.0.1 70000", "Invalid master port")]
    [InlineData("replicaof 127.0.0.1", "wrong number of arguments")]
    [InlineData("repl-diskless-load maybe", "argument(s) must be one of the following: disabled, on-empty-db, swapdb")]
    [InlineData("repl-timeout 0", "argument must be between 1 and 2147483647 inclusive")]
    [InlineData("replica-announce-port 65536", "argument must be between 0 and 65535 inclusive")]
    [InlineData("repl-backlog-size lots", "argument must be a memory value")]
    [InlineData("repl-diskless-sync maybe", "argument must be 'yes' or 'no'")]
    public void BadValues_StopStartup_WithRedisReason(string line, string reason)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Apply(new ServerConfig(), line));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void PlainStringDirectives_FromAFile_KeepTheirValue()
    {
        var c = new ServerConfig();
        ConfigLoader.Apply(c, "requirepass foo123\nmasterauth foo123\nmasteruser admin\nbind-source-addr 127.0.0.21\n");
        Assert.Equal("foo123", c.RequirePass);
        Assert.Equal("foo123", c.MasterAuth);
        Assert.Equal("admin", c.MasterUser);
        Assert.Equal("127.0.0.21", c.BindSourceAddr);
    }

    [Fact]
    public void ReplicaOutputLimit_GivenAsOneQuotedArgument_IsSplit()
    {
        var c = ConfigLoader.Load(["--client-output-buffer-limit", "replica 512kb 256kb 1", "--replicaof", "10.0.0.1 6380"]);
        Assert.Equal(new OutputBufferLimit(512 * 1024, 256 * 1024, 1), c.ClientOutputBufferLimit.Replica);
        Assert.Equal("10.0.0.1", c.ReplicaOfHost);
    }
}
