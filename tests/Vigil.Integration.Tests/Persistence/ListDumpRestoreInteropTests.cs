using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>List DUMP payloads move between redis-server 7.0 and Vigil in both directions.</summary>
public class ListDumpRestoreInteropTests
{
    [Fact]
    public void RedisListDumps_RestoreIntoVigil_AndBack()
    {
        using var redis = ServerProcess.StartRedis();
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        string[][] lists =
        [
            ["a", "1", "-2", "hello", "300"],
            ["0", "-4096", "8388607", "-9223372036854775808", "01", "-0", new string('x', 63), new string('y', 5000)],
            // Several quicklist nodes, one element larger than a node.
            [.. Enumerable.Range(0, 1500).Select(i => i + "-" + new string('e', i % 40)), new string('z', 20000)],
        ];
        for (int i = 0; i < lists.Length; i++)
        {
            string key = "list" + i;
            r.Call(["RPUSH", key, .. lists[i]]);
            var payload = r.Call("DUMP", key).Bytes!;
            Assert.Equal("+OK", v.CallBytes("RESTORE", key, "0", payload).ToString());
            Assert.Equal(lists[i], v.Call("LRANGE", key, "0", "-1").Items!.Select(x => x.Text!));
            Assert.Equal("$quicklist", v.Call("OBJECT", "ENCODING", key).ToString());

            var back = v.Call("DUMP", key).Bytes!;
            Assert.Equal("+OK", r.CallBytes("RESTORE", "back" + i, "0", back).ToString());
            Assert.Equal(lists[i], r.Call("LRANGE", "back" + i, "0", "-1").Items!.Select(x => x.Text!));
        }
    }
}
