using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>DUMP payloads move between Redis 7.0 and Vigil in both directions.</summary>
public class DumpRestoreInteropTests
{
    private static readonly string[] Values = ["hello", "123", "-7", "12345678901234", new string('x', 500), "", "caf\u00e9"];

    [Fact]
    public void RedisDump_RestoresIntoVigil_AndBack()
    {
        using var redis = ServerProcess.StartRedis();
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        for (int i = 0; i < Values.Length; i++)
        {
            r.Call("SET", "k" + i, Values[i]);
            var payload = r.Call("DUMP", "k" + i).Bytes!;
            Assert.Equal("+OK", v.CallBytes("RESTORE", "k" + i, "0", payload).ToString());
            Assert.Equal(Values[i], v.Call("GET", "k" + i).Text);

            var back = v.Call("DUMP", "k" + i).Bytes!;
            Assert.Equal("+OK", r.CallBytes("RESTORE", "back" + i, "0", back).ToString());
            Assert.Equal(Values[i], r.Call("GET", "back" + i).Text);
        }
    }

    [Fact]
    public void Restore_RejectsCorruptPayloads_AsRedisDoes()
    {
        using var redis = ServerProcess.StartRedis();
        using var vigil = ServerProcess.StartVigil();
        using var r = new RespConnection(redis.Port);
        using var v = new RespConnection(vigil.Port);
        r.Call("SET", "k", "some value");
        v.Call("SET", "k", "some value");
        var payload = r.Call("DUMP", "k").Bytes!;
        var flipped = (byte[])payload.Clone();
        flipped[2] ^= 0x20;
        // Unlike an RDB file's, a payload's zero checksum does not mean "not checked".
        var zeroChecksum = (byte[])payload.Clone();
        Array.Clear(zeroChecksum, zeroChecksum.Length - 8, 8);
        foreach (var conn in new[] { r, v })
        {
            Assert.Equal("-ERR DUMP payload version or checksum are wrong", conn.CallBytes("RESTORE", "x", "0", flipped).ToString());
            Assert.Equal("-ERR DUMP payload version or checksum are wrong", conn.CallBytes("RESTORE", "x", "0", zeroChecksum).ToString());
            Assert.Equal("-BUSYKEY Target key name already exists.", conn.CallBytes("RESTORE", "k", "0", payload).ToString());
            Assert.Equal("-ERR Invalid TTL value, must be >= 0", conn.CallBytes("RESTORE", "y", "-1", payload).ToString());
            Assert.Equal("+OK", conn.CallBytes("RESTORE", "k", "0", payload, "REPLACE"u8.ToArray()).ToString());
        }
    }
}
