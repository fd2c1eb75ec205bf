using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Admin;

/// <summary>A redis-server 7.0 and a vigil started the same way, shared by the tests of a class.</summary>
public sealed class ServerPair : IDisposable
{
    public ServerProcess Redis { get; } = ServerProcess.StartRedis();

    public ServerProcess Vigil { get; } = ServerProcess.StartVigil();

    public void Dispose()
    {
        Redis.Dispose();
        Vigil.Dispose();
    }
}

/// <summary>CONFIG, INFO and CLIENT side by side with redis-server 7.0.15.</summary>
public class AdminInteropTests(ServerPair pair) : IClassFixture<ServerPair>
{
    /// <summary>
    /// Directives whose CONFIG GET value legitimately differs between the two servers started the
    /// same way, and why. Every other directive must have the same name and value.
    /// </summary>
    private static readonly Dictionary<string, string> ValueExceptions = new()
    {
        ["port"] = "each server has its own free port",
        ["dir"] = "each server has its own directory",
        ["pidfile"] = "each server has its own pidfile",
        ["logfile"] = "each server has its own log file",
    };

    private static Dictionary<string, string> ConfigGetAll(int port)
    {
        using var c = new RespConnection(port);
        var items = c.Call("CONFIG", "GET", "*").Items!;
        var all = new Dictionary<string, string>();
        for (int i = 0; i < items.Length; i += 2) all[items[i].Text!] = items[i + 1].Text!;
        return all;
    }

    private static void AssertSameConfig(Dictionary<string, string> redis, Dictionary<string, string> vigil)
    {
        Assert.Equal(redis.Keys.Order(), vigil.Keys.Order());
        var differences = redis.Keys
            .Where(name => !ValueExceptions.ContainsKey(name) && redis[name] != vigil[name])
            .Select(name => $"{name}: redis '{redis[name]}', vigil '{vigil[name]}'")
            .ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void ConfigGetAll_SameNamesAndDefaults_AsRedis()
    {
        AssertSameConfig(ConfigGetAll(pair.Redis.Port), ConfigGetAll(pair.Vigil.Port));
    }

    [Fact]
    public void DebianRedisConf_LoadsUnchanged_WithRedisValues()
    {
        // Debian's file as shipped, started by both servers with only what must differ overridden.
        string dir = Directory.CreateTempSubdirectory("vigil-debian-").FullName;
        try
        {
            string conf = Path.Combine(dir, "redis.conf");
            File.Copy("/etc/redis/redis.conf", conf);
            using var redis = ServerProcess.StartWithConfigFile(redis: true, conf,
                "--daemonize", "no", "--pidfile", Path.Combine(dir, "redis.pid"), "--logfile", Path.Combine(dir, "redis.log"));
            using var vigil = ServerProcess.StartWithConfigFile(redis: false, conf,
                "--daemonize", "no", "--pidfile", Path.Combine(dir, "vigil.pid"), "--logfile", Path.Combine(dir, "vigil.log"));
            AssertSameConfig(ConfigGetAll(redis.Port), ConfigGetAll(vigil.Port));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ConfigRewrite_WritesTheSameFile_AsRedis()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-rewrite-").FullName;
        try
        {
            const string original = "# my node\nmaxmemory 100mb\nslave-read-only yes\nsave 900 1\nsave 300 10\n\n# events\nnotify-keyspace-events Ex\n" +
                "client-output-buffer-limit pubsub 32mb 8mb 60\ntimeout 0\n";
            string redisConf = Path.Combine(dir, "redis.conf"), vigilConf = Path.Combine(dir, "vigil.conf");
            File.WriteAllText(redisConf, original);
            File.WriteAllText(vigilConf, original);
            using var redis = ServerProcess.StartWithConfigFile(redis: true, redisConf);
            using var vigil = ServerProcess.StartWithConfigFile(redis: false, vigilConf);
            foreach (var port in new[] { redis.Port, vigil.Port })
            {
                using var c = new RespConnection(port);
                Assert.Equal("OK", c.Call("CONFIG", "SET", "maxmemory", "0", "timeout", "30", "hz", "20", "save", "60 1000",
                    "maxmemory-policy", "allkeys-lru", "client-output-buffer-limit", "normal 1mb 2mb 3", "requirepass", "p w").Text);
                Assert.Equal("OK", c.Call("CONFIG", "REWRITE").Text);
            }
            // Lines that name each server's own port and directory differ by nature.
            static string[] Comparable(string path, ServerProcess server) => File.ReadAllLines(path)
                .Select(l => l.Replace(server.Port.ToString(), "PORT").Replace(server.Dir, "DIR"))
                .ToArray();
            // Redis appends new lines in its config table's hash order, which changes from run to run.
            static (string[] Kept, string[] Appended) Split(string[] lines)
            {
                int marker = Array.IndexOf(lines, "# Generated by CONFIG REWRITE");
                return marker < 0 ? (lines, []) : (lines[..(marker + 1)], lines[(marker + 1)..].Order().ToArray());
            }
            var (redisKept, redisAppended) = Split(Comparable(redisConf, redis));
            var (vigilKept, vigilAppended) = Split(Comparable(vigilConf, vigil));
            Assert.Equal(redisKept, vigilKept);
            Assert.Equal(redisAppended, vigilAppended);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The sections Vigil writes itself (persistence and replication have their own tests).</summary>
    [Fact]
    public void InfoSections_HaveRedisFieldNamesInOrder()
    {
        foreach (var section in new[] { "server", "clients", "memory", "stats", "cpu", "modules", "cluster", "keyspace", "errorstats", "commandstats", "latencystats" })
        {
            var expected = InfoFields(pair.Redis.Port, section);
            var actual = InfoFields(pair.Vigil.Port, section);
            // Redis lists commands in its hash table's order.
            if (section is "commandstats" or "latencystats")
            {
                expected.Sort(StringComparer.Ordinal);
                actual.Sort(StringComparer.Ordinal);
            }
            Assert.True(expected.SequenceEqual(actual), $"INFO {section}: redis [{string.Join(", ", expected)}], vigil [{string.Join(", ", actual)}]");
        }
    }

    private static List<string> InfoFields(int port, string section)
    {
        using var c = new RespConnection(port);
        // The same few commands on both, so that the per-command and per-error lines match too.
        c.Call("SET", "k", "v");
        c.Call("INCR", "k");
        c.Call("GET", "k");
        string text = c.Call("INFO", section).Text!;
        return text.Split("\r\n").Where(l => l.Length > 0).Select(l => l.Split(':')[0]).ToList();
    }

    [Fact]
    public void ClientList_HasRedisFieldsInOrder()
    {
        var redis = pair.Redis;
        var vigil = pair.Vigil;
        static string Fields(int port)
        {
            using var c = new RespConnection(port);
            return string.Join(' ', c.Call("CLIENT", "LIST").Text!.TrimEnd('\n').Split(' ').Select(f => f.Split('=')[0]));
        }
        Assert.Equal(Fields(redis.Port), Fields(vigil.Port));
    }

    /// <summary>
    /// Errors and simple answers, byte for byte as Redis gives them. (LATENCY HELP differs: Vigil has
    /// no LATENCY GRAPH.)
    /// </summary>
    private static readonly string[][] SameReplies =
    [
        ["CLIENT", "KILL", "ID", "abc"], ["CLIENT", "KILL", "TYPE", "foo"], ["CLIENT", "KILL", "foo", "bar"], ["CLIENT", "KILL", "1.2.3.4:5"],
        ["CLIENT", "LIST", "ID", "abc"], ["CLIENT", "LIST", "TYPE", "foo"], ["CLIENT", "PAUSE", "-1"], ["CLIENT", "PAUSE", "10", "foo"],
        ["CLIENT", "NO-EVICT", "maybe"], ["CLIENT", "SETNAME", "a b"], ["CLIENT", "GETREDIR"], ["CLIENT", "REPLY", "maybe"],
        ["CONFIG", "SET", "maxmemory", "x"], ["CONFIG", "SET", "dir", "/tmp"], ["CONFIG", "SET", "daemonize", "yes"], ["CONFIG", "SET", "a", "b", "c"],
        ["CONFIG", "SET", "port", "99999"], ["CONFIG", "SET", "nosuch", "1"], ["CONFIG", "SET", "maxmemory-policy", "x"], ["CONFIG", "GET"],
        ["CONFIG", "GET", "MAXMEMORY"], ["CONFIG", "REWRITE"], ["CONFIG", "HELP"], ["CONFIG", "FOO"],
        ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "HELP"], ["MEMORY", "USAGE", "nokey"], ["MEMORY", "USAGE", "k", "SAMPLES", "x"], ["MEMORY", "HELP"],
        ["CLUSTER", "INFO"], ["CLUSTER", "KEYSLOT"], ["READONLY"], ["READWRITE"], ["DEBUG", "SLEEP", "0"],
        ["SWAPDB", "0", "x"], ["SWAPDB", "0", "99"], ["FLUSHALL", "LATER"], ["SHUTDOWN", "SAVE", "NOSAVE"],
        ["LATENCY", "HISTORY", "command"], ["LATENCY", "LATEST"], ["LATENCY", "DOCTOR"],
        ["COMMAND", "GETKEYS", "nosuch", "k"], ["COMMAND", "GETKEYS", "set", "k"], ["COMMAND", "GETKEYS", "ping", "x"], ["COMMAND", "HELP"],
        ["COMMAND", "LIST", "FILTERBY", "foo", "x"], ["ACL", "WHOAMI"], ["ACL", "USERS"], ["ACL", "LIST"], ["ACL", "CAT"], ["INFO", "nosuch"],
    ];

    [Fact]
    public void Replies_MatchRedis()
    {
        using var r = new RespConnection(pair.Redis.Port);
        using var v = new RespConnection(pair.Vigil.Port);
        var differences = new List<string>();
        foreach (var command in SameReplies)
        {
            string expected = r.Call(command).ToString(), actual = v.Call(command).ToString();
            if (expected != actual) differences.Add($"{string.Join(' ', command)}: redis {expected}, vigil {actual}");
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void DebugDigest_MatchesRedis_ForStrings()
    {
        using var redis = ServerProcess.StartRedis("--enable-debug-command", "yes");
        using var vigil = ServerProcess.StartVigil("--enable-debug-command", "yes");
        string Digest(int port)
        {
            using var c = new RespConnection(port);
            c.Call("DEBUG", "POPULATE", "100", "key", "10");
            c.Call("SET", "ttl", "x", "EX", "1000");
            c.Call("SELECT", "3");
            c.Call("SET", "other", "12345");
            return c.Call("DEBUG", "DIGEST").ToString() + c.Call("DEBUG", "DIGEST-VALUE", "other", "nokey");
        }
        Assert.Equal(Digest(redis.Port), Digest(vigil.Port));
    }
}
