using System.Text;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Replication;

/// <summary>The master's side of the protocol, byte for byte, as a replica sees it (a raw client plays the replica).</summary>
public class ReplicationProtocolTests
{
    /// <summary>Reads one line (without CR LF) from a raw client.</summary>
    private static string ReadLine(RawClient c)
    {
        var sb = new StringBuilder();
        while (true)
        {
            string ch = c.ReadRaw(1);
            if (ch == "\n") return sb.ToString().TrimEnd('\r');
            sb.Append(ch);
        }
    }

    private static string ReadLineSkippingKeepalives(RawClient c)
    {
        while (true)
        {
            string line = ReadLine(c);
            if (line.Length > 0) return line;
        }
    }

    private static void Handshake(RawClient c, bool eof = true)
    {
        Assert.Equal("+PONG", c.CallText("PING"));
        Assert.Equal("+OK", c.CallText("REPLCONF", "listening-port", "7777"));
        Assert.Equal("+OK", eof ? c.CallText("REPLCONF", "capa", "eof", "capa", "psync2") : c.CallText("REPLCONF", "capa", "psync2"));
    }

    [Fact]
    public void FullResync_SendsRdbBetweenEofMarks_ThenTheStreamWithSelect()
    {
        using var master = ReplicationNode.Master();
        using (var w = master.Connect()) w.Call("SET", "before", "1");
        using var c = master.Connect();
        Handshake(c);
        c.SendRaw(RawClient.Encode("PSYNC", "?", "-1"));
        string fullResync = ReadLineSkippingKeepalives(c);
        Assert.Matches("^\\+FULLRESYNC [0-9a-f]{40} 0$", fullResync);
        string preamble = ReadLine(c);
        Assert.Matches("^\\$EOF:[0-9a-f]{40}$", preamble);
        string mark = preamble[5..];

        // The RDB follows, up to the same mark; it loads into an empty keyspace.
        var rdb = new StringBuilder();
        while (!rdb.ToString().EndsWith(mark, StringComparison.Ordinal)) rdb.Append(c.ReadRaw(1));
        var bytes = Encoding.Latin1.GetBytes(rdb.ToString()[..^mark.Length]);
        var loaded = new Keyspace(16) { IsReplica = true };
        var result = RdbFile.Load(new MemoryStream(bytes), loaded, keepExpired: true, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(1, result.Keys);
        Assert.Equal(fullResync.Split(' ')[1], result.Replication!.ReplId);

        // Nothing follows until the first ACK; then the writes made meanwhile, preceded by SELECT.
        using (var w = master.Connect()) w.Call("SET", "after", "2");
        c.SendRaw(RawClient.Encode("REPLCONF", "ACK", "0"));
        const string expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n2\r\n";
        Assert.Equal(expected, c.ReadRaw(expected.Length));
        Assert.Equal(expected.Length.ToString(), master.Info()["master_repl_offset"]);
    }

    [Fact]
    public void FullResync_WithoutCapaEof_SendsTheDumpFileWithItsLength()
    {
        using var master = ReplicationNode.Master();
        using (var w = master.Connect()) w.Call("SET", "k", "v");
        using var c = master.Connect();
        Handshake(c, eof: false);
        c.SendRaw(RawClient.Encode("PSYNC", "?", "-1"));
        Assert.StartsWith("+FULLRESYNC ", ReadLineSkippingKeepalives(c));
        string preamble = ReadLineSkippingKeepalives(c);
        Assert.StartsWith("$", preamble);
        int length = int.Parse(preamble[1..]);
        var bytes = Encoding.Latin1.GetBytes(c.ReadRaw(length));
        Assert.Equal("REDIS", Encoding.ASCII.GetString(bytes, 0, 5));
        Assert.True(File.Exists(Path.Combine(master.Node.Config.Dir, "dump.rdb")));
        master.WaitForOnlineReplicas(1);
    }

    [Fact]
    public void Sync_OfOldReplicas_SendsTheRdbWithoutAFullResyncLine()
    {
        using var master = ReplicationNode.Master();
        using (var w = master.Connect()) w.Call("SET", "k", "v");
        using var c = master.Connect();
        c.SendRaw(RawClient.Encode("SYNC"));
        string preamble = ReadLineSkippingKeepalives(c);
        Assert.Matches("^\\$\\d+$", preamble);
        Assert.Equal("REDIS", c.ReadRaw(int.Parse(preamble[1..]))[..5]);
    }

    [Fact]
    public void Psync_WithinTheBacklog_Continues_WithTheMissingBytes()
    {
        using var master = ReplicationNode.Master();
        string replId;
        long offset;
        using (var first = master.Connect())
        {
            Handshake(first);
            first.SendRaw(RawClient.Encode("PSYNC", "?", "-1"));
            var parts = ReadLineSkippingKeepalives(first).Split(' ');
            replId = parts[1];
            offset = long.Parse(parts[2]);
        }
        Assert.True(KeyTestExtensions.WaitUntil(() => master.Info()["connected_slaves"] == "0", 10_000));
        using (var w = master.Connect()) w.Call("SET", "missed", "x");
        var before = master.SyncStats();

        using var c = master.Connect();
        Handshake(c);
        c.SendRaw(RawClient.Encode("PSYNC", replId, (offset + 1).ToString()));
        Assert.Equal($"+CONTINUE {replId}", ReadLine(c));
        const string missed = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$6\r\nmissed\r\n$1\r\nx\r\n";
        Assert.Equal(missed, c.ReadRaw(missed.Length));
        var after = master.SyncStats();
        Assert.Equal(before.PartialOk + 1, after.PartialOk);
        Assert.Equal(before.Full, after.Full);
    }

    [Fact]
    public void Psync_WithAnUnknownIdOrOffset_FallsBackToAFullResync_AndCountsTheError()
    {
        using var master = ReplicationNode.Master();
        string replId;
        using (var first = master.Connect())
        {
            Handshake(first);
            first.SendRaw(RawClient.Encode("PSYNC", "?", "-1"));
            replId = ReadLineSkippingKeepalives(first).Split(' ')[1];
        }
        foreach (var (id, offset) in new[] { ("0123456789012345678901234567890123456789", "1"), (replId, "999999") })
        {
            var before = master.SyncStats();
            using var c = master.Connect();
            Handshake(c);
            c.SendRaw(RawClient.Encode("PSYNC", id, offset));
            Assert.StartsWith("+FULLRESYNC ", ReadLineSkippingKeepalives(c));
            var after = master.SyncStats();
            Assert.Equal(before.Full + 1, after.Full);
            Assert.Equal(before.PartialErr + 1, after.PartialErr);
        }
    }

    [Fact]
    public void Psync_FromAReplicaWhoseLinkIsDown_IsRefused()
    {
        using var master = ReplicationNode.Master();
        using var replica = ReplicationNode.ReplicaOf(master, c => c.ReplicaOfPort = FreePortOf());
        using var c = replica.Connect();
        Assert.Equal("-NOMASTERLINK Can't SYNC while not connected with my master", c.CallText("PSYNC", "?", "-1"));
    }

    /// <summary>A port nothing listens on.</summary>
    private static int FreePortOf()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Theory]
    [InlineData(new[] { "REPLCONF", "listening-port" }, "-ERR syntax error")]
    [InlineData(new[] { "REPLCONF", "foo", "bar" }, "-ERR Unrecognized REPLCONF option: foo")]
    [InlineData(new[] { "REPLCONF", "listening-port", "abc" }, "-ERR value is not an integer or out of range")]
    [InlineData(new[] { "REPLCONF", "rdb-only", "2" }, "-ERR value is out of range, value must between 0 and 1")]
    [InlineData(new[] { "REPLCONF", "ip-address", "1.2.3.4", "capa", "eof", "capa", "unknown" }, "+OK")]
    [InlineData(new[] { "REPLCONF" }, "+OK")]
    [InlineData(new[] { "REPLICAOF", "localhost", "70000" }, "-ERR Invalid master port")]
    [InlineData(new[] { "REPLICAOF", "localhost", "abc" }, "-ERR Invalid master port")]
    [InlineData(new[] { "SLAVEOF", "a" }, "-ERR wrong number of arguments for 'slaveof' command")]
    [InlineData(new[] { "PSYNC" }, "-ERR wrong number of arguments for 'psync' command")]
    [InlineData(new[] { "REPLICAOF", "NO", "ONE" }, "+OK")]
    [InlineData(new[] { "ROLE" }, "*[$master, :0, *[]]")]
    public void Commands_AnswerAsRedis(string[] command, string expected)
    {
        using var master = ReplicationNode.Master();
        using var c = master.Connect();
        Assert.Equal(expected, c.CallText(command));
    }

    [Fact]
    public void AckFromAClientThatIsNotAReplica_GetsNoReply()
    {
        using var master = ReplicationNode.Master();
        using var c = master.Connect();
        c.SendRaw(RawClient.Encode("REPLCONF", "ACK", "10"));
        c.SendRaw(RawClient.Encode("REPLCONF", "GETACK", "*"));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void SyncCommands_InsideMulti_AreRefused_ReplicaofIsQueued()
    {
        using var master = ReplicationNode.Master();
        using var c = master.Connect();
        c.Call("MULTI");
        Assert.Equal("-ERR Command not allowed inside a transaction", c.CallText("PSYNC", "?", "-1"));
        Assert.Equal("-ERR Command not allowed inside a transaction", c.CallText("SYNC"));
        Assert.Equal("+QUEUED", c.CallText("REPLICAOF", "NO", "ONE"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", c.CallText("EXEC"));
    }

    [Fact]
    public void ReplicaofInsideMulti_AsSentinelSendsIt_TurnsTheMasterIntoAReplica()
    {
        using var master = ReplicationNode.Master();
        using var other = ReplicationNode.Master();
        using (var w = master.Connect()) w.Call("SET", "k", "v");
        using var c = other.Connect();
        c.Call("MULTI");
        Assert.Equal("+QUEUED", c.CallText("SLAVEOF", "127.0.0.1", master.Port.ToString()));
        Assert.Equal("*[+OK]", c.CallText("EXEC"));
        master.WaitUntilCaughtUp(other);
        Assert.Equal(master.Contents(), other.Contents());
        Assert.Equal("+OK Already connected to specified master", c.CallText("REPLICAOF", "127.0.0.1", master.Port.ToString()));
    }
}
