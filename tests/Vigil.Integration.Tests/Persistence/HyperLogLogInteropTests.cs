using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>
/// HyperLogLogs built side by side in redis-server 7.0 and Vigil from the same elements are the same
/// strings and count the same; their DUMP payloads restore on the other side and keep counting.
/// </summary>
public class HyperLogLogInteropTests
{
    [Fact]
    public void SameElements_GiveTheSameStringsAndCounts_AndMoveBothWays()
    {
        using var redis = ServerProcess.StartRedis();
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        var random = new Random(20240601);
        for (int batch = 0; batch < 40; batch++)
        {
            // Batches grow so that "small" stays sparse a while and "large" turns dense.
            var args = new List<string> { "PFADD", batch % 4 == 0 ? "small" : "large" };
            int size = batch % 4 == 0 ? 5 : 20 + batch * 10;
            for (int i = 0; i < size; i++) args.Add("element:" + random.Next(1_000_000));
            Assert.Equal(r.Call(args.ToArray()).ToString(), v.Call(args.ToArray()).ToString());
            foreach (var key in new[] { "small", "large" })
            {
                Assert.Equal(r.Call("PFCOUNT", key).ToString(), v.Call("PFCOUNT", key).ToString());
            }
        }
        Assert.Equal("+dense", v.Call("PFDEBUG", "ENCODING", "large").ToString());
        Assert.Equal("+sparse", v.Call("PFDEBUG", "ENCODING", "small").ToString());
        foreach (var key in new[] { "small", "large" }) Assert.Equal(r.Call("GET", key).Bytes, v.Call("GET", key).Bytes);
        Assert.Equal(r.Call("PFCOUNT", "small", "large").ToString(), v.Call("PFCOUNT", "small", "large").ToString());
        r.Call("PFMERGE", "both", "small", "large");
        v.Call("PFMERGE", "both", "small", "large");
        Assert.Equal(r.Call("GET", "both").Bytes, v.Call("GET", "both").Bytes);

        foreach (var (from, to) in new[] { (r, v), (v, r) })
        {
            foreach (var key in new[] { "small", "large" })
            {
                var payload = from.Call("DUMP", key).Bytes!;
                Assert.Equal("+OK", to.CallBytes("RESTORE", key + ":copy", "0", payload).ToString());
                Assert.Equal(from.Call("PFCOUNT", key).ToString(), to.Call("PFCOUNT", key + ":copy").ToString());
                to.Call("PFADD", key + ":copy", "one more");
                from.Call("PFADD", key, "one more");
                Assert.Equal(from.Call("GET", key).Bytes, to.Call("GET", key + ":copy").Bytes);
            }
        }
    }
}
