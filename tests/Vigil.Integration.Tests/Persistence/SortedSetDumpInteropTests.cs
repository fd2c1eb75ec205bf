using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>
/// DUMP payloads of sorted sets move between Redis 7.0 and Vigil in both directions, in both
/// encodings, with every kind of score. Redis checks Vigil's listpacks deeply (sanitize-dump-payload yes).
/// </summary>
public class SortedSetDumpInteropTests
{
    private static void AssertSameSets(RespConnection from, RespConnection to, string[] keys)
    {
        foreach (var key in keys)
        {
            var payload = from.Call("DUMP", key).Bytes!;
            Assert.Equal("+OK", to.CallBytes("RESTORE", key, "0", payload, "REPLACE"u8.ToArray()).ToString());
            Assert.Equal(from.Call("ZRANGE", key, "0", "-1", "WITHSCORES").ToString(), to.Call("ZRANGE", key, "0", "-1", "WITHSCORES").ToString());
            Assert.Equal(from.Call("OBJECT", "ENCODING", key).Text, to.Call("OBJECT", "ENCODING", key).Text);
        }
    }

    [Fact]
    public void SortedSets_RoundTripBetweenRedisAndVigil()
    {
        using var redis = ServerProcess.StartRedis("--sanitize-dump-payload", "yes");
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        string[] scores = ["0", "-0", "1.5", "0.1", "1e20", "-4096", "127", "128", "40000", "8388608", "2147483648", "9007199254740993",
            "4611686018427387904", "4611686018427387905", "-inf", "inf", "1e-310", "-1.25e-7"];
        var small = new List<string> { "ZADD", "small" };
        for (int i = 0; i < scores.Length; i++) small.AddRange([scores[i], "m" + i]);
        small.AddRange(["3", "12345", "4", "", "5", new string('x', 64)]);
        var large = new List<string> { "ZADD", "large" };
        for (int i = 0; i < 300; i++) large.AddRange([(i * 0.37 - 50).ToString(System.Globalization.CultureInfo.InvariantCulture), i % 3 == 0 ? i.ToString() : new string('y', i)]);
        string[] keys = ["small", "large", "wide"];
        foreach (var conn in new[] { r, v })
        {
            conn.Call(small.ToArray());
            conn.Call(large.ToArray());
            conn.Call("ZADD", "wide", "1", new string('z', 5000), "-0", "a");
        }
        Assert.Equal("listpack", v.Call("OBJECT", "ENCODING", "small").Text);
        Assert.Equal("skiplist", v.Call("OBJECT", "ENCODING", "wide").Text);
        AssertSameSets(r, v, keys);
        AssertSameSets(v, r, keys);
    }
}
