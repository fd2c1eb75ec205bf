using System.Text;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>
/// Whole data files move between redis-server 7.0 and Vigil: a dump.rdb, and a Redis 7 AOF
/// directory, written by one load in the other with every key, value, encoding and TTL equal.
/// The dataset covers every type and encoding redis-server 7.0 writes for them (strings int/embstr/raw,
/// quicklist lists, listpack and hashtable hashes, intset and hashtable sets, listpack and skiplist
/// sorted sets), binary data, TTLs on every type, and several databases.
/// </summary>
public class DataFileInteropTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>Fills a server with the test dataset, through its own commands.</summary>
    private static void Populate(RespConnection c)
    {
        var binary = new byte[] { 0, 255, 13, 10, 1, 2, 3 };
        c.Call("SELECT", "0");
        c.Call("SET", "str:raw", "hello world");
        c.Call("SET", "str:raw100", string.Concat(Enumerable.Range(0, 100).Select(i => (char)('!' + i * 7 % 90))));
        c.Call("SET", "str:int", "-12345");
        c.Call("SET", "str:bigint", "9223372036854775807");
        c.Call("SET", "str:empty", "");
        c.Call("SET", "str:long", new string('x', 20_000));
        c.CallBytes("SET", binary, binary);
        c.Call("SET", "ttl:str", "expiring", "PX", "86400123");
        c.Call("HSET", "hash:small", "a", "1", "b", "two", "c", "-3");
        var bigHash = new List<string> { "HSET", "hash:big" };
        for (int i = 0; i < 300; i++) bigHash.AddRange(["field:" + i, i % 2 == 0 ? i.ToString() : new string('v', i % 90)]);
        c.Call(bigHash.ToArray());
        c.Call("PEXPIRE", "hash:big", "50000000");
        c.Call("SADD", "set:ints", "1", "2", "3", "-100", "65536", "4294967296");
        c.Call("SADD", "set:strs", "apple", "banana", "cherry");
        var bigSet = new List<string> { "SADD", "set:big" };
        for (int i = 0; i < 700; i++) bigSet.Add(i.ToString());
        c.Call(bigSet.ToArray());
        c.Call("RPUSH", "list:small", "a", "b", "1", "-2", "");
        var bigList = new List<string> { "RPUSH", "list:big" };
        for (int i = 0; i < 2000; i++) bigList.Add(i % 3 == 0 ? i.ToString() : "item-" + new string('l', i % 70));
        c.Call(bigList.ToArray());
        c.Call("RPUSH", "list:wide", new string('w', 10_000), "x");
        c.Call("PEXPIRE", "list:small", "60000000");
        c.Call("EXPIREAT", "set:ints", "4102444800");
        c.Call("EXPIRE", "set:strs", "3000000");
        c.Call("ZADD", "zset:small", "1", "a", "2.5", "b", "-inf", "c");
        var bigZset = new List<string> { "ZADD", "zset:big" };
        for (int i = 0; i < 300; i++) bigZset.AddRange([(i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), "member:" + i]);
        c.Call(bigZset.ToArray());
        c.Call("ZADD", "zset:longmember", "3", new string('z', 100));
        c.Call("PEXPIRE", "zset:small", "7000000");
        c.Call("PEXPIRE", "zset:big", "8000000");
        c.Call("SELECT", "9");
        c.Call("SET", "other:db", "nine");
        c.Call("HSET", "other:hash", "f", "v");
        c.Call("EXPIRE", "other:hash", "77777");
        c.Call("SELECT", "15");
        c.Call("SADD", "last:db", "x");
        c.Call("SELECT", "0");
    }

    /// <summary>Waits for the end of the startup load (until then commands get -LOADING).</summary>
    private static void WaitLoaded(RespConnection c) =>
        WaitUntil(() => !(c.Call("EXISTS", "probe").Text ?? "").StartsWith("LOADING", StringComparison.Ordinal));

    /// <summary>Every key of every database: type, encoding, absolute expiry, value (collections in a canonical order).</summary>
    private static List<string> Contents(RespConnection c)
    {
        WaitLoaded(c);
        var lines = new List<string>();
        for (int db = 0; db < 16; db++)
        {
            c.Call("SELECT", db.ToString());
            var keys = c.Call("KEYS", "*").Items!.Select(k => k.Bytes!).OrderBy(Convert.ToHexString).ToList();
            foreach (var key in keys)
            {
                string type = c.CallBytes("TYPE", key).Text!;
                string encoding = c.CallBytes("OBJECT", "ENCODING", key).Text!;
                long expireAt = c.CallBytes("PEXPIRETIME", key).Integer;
                string value = type switch
                {
                    "string" => Hex(c.CallBytes("GET", key)),
                    "hash" => Sorted(c.CallBytes("HGETALL", key), 2),
                    "set" => Sorted(c.CallBytes("SMEMBERS", key), 1),
                    "list" => string.Join(",", c.CallBytes("LRANGE", key, "0", "-1").Items!.Select(Hex)),
                    "zset" => string.Join(",", c.CallBytes("ZRANGE", key, "0", "-1", "WITHSCORES").Items!.Select(Hex)),
                    _ => "?",
                };
                lines.Add($"{db} {Convert.ToHexString(key)} {type} {encoding} {expireAt} {value}");
            }
        }
        c.Call("SELECT", "0");
        return lines;
    }

    private static string Hex(RespValue v) => Convert.ToHexString(v.Bytes!);

    private static string Sorted(RespValue reply, int group) =>
        string.Join(",", reply.Items!.Chunk(group).Select(g => string.Join("=", g.Select(Hex))).Order(StringComparer.Ordinal));

    private static string NewDir() => Directory.CreateTempSubdirectory("vigil-interop-").FullName;

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    [Fact]
    public void RedisDumpRdb_LoadsInVigil_WithEveryKeyValueEncodingAndTtl()
    {
        string dir = NewDir();
        try
        {
            List<string> expected;
            using (var redis = ServerProcess.StartRedis())
            using (var r = new RespConnection(redis.Port))
            {
                Populate(r);
                Assert.Equal("+OK", r.Call("SAVE").ToString());
                expected = Contents(r);
                File.Copy(Path.Combine(redis.Dir, "dump.rdb"), Path.Combine(dir, "dump.rdb"));
            }
            var encodings = expected.Select(line => string.Join(' ', line.Split(' ')[2..4])).ToHashSet();
            Assert.Superset(new HashSet<string> { "string int", "string embstr", "string raw", "list quicklist", "hash listpack", "hash hashtable",
                "set intset", "set hashtable", "zset listpack", "zset skiplist" }, encodings);
            using var vigil = ServerProcess.StartVigil("--dir", dir);
            using var v = new RespConnection(vigil.Port);
            Assert.Equal(expected, Contents(v));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void VigilDumpRdb_LoadsInRedis_WithEveryKeyValueEncodingAndTtl()
    {
        string dir = NewDir();
        try
        {
            List<string> expected;
            using (var vigil = ServerProcess.StartVigil())
            using (var v = new RespConnection(vigil.Port))
            {
                Populate(v);
                Assert.Equal("+OK", v.Call("SAVE").ToString());
                expected = Contents(v);
                File.Copy(Path.Combine(vigil.Dir, "dump.rdb"), Path.Combine(dir, "dump.rdb"));
            }
            // Redis checks every listpack and intset deeply while loading.
            using var redis = ServerProcess.StartRedis("--dir", dir, "--sanitize-dump-payload", "yes");
            using var r = new RespConnection(redis.Port);
            Assert.Equal(expected, Contents(r));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void RedisAofDirectory_LoadsInVigil()
    {
        string dir = NewDir();
        try
        {
            List<string> expected;
            using (var redis = ServerProcess.StartRedis("--appendonly", "yes", "--appendfsync", "always"))
            using (var r = new RespConnection(redis.Port))
            {
                r.Call("SET", "before:rewrite", "in the base");
                r.Call("BGREWRITEAOF");
                WaitUntil(() => r.Call("INFO", "persistence").Text!.Contains("aof_rewrite_in_progress:0\r\n") &&
                    File.ReadAllText(Path.Combine(redis.Dir, "appendonlydir", "appendonly.aof.manifest")).Contains(".2.base.rdb"));
                Populate(r);
                r.Call("MULTI");
                r.Call("INCR", "counter");
                r.Call("DEL", "str:raw");
                r.Call("EXEC");
                expected = Contents(r);
                CopyDirectory(Path.Combine(redis.Dir, "appendonlydir"), Path.Combine(dir, "appendonlydir"));
            }
            using var vigil = ServerProcess.StartVigil("--dir", dir, "--appendonly", "yes");
            using var v = new RespConnection(vigil.Port);
            Assert.Equal(expected, Contents(v));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    public void VigilAofDirectory_LoadsInRedis(string rdbPreamble)
    {
        string dir = NewDir();
        try
        {
            List<string> expected;
            using (var vigil = ServerProcess.StartVigil("--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", rdbPreamble))
            using (var v = new RespConnection(vigil.Port))
            {
                v.Call("SET", "before:rewrite", "in the base");
                v.Call("HSET", "hash:base", "f", "v");
                v.Call("SADD", "set:base", "m");
                Assert.Equal("+Background append only file rewriting started", v.Call("BGREWRITEAOF").ToString());
                WaitUntil(() => File.ReadAllText(Path.Combine(vigil.Dir, "appendonlydir", "appendonly.aof.manifest")).Contains(".2.base."));
                Populate(v);
                expected = Contents(v);
                CopyDirectory(Path.Combine(vigil.Dir, "appendonlydir"), Path.Combine(dir, "appendonlydir"));
            }
            using var redis = ServerProcess.StartRedis("--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", rdbPreamble);
            using var r = new RespConnection(redis.Port);
            Assert.Equal(expected, Contents(r));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// A dump holding empty collections of every kind (old Redis bugs wrote such files): Redis's
    /// rdbLoadObject answers RDB_LOAD_ERR_EMPTY_KEY and the loader skips the key and logs it. Built by
    /// hand, since no server writes one.
    /// </summary>
    private static byte[] DumpWithEmptyCollections()
    {
        byte[] emptyListpack = [7, 0, 0, 0, 0, 0, 0xFF];
        var rdb = new List<byte>();
        void Key(byte type, string key) { rdb.Add(type); rdb.Add((byte)key.Length); rdb.AddRange(Encoding.ASCII.GetBytes(key)); }
        rdb.AddRange("REDIS0010"u8.ToArray());
        rdb.AddRange([0xFE, 0]);
        Key(0, "kept"); rdb.AddRange([2, (byte)'o', (byte)'k']);
        Key(1, "list"); rdb.Add(0);
        Key(2, "set"); rdb.Add(0);
        Key(4, "hash"); rdb.Add(0);
        Key(5, "zset"); rdb.Add(0);
        Key(18, "quicklist"); rdb.Add(0);
        Key(18, "quicklist:node"); rdb.AddRange([1, 2, 7, .. emptyListpack]);
        Key(16, "hash:listpack"); rdb.AddRange([7, .. emptyListpack]);
        Key(17, "zset:listpack"); rdb.AddRange([7, .. emptyListpack]);
        rdb.Add(0xFF);
        rdb.AddRange(new byte[8]); // checksum 0: not checked
        return rdb.ToArray();
    }

    [Fact]
    public void DumpWithEmptyCollections_LoadsInBoth_SkippingThem()
    {
        foreach (bool isRedis in new[] { true, false })
        {
            string dir = NewDir();
            try
            {
                File.WriteAllBytes(Path.Combine(dir, "dump.rdb"), DumpWithEmptyCollections());
                using var server = isRedis ? ServerProcess.StartRedis("--dir", dir) : ServerProcess.StartVigil("--dir", dir);
                using var c = new RespConnection(server.Port);
                WaitLoaded(c);
                Assert.Equal(1, c.Call("DBSIZE").Integer);
                Assert.Equal("ok", c.Call("GET", "kept").Text);
                WaitUntil(() => server.Output.Contains("empty keys skipped: 8."));
                Assert.Contains("rdbLoadObject skipping empty key: quicklist:node", server.Output);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            Thread.Sleep(50);
        }
    }
}
