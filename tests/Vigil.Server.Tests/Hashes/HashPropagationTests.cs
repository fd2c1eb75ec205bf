using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Hashes;

/// <summary>
/// What hash commands propagate (as a replica of redis-server 7.0.15 receives it), the keyspace
/// events they fire, and WATCH.
/// </summary>
public class HashPropagationTests
{
    [Fact]
    public void Writes_PropagateAsSent_ExceptHIncrByFloat_AndNoOpsNotAtAll()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("hset", "h", "f", "1.5");
        c.Call("hincrbyfloat", "h", "f", "1");
        c.Call("HSETNX", "h", "f", "3");
        c.Call("HSETNX", "h", "g", "3");
        c.Call("HINCRBY", "h", "g", "5");
        c.Call("HMSET", "h", "c", "1");
        c.Call("HDEL", "h", "zz");
        c.Call("HDEL", "nokey", "a");
        c.Call("HDEL", "h", "c", "zz");
        c.Call("HINCRBY", "h", "f", "1");
        c.Call("HGET", "h", "f");
        c.Call("HRANDFIELD", "h", "-5");
        Assert.Equal(
            ["hset h f 1.5", "HSET h f 2.5", "HSETNX h g 3", "HINCRBY h g 5", "HMSET h c 1", "HDEL h c zz"],
            recorder.TakePropagated());
    }

    [Fact]
    public void Writes_FireHashEvents_AndDelWhenTheHashEmpties()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1", "b", "2");
        c.Call("HSETNX", "h", "a", "1");
        c.Call("HSETNX", "h", "c", "1");
        c.Call("HMSET", "h", "d", "1");
        c.Call("HINCRBY", "h", "a", "1");
        c.Call("HINCRBYFLOAT", "h", "a", "1");
        c.Call("HINCRBY", "h", "a", "x");
        c.Call("HDEL", "h", "zz");
        c.Call("HDEL", "h", "a", "b");
        c.Call("HDEL", "h", "c", "d", "e");
        c.Call("HGET", "missing", "f");
        Assert.Equal(
        [
            "Hash:hset@0:h", "Hash:hset@0:h", "Hash:hset@0:h", "Hash:hincrby@0:h", "Hash:hincrbyfloat@0:h",
            "Hash:hdel@0:h", "Hash:hdel@0:h", "Generic:del@0:h", "KeyMiss:keymiss@0:missing",
        ], recorder.TakeEvents());
    }

    [Fact]
    public void HashWrites_InvalidateWatch_AndReadsAndNoOpsDoNot()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        b.Call("HSET", "h", "a", "1");

        void Check(string expectedExec, params string[] write)
        {
            a.Call("WATCH", "h");
            b.Call(write);
            a.Call("MULTI");
            a.Call("HGET", "h", "a");
            Assert.Equal(expectedExec, a.CallText("EXEC"));
        }

        Check("*nil", "HSET", "h", "a", "2");
        Check("*nil", "HINCRBY", "h", "a", "1");
        Check("*nil", "HINCRBYFLOAT", "h", "a", "1");
        Check("*[$4]", "HSETNX", "h", "a", "9");
        Check("*[$4]", "HDEL", "h", "zz");
        Check("*[$4]", "HGETALL", "h");
        Check("*nil", "HSETNX", "h", "b", "9");
        Check("*nil", "HDEL", "h", "b");
        Check("*nil", "HDEL", "h", "a");
        Check("*nil", "HSET", "h", "a", "5");
    }

    [Fact]
    public void Exec_PropagatesHIncrByFloatRewritten_InsideMultiExec()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("MULTI");
        c.Call("HINCRBYFLOAT", "h", "f", "0.5");
        c.Call("HSET", "h", "g", "1");
        c.Call("EXEC");
        Assert.Equal(["MULTI", "HSET h f 0.5", "HSET h g 1", "EXEC"], recorder.TakePropagated());
    }
}
