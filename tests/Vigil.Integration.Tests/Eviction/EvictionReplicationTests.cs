using System.Text;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Integration.Tests.Replication;

namespace Vigil.Integration.Tests.Eviction;

/// <summary>
/// A Vigil master evicting under allkeys-lru, with a Vigil replica over real sockets and an AOF: each
/// eviction reaches the replica and the AOF as a DEL, and the replica, itself over its own (smaller)
/// maxmemory, evicts nothing (replica-ignore-maxmemory yes, Redis's default).
/// </summary>
public class EvictionReplicationTests
{
    private const int Keys = 12_000;
    private const int ValueSize = 1000;

    [Fact]
    public void MasterEvictions_ReachReplicaAndAofAsDel_AndTheReplicaDoesNotEvict()
    {
        using var master = new Node(false, "127.0.0.41", "--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru",
            "--appendonly", "yes", "--appendfsync", "always", "--auto-aof-rewrite-percentage", "0");
        using var replica = new Node(false, "127.0.0.42", "--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru");
        replica.ReplicaOf(master);
        Replicas.WaitUntil(() => replica.RoleOffset() > 0, $"the replica to sync\n{Replicas.Tail(master)}\n{Replicas.Tail(replica)}");

        string value = new('v', ValueSize);
        using (var c = master.Connect())
        {
            for (int i = 0; i < Keys; i += 100)
            {
                for (int j = i; j < i + 100; j++) c.Send("SET", $"k:{j}", value);
                for (int j = i; j < i + 100; j++) Assert.Equal("OK", c.Read().Text);
            }
            // Reading it all back would grow the reader's output buffer, which used_memory counts, and evict more.
            Assert.Equal("OK", c.Call("CONFIG", "SET", "maxmemory", "0").Text);
        }
        Replicas.WaitUntilCaughtUp(master, replica);

        long evicted = long.Parse(master.Info("stats")["evicted_keys"]);
        Assert.True(evicted > Keys / 2, $"the master evicted {evicted} keys");
        var present = new HashSet<string>(master.Call("KEYS", "*").Items!.Select(k => k.Text!));
        Assert.Equal(Keys - evicted, present.Count);
        // The replica applied every DEL, evicted nothing itself, and holds more than its own maxmemory.
        Replicas.AssertSameData(master, replica);
        Assert.Equal("0", replica.Info("stats")["evicted_keys"]);
        Assert.True(long.Parse(replica.Info("memory")["used_memory"]) > 2L << 20, "the replica holds the master's dataset");

        // The AOF has one DEL per eviction, of exactly the keys that are gone.
        var deleted = AofDeletes(master.Dir);
        Assert.Equal(evicted, deleted.Count);
        Assert.Equal(Enumerable.Range(0, Keys).Select(i => $"k:{i}").Where(k => !present.Contains(k)).Order(), deleted.Order());
        var beforeRestart = Replicas.Contents(replica);
        master.Restart("--maxmemory", "0");
        Replicas.WaitUntil(() => master.Info("persistence")["loading"] == "0", "the master to load its AOF");
        Assert.Equal(beforeRestart, Replicas.Contents(master));
    }

    /// <summary>The keys of the DEL commands in the AOF's incremental files (values are ASCII, so lines split cleanly).</summary>
    private static List<string> AofDeletes(string dir)
    {
        var keys = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(dir, "appendonlydir"), "*.incr.aof"))
        {
            string[] lines = File.ReadAllText(file, Encoding.Latin1).Split("\r\n");
            for (int i = 0; i + 4 < lines.Length; i++)
            {
                if (lines[i] == "*2" && lines[i + 2] == "DEL") keys.Add(lines[i + 4]);
            }
        }
        return keys;
    }
}
