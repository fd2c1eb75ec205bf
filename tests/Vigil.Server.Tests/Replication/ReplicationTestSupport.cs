using System.Text;
using Vigil.Server.Configuration;
using Vigil.Server.Persistence;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Replication;

/// <summary>In-process masters and replicas, each with a directory of its own, and what tests read from them.</summary>
internal sealed class ReplicationNode : IDisposable
{
    private readonly string _dir;

    private ReplicationNode(Action<ServerConfig>? configure)
    {
        _dir = Directory.CreateTempSubdirectory("vigil-repl-").FullName;
        Server = new TestServer(c =>
        {
            c.Dir = _dir;
            c.ReplDisklessSyncDelay = 0;
            configure?.Invoke(c);
        });
    }

    public TestServer Server { get; }

    public int Port => Server.Port;

    public VigilServer Node => Server.Server;

    public static ReplicationNode Master(Action<ServerConfig>? configure = null) => new(configure);

    public static ReplicationNode ReplicaOf(ReplicationNode master, Action<ServerConfig>? configure = null) => new(c =>
    {
        c.ReplicaOfHost = "127.0.0.1";
        c.ReplicaOfPort = master.Port;
        configure?.Invoke(c);
    });

    public RawClient Connect() => Server.Connect();

    /// <summary>INFO replication as field → value.</summary>
    public Dictionary<string, string> Info()
    {
        var sb = new StringBuilder();
        lock (Node.Sync) Node.Info.Find("replication")!.Write(sb);
        var fields = new Dictionary<string, string>();
        foreach (var line in sb.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(':');
            fields[line[..colon]] = line[(colon + 1)..];
        }
        return fields;
    }

    public long Offset
    {
        get
        {
            lock (Node.Sync) return Node.Replication.MasterReplOffset;
        }
    }

    public (long Full, long PartialOk, long PartialErr) SyncStats()
    {
        lock (Node.Sync) return (Node.Stats.SyncFull, Node.Stats.SyncPartialOk, Node.Stats.SyncPartialErr);
    }

    /// <summary>Every key of every database, with its value (as a DUMP payload) and its expiry.</summary>
    public SortedDictionary<string, string> Contents()
    {
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        lock (Node.Sync)
        {
            var keyspace = Node.Keyspace;
            for (int i = 0; i < keyspace.DatabaseCount; i++)
            {
                var db = keyspace[i];
                for (int slot = 0; slot < db.SlotCount; slot++)
                {
                    var key = db.Main.KeyAt(slot);
                    if (key == null) continue;
                    string value = Convert.ToHexString(DumpPayload.Create(db.ValueAt(slot)));
                    contents[$"{i}:{Encoding.Latin1.GetString(key)}"] = $"{value} expire={db.GetExpire(key)}";
                }
            }
        }
        return contents;
    }

    /// <summary>Waits until <paramref name="replica"/> applied everything this master produced so far.</summary>
    public void WaitUntilCaughtUp(params ReplicationNode[] replicas)
    {
        foreach (var replica in replicas)
        {
            bool ok = KeyTestExtensions.WaitUntil(() =>
            {
                var info = replica.Info();
                return info["master_link_status"] == "up" && replica.Offset == Offset;
            }, 20_000);
            Assert.True(ok, $"replica on port {replica.Port} did not catch up: master offset {Offset}, replica {string.Join(", ", replica.Info())}");
        }
    }

    /// <summary>Waits until this master lists <paramref name="count"/> replicas online.</summary>
    public void WaitForOnlineReplicas(int count)
    {
        bool ok = KeyTestExtensions.WaitUntil(() =>
        {
            var info = Info();
            int online = info.Count(f => f.Key.StartsWith("slave", StringComparison.Ordinal) && f.Value.Contains("state=online"));
            return online == count;
        }, 20_000);
        Assert.True(ok, $"expected {count} online replicas: {string.Join(", ", Info())}");
    }

    public void Dispose()
    {
        Server.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
