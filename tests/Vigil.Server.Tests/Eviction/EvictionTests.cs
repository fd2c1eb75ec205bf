using System.Text;
using Vigil.Server.Eviction;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using static Vigil.Server.Tests.Eviction.MemoryAccountingTests;
using static Vigil.Server.Tests.Persistence.PersistenceTestSupport;

namespace Vigil.Server.Tests.Eviction;

/// <summary>maxmemory and every maxmemory-policy, with small limits, in process (replies checked against redis-server 7.0.15).</summary>
public class EvictionTests
{
    private const string OomError = "-OOM command not allowed when used memory > 'maxmemory'.";

    private static readonly string Value = new('v', 1000);

    /// <summary>Sets maxmemory to what is used now plus <paramref name="headroom"/> bytes.</summary>
    private static long LimitAbove(RawClient c, long headroom)
    {
        long limit = Info(c, "memory", "used_memory") + headroom;
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "maxmemory", limit.ToString()));
        return limit;
    }

    private static void Fill(RawClient c, string prefix, int count, bool withTtl = false)
    {
        for (int i = 0; i < count; i++)
        {
            var reply = withTtl ? c.Call("SET", prefix + i, Value, "EX", (1000 + i).ToString()) : c.Call("SET", prefix + i, Value);
            Assert.Equal("OK", reply.Text);
        }
    }

    private static int Surviving(RawClient c, string prefix, int count)
    {
        int n = 0;
        for (int i = 0; i < count; i++) n += (int)c.Call("EXISTS", prefix + i).Integer;
        return n;
    }

    [Theory]
    [InlineData("allkeys-lru")]
    [InlineData("allkeys-lfu")]
    [InlineData("allkeys-random")]
    [InlineData("volatile-lru")]
    [InlineData("volatile-lfu")]
    [InlineData("volatile-random")]
    [InlineData("volatile-ttl")]
    public void EveryPolicy_KeepsUsedMemoryUnderTheLimit(string policy)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "maxmemory-policy", policy));
        bool volatileOnly = policy.StartsWith("volatile", StringComparison.Ordinal);
        Fill(c, "keep:", 20);
        long limit = LimitAbove(c, 200_000);
        Fill(c, "k:", 1000, withTtl: volatileOnly);
        Assert.InRange(Info(c, "memory", "used_memory"), limit - 20_000, limit + 2_000);
        Assert.True(Info(c, "stats", "evicted_keys") > 700);
        // Keys without a TTL are never the victims of a volatile policy.
        if (volatileOnly) Assert.Equal(20, Surviving(c, "keep:", 20));
    }

    [Theory]
    [InlineData("volatile-lru")]
    [InlineData("volatile-lfu")]
    [InlineData("volatile-random")]
    [InlineData("volatile-ttl")]
    public void VolatilePolicy_WithNoKeyWithATtl_RefusesWrites(string policy)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "maxmemory-policy", policy);
        LimitAbove(c, 50_000);
        string? error = null;
        for (int i = 0; i < 100 && error == null; i++)
        {
            var reply = c.Call("SET", "k" + i, Value);
            if (reply.IsError) error = reply.ToString();
        }
        Assert.Equal(OomError, error);
        Assert.Equal(0, Info(c, "stats", "evicted_keys"));
    }

    [Fact]
    public void NoEviction_RefusesGrowingCommands_ReadsAndDeletesWork()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("noeviction", c.Call("CONFIG", "GET", "maxmemory-policy").Items![1].Text);
        // k0 is big, so that deleting it frees far more than client buffers move between calls.
        c.Call("SET", "k0", new string('b', 100_000));
        c.Call("SET", "r", Value);
        LimitAbove(c, -1);
        Assert.Equal(OomError, c.CallText("SET", "k1", Value));
        Assert.Equal(OomError, c.CallText("RPUSH", "l", "x"));
        Assert.Equal(OomError, c.CallText("SETNX", "k0", "x"));
        Assert.Equal(Value, c.Call("GET", "r").Text);
        Assert.Equal(":1", c.CallText("EXISTS", "k0"));
        Assert.Equal(":1", c.CallText("EXPIRE", "k0", "100"));
        Assert.Equal("+PONG", c.CallText("PING"));
        Assert.Equal(":1", c.CallText("DEL", "k0"));
        Assert.Equal("+OK", c.CallText("SET", "k1", "small"));
        Assert.Equal(0, Info(c, "stats", "evicted_keys"));
        Assert.Contains("errorstat_OOM:count=3", c.Call("INFO", "errorstats").Text);
    }

    [Fact]
    public void OutOfMemory_InsideMulti_RefusesQueueing_AndExecAborts()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var admin = server.Connect();
        c.Call("SET", "k0", Value);
        Assert.Equal("+OK", c.CallText("MULTI"));
        Assert.Equal("+QUEUED", c.CallText("SET", "k1", "v"));
        // Over the limit now: the EXEC of a transaction holding a denyoom command is refused.
        LimitAbove(admin, -1);
        Assert.Equal("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.", c.CallText("EXEC"));
        Assert.Equal("+OK", c.CallText("MULTI"));
        // Queueing anything takes memory: even a read is refused, and dooms the transaction.
        Assert.Equal(OomError, c.CallText("GET", "k0"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", c.CallText("EXEC"));
        // A transaction of reads and deletes queued before the limit still runs.
        Assert.Equal("+OK", admin.CallText("CONFIG", "SET", "maxmemory", "0"));
        c.Call("MULTI");
        c.Call("GET", "k0");
        c.Call("DEL", "k0");
        LimitAbove(admin, -1);
        Assert.Equal(2, c.Call("EXEC").Items!.Length);
    }

    [Fact]
    public void AllKeysLru_EvictsTheLeastRecentlyUsed()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        Fill(c, "cold:", 300);
        Fill(c, "hot:", 100);
        // The cold keys were last used a minute ago.
        Age(server, "cold:", 300, stamp => stamp - 60);
        LimitAbove(c, 0);
        Fill(c, "new:", 150);
        Assert.Equal(100, Surviving(c, "hot:", 100));
        Assert.True(Surviving(c, "cold:", 300) <= 160);
        string survivor = Enumerable.Range(0, 300).Select(i => "cold:" + i).First(k => c.Call("EXISTS", k).Integer == 1);
        Assert.InRange(c.Call("OBJECT", "IDLETIME", survivor).Integer, 59, 61);
        Assert.StartsWith("-ERR An LFU maxmemory policy is not selected", c.CallText("OBJECT", "FREQ", "hot:0"));
    }

    [Fact]
    public void AllKeysLfu_EvictsTheLeastFrequentlyUsed()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        Fill(c, "rare:", 300);
        Fill(c, "hot:", 100);
        // The hot keys' counters say they were read often (the low 8 bits of an LFU stamp).
        Age(server, "hot:", 100, stamp => (stamp & ~255u) | 100);
        Assert.Equal(100, c.Call("OBJECT", "FREQ", "hot:0").Integer);
        Assert.Equal(KeyAccess.LfuInitialCounter, c.Call("OBJECT", "FREQ", "rare:0").Integer);
        Assert.StartsWith("-ERR An LFU maxmemory policy is selected", c.CallText("OBJECT", "IDLETIME", "hot:0"));
        LimitAbove(c, 0);
        Fill(c, "new:", 150);
        Assert.Equal(100, Surviving(c, "hot:", 100));
    }

    [Fact]
    public void VolatileTtl_EvictsTheNearestExpiryFirst()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
        // Sampling every key each round makes the pool's choice exact.
        c.Call("CONFIG", "SET", "maxmemory-samples", "2000");
        Fill(c, "t:", 200, withTtl: true);
        LimitAbove(c, 0);
        Fill(c, "new:", 50, withTtl: false);
        long evicted = Info(c, "stats", "evicted_keys");
        Assert.InRange(evicted, 40, 60);
        // Key i expires in 1000 + i seconds: exactly the first ones went.
        for (int i = 0; i < 200; i++) Assert.Equal(i < evicted ? ":0" : ":1", c.CallText("EXISTS", "t:" + i));
    }

    [Fact]
    public void Eviction_IsPropagatedAsDel_AndAnnounced()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var subscriber = server.Connect();
        var propagated = new List<string>();
        lock (server.Server.Sync) server.Server.Executor.Propagate += ctx => propagated.Add(Encoding.Latin1.GetString(ctx.Arg(0)) + " " + Encoding.Latin1.GetString(ctx.Arg(1)));
        c.Call("CONFIG", "SET", "notify-keyspace-events", "Ee");
        subscriber.Call("SUBSCRIBE", "__keyevent@0__:evicted");
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        c.Call("SET", "victim", Value);
        LimitAbove(c, -10);
        c.Call("PING");
        var message = subscriber.Read();
        Assert.Equal("__keyevent@0__:evicted", message.Items![1].Text);
        Assert.Equal("victim", message.Items[2].Text);
        lock (server.Server.Sync) Assert.Contains("DEL victim", propagated);
        c.Call("CONFIG", "SET", "lazyfree-lazy-eviction", "yes");
        c.Call("CONFIG", "SET", "maxmemory", "0");
        c.Call("SET", "victim2", Value);
        LimitAbove(c, -10);
        c.Call("PING");
        lock (server.Server.Sync) Assert.Contains("UNLINK victim2", propagated);
    }

    [Fact]
    public void LoweringMaxmemory_EvictsInTheBackground_WithoutFurtherCommands()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        // No time for evicting in the command itself: the rest goes on in the background.
        c.Call("CONFIG", "SET", "maxmemory-eviction-tenacity", "0");
        Fill(c, "k:", 3000);
        long used = Info(c, "memory", "used_memory");
        long limit = used / 3;
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "maxmemory", limit.ToString()));
        WaitUntil(() =>
        {
            lock (server.Server.Sync) return server.Server.UsedMemory.ForEviction <= limit;
        });
        Assert.InRange(Info(c, "stats", "evicted_keys"), 1500, 2500);
        Assert.Equal(EvictionResult.Ok, Perform(server));
    }

    [Fact]
    public void ExceededTime_IsReportedWhileOverTheLimit()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Fill(c, "k:", 10);
        LimitAbove(c, -1);
        Assert.Equal(OomError, c.CallText("SET", "x", "y"));
        WaitUntil(() => Info(c, "stats", "current_eviction_exceeded_time") > 0);
        // Back under the limit: the next command's check ends the episode (as in Redis, a limit of 0 would not).
        c.Call("CONFIG", "SET", "maxmemory", "1gb");
        c.Call("PING");
        Assert.Equal(0, Info(c, "stats", "current_eviction_exceeded_time"));
        Assert.True(Info(c, "stats", "total_eviction_exceeded_time") > 0);
        c.Call("CONFIG", "RESETSTAT");
        Assert.Equal(0, Info(c, "stats", "total_eviction_exceeded_time"));
    }

    [Fact]
    public void InfoMemory_ReportsTheLimitAndPolicy()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("CONFIG", "SET", "maxmemory", "64mb");
        c.Call("CONFIG", "SET", "maxmemory-policy", "volatile-lfu");
        var info = c.Call("INFO", "memory").Text!;
        Assert.Contains("\r\nmaxmemory:67108864\r\n", info);
        Assert.Contains("\r\nmaxmemory_human:64.00M\r\n", info);
        Assert.Contains("\r\nmaxmemory_policy:volatile-lfu\r\n", info);
        Assert.Matches(@"\r\nmem_fragmentation_ratio:\d+\.\d\d\r\n", info);
        Assert.True(Info(c, "memory", "used_memory_rss") > Info(c, "memory", "used_memory"));
    }

    private static EvictionResult Perform(TestServer server)
    {
        lock (server.Server.Sync) return server.Server.Evictor.PerformEvictions();
    }

    /// <summary>Rewrites the access stamps of keys prefix0..prefix(count-1).</summary>
    private static void Age(TestServer server, string prefix, int count, Func<uint, uint> change)
    {
        lock (server.Server.Sync)
        {
            var db = server.Server.Keyspace[0];
            for (int i = 0; i < count; i++)
            {
                var key = Encoding.ASCII.GetBytes(prefix + i);
                db.SetAccessStamp(key, change(db.AccessStampOf(key)));
            }
        }
    }
}
