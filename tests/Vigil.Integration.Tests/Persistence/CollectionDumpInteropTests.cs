using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>
/// DUMP payloads of hashes and sets move between Redis 7.0 and Vigil in both directions, in every
/// encoding. Redis checks Vigil's listpacks and intsets deeply (sanitize-dump-payload yes). RDB
/// files of them: DataFileInteropTests.
/// </summary>
public class CollectionDumpInteropTests
{
    private static string Sorted(RespValue reply) =>
        string.Join(",", reply.Items!.Chunk(2).Select(p => p[0].Text + "=" + p[1].Text).OrderBy(s => s, StringComparer.Ordinal));

    private static void AssertSameHashes(RespConnection from, RespConnection to, string[] keys)
    {
        foreach (var key in keys)
        {
            var payload = from.Call("DUMP", key).Bytes!;
            Assert.Equal("+OK", to.CallBytes("RESTORE", key, "0", payload, "REPLACE"u8.ToArray()).ToString());
            Assert.Equal(Sorted(from.Call("HGETALL", key)), Sorted(to.Call("HGETALL", key)));
            Assert.Equal(from.Call("OBJECT", "ENCODING", key).Text, to.Call("OBJECT", "ENCODING", key).Text);
        }
    }

    [Fact]
    public void Hashes_RoundTripBetweenRedisAndVigil()
    {
        using var redis = ServerProcess.StartRedis("--sanitize-dump-payload", "yes");
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        string[] numbers = ["0", "1", "-1", "127", "128", "4095", "-4096", "40000", "-40000", "8388608", "2147483648", "-9223372036854775808", "01", "1.5"];
        var small = new List<string> { "HSET", "small" };
        for (int i = 0; i < numbers.Length; i++) small.AddRange([numbers[i], "v" + numbers[i]]);
        small.AddRange(["long", new string('x', 64), "", "empty"]);
        var large = new List<string> { "HSET", "large" };
        for (int i = 0; i < 300; i++) large.AddRange(["field:" + i, i % 3 == 0 ? i.ToString() : new string('y', i)]);
        string[] keys = ["small", "large", "widevalue"];
        foreach (var conn in new[] { r, v })
        {
            conn.Call(small.ToArray());
            conn.Call(large.ToArray());
            conn.Call("HSET", "widevalue", "f", new string('z', 5000));
        }
        Assert.Equal("listpack", v.Call("OBJECT", "ENCODING", "small").Text);
        AssertSameHashes(r, v, keys);
        AssertSameHashes(v, r, keys);
    }

    private static string SortedMembers(RespValue reply) =>
        string.Join(",", reply.Items!.Select(i => i.Text).OrderBy(s => s, StringComparer.Ordinal));

    [Fact]
    public void Sets_RoundTripBetweenRedisAndVigil()
    {
        using var redis = ServerProcess.StartRedis("--sanitize-dump-payload", "yes");
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        var many = new List<string> { "SADD", "many" };
        for (int i = 0; i < 1000; i++) many.Add(i % 2 == 0 ? (i * 7919).ToString() : "member:" + i);
        string[] keys = ["small", "wide", "strings", "bigints", "many"];
        foreach (var conn in new[] { r, v })
        {
            conn.Call("SADD", "small", "1", "2", "3");
            conn.Call("SADD", "wide", "-5", "70000", "-9223372036854775808", "9223372036854775807");
            conn.Call("SADD", "strings", "a", "", "01", new string('s', 300));
            conn.Call(["SADD", "bigints", .. Enumerable.Range(0, 600).Select(i => (i * 1000).ToString())]);
            conn.Call(many.ToArray());
        }
        foreach (var (from, to) in new[] { (r, v), (v, r) })
        {
            foreach (var key in keys)
            {
                var payload = from.Call("DUMP", key).Bytes!;
                Assert.Equal("+OK", to.CallBytes("RESTORE", key, "0", payload, "REPLACE"u8.ToArray()).ToString());
                Assert.Equal(SortedMembers(from.Call("SMEMBERS", key)), SortedMembers(to.Call("SMEMBERS", key)));
                Assert.Equal(from.Call("OBJECT", "ENCODING", key).Text, to.Call("OBJECT", "ENCODING", key).Text);
            }
        }
        Assert.Equal("intset", v.Call("OBJECT", "ENCODING", "wide").Text);
    }
}
