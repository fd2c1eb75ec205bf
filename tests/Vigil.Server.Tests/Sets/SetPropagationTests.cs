using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Sets;

/// <summary>
/// What set commands propagate (as a replica of redis-server 7.0.15 receives it: SPOP as SREM,
/// several SREMs as MULTI/EXEC, the whole set as DEL), their keyspace events, and WATCH.
/// </summary>
public class SetPropagationTests
{
    [Fact]
    public void SPop_PropagatesAsSRem_MultiExecOfSRems_OrDel()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
        recorder.TakePropagated();
        var few = c.Call("SPOP", "s", "3").Items!.Select(i => i.Text).ToList();
        Assert.Equal(["MULTI", .. few.Select(m => "SREM s " + m), "EXEC"], recorder.TakePropagated());
        var most = c.Call("SPOP", "s", "6").Items!.Select(i => i.Text).ToList();
        Assert.Equal(["MULTI", .. most.Select(m => "SREM s " + m), "EXEC"], recorder.TakePropagated());
        var one = c.Call("SPOP", "s", "1").Items!.Select(i => i.Text).Single();
        Assert.Equal(["SREM s " + one], recorder.TakePropagated());
        c.Call("SADD", "t", "1", "2", "3");
        var single = c.Call("SPOP", "t").Text;
        c.Call("SPOP", "t", "5");
        c.Call("SPOP", "t", "0");
        c.Call("SPOP", "nokey", "2");
        c.Call("SRANDMEMBER", "s", "-3");
        Assert.Equal(["SADD t 1 2 3", "SREM t " + single, "DEL t"], recorder.TakePropagated());
    }

    [Fact]
    public void SPopInsideExec_JoinsTheTransactionsMultiExec()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SADD", "s", "a", "b", "c", "d", "e", "f");
        recorder.TakePropagated();
        c.Call("MULTI");
        c.Call("SPOP", "s", "2");
        c.Call("SADD", "s", "z");
        var popped = c.Call("EXEC").Items![0].Items!.Select(i => i.Text).ToList();
        Assert.Equal(["MULTI", .. popped.Select(m => "SREM s " + m), "SADD s z", "EXEC"], recorder.TakePropagated());
    }

    [Fact]
    public void OtherWrites_PropagateAsSent_OnlyWhenSomethingChanged()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SADD", "a", "1", "2");
        c.Call("SADD", "a", "1");
        c.Call("SADD", "b", "x");
        c.Call("SMOVE", "a", "b", "1");
        c.Call("SMOVE", "a", "b", "9");
        c.Call("SINTERSTORE", "d", "a", "b");
        c.Call("SUNIONSTORE", "d", "a", "b");
        c.Call("SDIFFSTORE", "e", "nokey");
        c.Call("SINTERSTORE", "e2", "nokey", "a");
        c.Call("SDIFFSTORE", "d", "a", "a");
        c.Call("SREM", "a", "9");
        c.Call("SREM", "a", "2");
        Assert.Equal(
            ["SADD a 1 2", "SADD b x", "SMOVE a b 1", "SUNIONSTORE d a b", "SDIFFSTORE d a a", "SREM a 2"],
            recorder.TakePropagated());
    }

    [Fact]
    public void Writes_FireSetEvents_AndDelWhenASetEmpties()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SADD", "s", "1", "2", "3");
        c.Call("SADD", "s", "1");
        c.Call("SREM", "s", "1");
        c.Call("SMOVE", "s", "t", "2");
        c.Call("SMOVE", "s", "t", "3");
        c.Call("SINTERSTORE", "i", "t", "t");
        c.Call("SUNIONSTORE", "u", "t");
        c.Call("SDIFFSTORE", "d", "t");
        c.Call("SDIFFSTORE", "d", "t", "t");
        c.Call("SPOP", "t");
        c.Call("SPOP", "u", "5");
        c.Call("SREM", "i", "2", "3");
        Assert.Equal(
        [
            "Set:sadd@0:s", "Set:srem@0:s", "Set:srem@0:s", "Set:sadd@0:t", "Set:srem@0:s", "Generic:del@0:s",
            "Set:sadd@0:t", "Set:sinterstore@0:i", "Set:sunionstore@0:u", "Set:sdiffstore@0:d", "Generic:del@0:d",
            "Set:spop@0:t", "Set:spop@0:u", "Generic:del@0:u", "Set:srem@0:i", "Generic:del@0:i",
        ], recorder.TakeEvents().Where(e => !e.Contains(":t") || !e.StartsWith("Generic")).ToList());
    }

    [Fact]
    public void SetWrites_InvalidateWatch_AndNoOpsDoNot()
    {
        using var server = new TestServer();
        using var a = server.Connect();
        using var b = server.Connect();
        b.Call("SADD", "s", "1", "2", "3", "4");

        void Check(string expectedExec, params string[] write)
        {
            a.Call("WATCH", "s");
            b.Call(write);
            a.Call("MULTI");
            a.Call("SCARD", "s");
            Assert.Equal(expectedExec, a.CallText("EXEC"));
        }

        Check("*nil", "SADD", "s", "5");
        Check("*[:5]", "SADD", "s", "5");
        Check("*[:5]", "SREM", "s", "9");
        Check("*nil", "SREM", "s", "5");
        Check("*[:4]", "SMOVE", "s", "t", "9");
        Check("*nil", "SMOVE", "s", "t", "1");
        Check("*nil", "SMOVE", "t", "s", "1");
        Check("*nil", "SPOP", "s", "1");
        Check("*nil", "SPOP", "s");
        Check("*nil", "SINTERSTORE", "s", "s", "s");
    }
}
