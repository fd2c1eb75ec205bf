using System.Net.Sockets;
using System.Text;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Replication;

/// <summary>
/// A data node of a replication test: vigil or redis-server on a loopback address of its own (the
/// outgoing links leave from it too, as on separate boxes), in a directory that survives restarts.
/// </summary>
public sealed class Node : IDisposable
{
    private readonly string[] _directives;
    private RespConnection? _connection;

    public Node(bool redis, string host, params string[] directives)
    {
        IsRedis = redis;
        Host = host;
        Port = FreePort.Next();
        Dir = Directory.CreateTempSubdirectory("vigil-repl-it-").FullName;
        _directives = ["--repl-diskless-sync-delay", "0", .. directives];
        Process = ServerProcess.StartAt(redis, host, Port, Dir, _directives);
    }

    public bool IsRedis { get; }

    public string Host { get; }

    public int Port { get; }

    public string Dir { get; }

    public ServerProcess Process { get; private set; }

    public string Name => $"{(IsRedis ? "redis" : "vigil")}@{Host}:{Port}";

    /// <summary>Runs a command on a connection kept for the test (reopened after a restart or an error).</summary>
    public RespValue Call(params string[] args)
    {
        try
        {
            _connection ??= new RespConnection(Port, Host);
            return _connection.Call(args);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            _connection?.Dispose();
            _connection = null;
            throw;
        }
    }

    public RespConnection Connect() => new(Port, Host);

    public void ReplicaOf(Node master) => Assert.Equal("OK", Call("REPLICAOF", master.Host, master.Port.ToString()).Text);

    /// <summary>ROLE's offset: master_repl_offset on a master, the applied offset on a replica (-1 while not connected).</summary>
    public long RoleOffset()
    {
        var role = Call("ROLE").Items!;
        return role[0].Text == "master" ? role[1].Integer : role[3].Text == "connected" ? role[4].Integer : -1;
    }

    /// <summary>INFO &lt;section&gt; as field → value.</summary>
    public Dictionary<string, string> Info(string section)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in (Call("INFO", section).Text ?? "").Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && !line.StartsWith('#')) fields[line[..colon]] = line[(colon + 1)..];
        }
        return fields;
    }

    /// <summary>INFO stats' sync_full and sync_partial_ok: how this master served its replicas.</summary>
    public (long Full, long PartialOk) SyncCounts()
    {
        var stats = Info("stats");
        return (long.Parse(stats["sync_full"]), long.Parse(stats["sync_partial_ok"]));
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        _connection?.Dispose();
        _connection = null;
        Process.Kill();
    }

    /// <summary>Starts again on the same address, port and directory, with extra directives.</summary>
    public void Restart(params string[] directives)
    {
        Kill();
        Process.Dispose();
        Process = ServerProcess.StartAt(IsRedis, Host, Port, Dir, [.. _directives, .. directives]);
    }

    public void Dispose()
    {
        _connection?.Dispose();
        Process.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What replication tests share: waiting for replicas to catch up, and comparing datasets key by key.</summary>
public static class Replicas
{
    public const int Databases = 4;

    /// <summary>Polls until <paramref name="condition"/> holds, or fails after <paramref name="seconds"/>.</summary>
    public static void WaitUntil(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (condition()) return;
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"timed out waiting for {what}");
    }

    /// <summary>The end of a node's log, for failure messages.</summary>
    public static string Tail(Node node, int chars = 3000)
    {
        string output = node.Process.Output;
        return $"--- {node.Name}:\n{output[^Math.Min(chars, output.Length)..]}";
    }

    /// <summary>Waits until every replica is connected and has applied all the master produced.</summary>
    public static void WaitUntilCaughtUp(Node master, params Node[] replicas)
    {
        foreach (var replica in replicas)
        {
            WaitUntil(() => replica.RoleOffset() == master.RoleOffset(),
                $"{replica.Name} to catch up with {master.Name}\n{Tail(master)}\n{Tail(replica)}");
        }
    }

    /// <summary>Every key of the first databases: its type, value and absolute expiry, in a canonical text.</summary>
    public static SortedDictionary<string, string> Contents(Node node)
    {
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var c = node.Connect();
        for (int db = 0; db < Databases; db++)
        {
            c.Call("SELECT", db.ToString());
            foreach (var keyValue in c.Call("KEYS", "*").Items!)
            {
                string key = keyValue.Text!;
                string type = c.Call("TYPE", key).Text!;
                string value = type switch
                {
                    "string" => c.Call("GET", key).Text ?? "(nil)",
                    "hash" => Sorted(c.Call("HGETALL", key).Items!.Chunk(2).Select(p => $"{p[0].Text}={p[1].Text}")),
                    "set" => Sorted(c.Call("SMEMBERS", key).Items!.Select(m => m.Text!)),
                    "list" => string.Join(",", c.Call("LRANGE", key, "0", "-1").Items!.Select(m => m.Text)),
                    "zset" => string.Join(",", c.Call("ZRANGE", key, "0", "-1", "WITHSCORES").Items!.Select(m => m.Text)),
                    "none" => "",
                    _ => "unknown type " + type,
                };
                if (type == "none") continue;
                contents[$"{db}:{key}"] = $"{type} {value} expire={c.Call("PEXPIRETIME", key).Integer}";
            }
        }
        return contents;
    }

    private static string Sorted(IEnumerable<string> items) => string.Join(",", items.OrderBy(s => s, StringComparer.Ordinal));

    /// <summary>Asserts both nodes hold the same keys with the same values and expiry times.</summary>
    public static void AssertSameData(Node expected, Node actual)
    {
        var want = Contents(expected);
        var got = Contents(actual);
        if (want.SequenceEqual(got)) return;
        var report = new StringBuilder($"{actual.Name} differs from {expected.Name} ({got.Count} keys vs {want.Count}):\n");
        foreach (var key in want.Keys.Union(got.Keys).Order(StringComparer.Ordinal))
        {
            want.TryGetValue(key, out var w);
            got.TryGetValue(key, out var g);
            if (w != g) report.Append($"  {key}: expected {w ?? "(missing)"}, got {g ?? "(missing)"}\n");
            if (report.Length > 4000) break;
        }
        Assert.Fail($"{report}{Tail(expected, 8000)}\n{Tail(actual, 8000)}");
    }
}

/// <summary>
/// Writes to a master from a thread of its own while replicas attach, resync and fail: random
/// commands over every type (strings, hashes, sets, lists, sorted sets) and a few databases,
/// with relative and absolute expiry, short-lived keys and transactions. Bounded in count and time.
/// </summary>
public sealed class ConcurrentWriter : IDisposable
{
    private readonly Node _master;
    private readonly Thread _thread;
    private readonly int _maxCommands;
    private readonly bool _collections;
    private volatile bool _stop;
    private readonly Random _random;

    public ConcurrentWriter(Node master, int seed, int maxCommands = 200_000, bool collections = true)
    {
        _master = master;
        _maxCommands = maxCommands;
        _collections = collections;
        _random = new Random(seed);
        _thread = new Thread(Run) { IsBackground = true, Name = "replication-test-writer" };
        _thread.Start();
    }

    /// <summary>Commands the master answered (errors such as WRONGTYPE included).</summary>
    public int Written { get; private set; }

    /// <summary>The first failure to talk to the master, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Waits until at least <paramref name="count"/> commands went through.</summary>
    public void WaitForWrites(int count) => Replicas.WaitUntil(() => Written >= count || Failure != null || !_thread.IsAlive, $"{count} writes");

    public void Stop()
    {
        _stop = true;
        if (!_thread.Join(TimeSpan.FromSeconds(30))) throw new TimeoutException("writer did not stop");
        // Short-lived keys expire within 550 ms of their last write, each with a DEL in the stream. SCAN deletes the
        // expired ones it meets; once a pass over every database meets none with a time to live, the master writes
        // nothing more on its own.
        if (!_master.Process.HasExited) Replicas.WaitUntil(() => !HasShortLivedKeys(), "the short-lived keys to expire");
    }

    private bool HasShortLivedKeys()
    {
        using var c = _master.Connect();
        for (int db = 0; db < Replicas.Databases; db++)
        {
            c.Call("SELECT", db.ToString());
            string cursor = "0";
            do
            {
                var reply = c.Call("SCAN", cursor, "MATCH", "short:*", "COUNT", "1000").Items!;
                foreach (var key in reply[1].Items!)
                {
                    // SADD may have made one without a time to live: it stays, and never expires.
                    if (c.Call("PTTL", key.Text!).Integer >= 0) return true;
                }
                cursor = reply[0].Text!;
            }
            while (cursor != "0");
        }
        return false;
    }

    private void Run()
    {
        try
        {
            using var c = _master.Connect();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!_stop && Written < _maxCommands && DateTime.UtcNow < deadline)
            {
                // Pipelined batches: fast enough to keep the stream busy during a transfer; now and
                // then a transaction, which replicas must apply (and pass on) as a whole.
                var batch = new List<object[]>();
                bool transaction = _random.Next(30) == 0;
                if (transaction) batch.Add(["MULTI"]);
                for (int i = _random.Next(1, 20); i > 0; i--) batch.Add(NextCommand());
                if (transaction) batch.Add(["EXEC"]);
                foreach (var command in batch) c.Send(command);
                foreach (var _ in batch) c.Read();
                Written += batch.Count;
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Failure = e;
        }
    }

    private object[] NextCommand()
    {
        string key = "key:" + _random.Next(300);
        string member = "m" + _random.Next(20);
        string number = _random.Next(-1000, 1000).ToString();
        int kinds = _collections ? 30 : 12;
        return _random.Next(kinds) switch
        {
            0 => ["SELECT", _random.Next(Replicas.Databases).ToString()],
            1 or 2 => ["SET", key, "v" + _random.Next(1_000_000)],
            3 => ["INCRBY", "counter:" + _random.Next(20), number],
            4 => ["APPEND", "text:" + _random.Next(20), "abc"],
            5 => ["DEL", key],
            6 => ["SET", "ttl:" + _random.Next(50), "v", "EX", (1000 + _random.Next(1000)).ToString()],
            7 => ["SET", "short:" + _random.Next(50), "v", "PX", (50 + _random.Next(500)).ToString()],
            8 => ["EXPIRE", key, (1000 + _random.Next(1000)).ToString()],
            9 => ["PERSIST", key],
            10 => ["INCRBYFLOAT", "float:" + _random.Next(10), "0.5"],
            11 => ["MSET", key, "a", "mset:" + _random.Next(50), "b"],
            12 or 13 => ["HSET", "hash:" + _random.Next(40), member, number],
            14 => ["HDEL", "hash:" + _random.Next(40), member],
            15 => ["HINCRBY", "hash:" + _random.Next(40), "count", "1"],
            16 or 17 => ["SADD", "set:" + _random.Next(40), member],
            18 => ["SREM", "set:" + _random.Next(40), member],
            19 => ["SADD", "short:" + _random.Next(50), member],
            20 => ["PEXPIRE", "short:" + _random.Next(50), (50 + _random.Next(500)).ToString()],
            21 => ["EXPIRE", "hash:" + _random.Next(40), (1000 + _random.Next(1000)).ToString()],
            22 or 23 => ["RPUSH", "list:" + _random.Next(40), member, number],
            24 => ["LPOP", "list:" + _random.Next(40)],
            25 => ["LTRIM", "list:" + _random.Next(40), "0", "50"],
            26 or 27 => ["ZADD", "zset:" + _random.Next(40), number, member],
            28 => ["ZINCRBY", "zset:" + _random.Next(40), "1.5", member],
            _ => ["ZREM", "zset:" + _random.Next(40), member],
        };
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(30));
    }
}
