using StackExchange.Redis;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Integration.Tests.Replication;
using Xunit.Abstractions;

namespace Vigil.Integration.Tests.Eviction;

/// <summary>
/// The `vigil` executable with maxmemory 64mb under each policy, flooded well past the limit by
/// redis-py and StackExchange.Redis, with redis-server 7.0 run through the same flood side by side
/// where the outcome is compared. The default suite floods 512 MB under the LRU and LFU policies
/// (with larger values, to keep its share short) and less under the others; scripts/eviction-matrix
/// (VIGIL_EVICTION_MATRIX=1) runs every policy at 512 MB of smaller values against both servers.
/// Under allkeys-lru the flood is paced at 16 MB/s: Redis's LRU clock (and Vigil's) ticks once a
/// second, so recency only shows when turning over maxmemory takes several seconds; a slower
/// machine only makes the history longer.
/// </summary>
public class EvictionLoadTests(ITestOutputHelper output)
{
    private const long MaxMemory = 64L << 20;
    private const long LruRate = 16L << 20;
    private const string OomError = "OOM command not allowed when used memory > 'maxmemory'.";

    private static readonly bool Matrix = Environment.GetEnvironmentVariable("VIGIL_EVICTION_MATRIX") == "1";

    [Theory]
    [InlineData("allkeys-lru", LoadClient.RedisPy, 128, true)]
    [InlineData("allkeys-lfu", LoadClient.StackExchange, 512, true)]
    [InlineData("volatile-ttl", LoadClient.RedisPy, 128, true)]
    [InlineData("volatile-lru", LoadClient.RedisPy, 128, false)]
    [InlineData("volatile-lfu", LoadClient.StackExchange, 128, false)]
    [InlineData("volatile-random", LoadClient.RedisPy, 128, false)]
    [InlineData("allkeys-random", LoadClient.StackExchange, 128, false)]
    public async Task Flood_StaysWithinMaxmemory_AndEvictsThePolicysVictims(string policy, LoadClient client, int megabytes, bool sideBySide)
    {
        bool volatileOnly = policy.StartsWith("volatile-", StringComparison.Ordinal);
        bool recencyOrFrequency = policy is "allkeys-lru" or "allkeys-lfu";
        var plan = new LoadPlan(policy, MaxMemory, (Matrix ? 512L : megabytes) << 20, Matrix ? "100,1000,4000" : "1000,4000,16000")
        {
            // volatile-* may take only keys with a TTL: keys without one are written first and must all survive.
            Persistent = volatileOnly ? 8L << 20 : 0,
            TtlShare = volatileOnly ? 1.0 : 0.3,
            Hot = recencyOrFrequency ? 2000 : 0,
            Rate = policy == "allkeys-lru" ? LruRate : 0,
        };

        var vigil = await Flood(client, plan, redis: false);
        LoadResult? redis = Matrix || sideBySide ? await Flood(client, plan, redis: true) : null;

        Assert.True(vigil.Flooded >= 2 * MaxMemory, $"the flood stopped at {vigil.Flooded} bytes (time bound)");
        Assert.Null(vigil.Oom);
        Assert.True(vigil.EvictedKeys > 0);
        long rssBound = vigil.BaselineRss + MaxMemory * 3 / 2;
        Assert.True(vigil.PeakRss < rssBound, $"peak RSS {vigil.PeakRss} over {rssBound} (baseline {vigil.BaselineRss} + 1.5 x maxmemory)");
        if (volatileOnly) Assert.Equal(1.0, vigil.PersistentSurvival);
        if (recencyOrFrequency)
        {
            // The hot set, read all along, outlives the flood, about as well as under Redis.
            Assert.True(vigil.HotSurvival >= 0.8, $"hot set survival {vigil.HotSurvival}");
            if (redis != null) Assert.True(vigil.HotSurvival >= redis.HotSurvival - 0.1, $"hot set survival {vigil.HotSurvival}, Redis {redis.HotSurvival}");
        }
        if (policy == "volatile-ttl")
        {
            // The shortest TTLs go first: keys in the longer half of the TTL range survive far more often.
            Assert.True(vigil.LongTtlSurvival > 2 * vigil.ShortTtlSurvival, $"short {vigil.ShortTtlSurvival}, long {vigil.LongTtlSurvival}");
            if (redis != null) Assert.True(vigil.LongTtlSurvival >= redis.LongTtlSurvival - 0.1, $"long TTL survival {vigil.LongTtlSurvival}, Redis {redis.LongTtlSurvival}");
        }
    }

    [Theory]
    [InlineData(LoadClient.StackExchange)]
    [InlineData(LoadClient.RedisPy)]
    public async Task NoEviction_RefusesWritesAsRedisDoes_AtAboutTheSamePoint(LoadClient client)
    {
        var plan = new LoadPlan("noeviction", MaxMemory, 512L << 20, "100,1000,4000");
        var vigil = await Flood(client, plan, redis: false);
        var redis = await Flood(client, plan, redis: true);

        Assert.NotNull(redis.Oom);
        Assert.Equal(OomError, redis.Oom.Error);
        Assert.NotNull(vigil.Oom);
        Assert.Equal(OomError, vigil.Oom.Error);
        Assert.Equal(0, vigil.EvictedKeys);
        // Refused once used memory passed maxmemory: after about as much data as Redis took.
        Assert.True(vigil.Oom.UsedMemory >= MaxMemory, $"refused at used_memory {vigil.Oom.UsedMemory}");
        double ratio = (double)vigil.Oom.Flooded / redis.Oom.Flooded;
        Assert.True(ratio is > 0.8 and < 1.2, $"Vigil refused after {vigil.Oom.Flooded} bytes, Redis after {redis.Oom.Flooded}");
        Assert.True(vigil.OomGet > 0, "GET after OOM");
        Assert.Equal(1, vigil.OomDel);
    }

    [Fact]
    public async Task LoweringMaxmemory_UnderLoad_EvictsDownToTheNewLimit()
    {
        const long newLimit = 16L << 20;
        using var server = ServerProcess.StartVigil("--maxmemory-policy", "allkeys-lru");
        using var mux = await ConnectionMultiplexer.ConnectAsync($"{server.Host}:{server.Port},syncTimeout=60000,asyncTimeout=60000");
        var db = mux.GetDatabase();
        var value = new byte[1000];
        const int initial = 40_000;  // ~40 MB with no limit
        for (int i = 0; i < initial; i += 500) await Task.WhenAll(Enumerable.Range(i, 500).Select(j => db.StringSetAsync($"k:{j}", value)));

        // A writer goes on adding keys (bounded in count, stopped once the limit is proved) while the limit drops.
        using var stop = new CancellationTokenSource();
        int written = initial;
        var writer = Task.Run(async () =>
        {
            for (int n = initial; n < 1_000_000 && !stop.IsCancellationRequested; n += 100)
            {
                await Task.WhenAll(Enumerable.Range(n, 100).Select(j => db.StringSetAsync($"k:{j}", value)));
                Volatile.Write(ref written, n + 100);
            }
        });
        Replicas.WaitUntil(() => Volatile.Read(ref written) >= initial + 5_000 || writer.IsCompleted, "the writer to start");
        Assert.Equal("OK", (string?)await db.ExecuteAsync("CONFIG", "SET", "maxmemory", newLimit.ToString()));
        int atChange = Volatile.Read(ref written);
        Replicas.WaitUntil(() => Volatile.Read(ref written) >= atChange + 20_000 || writer.IsCompleted, "writes after the change");
        stop.Cancel();
        await writer;  // any refused write fails the test: allkeys-lru makes room instead
        Replicas.WaitUntil(() => EvictionLoad.UsedMemory(db) <= newLimit, "used_memory under the new limit");
        // Every key written is distinct and none expires: what is not there was evicted.
        long keys = (long)db.Execute("DBSIZE");
        Assert.True(keys < newLimit / value.Length, $"{keys} keys left");
        Assert.Equal(written, long.Parse(EvictionLoad.Info(db, "stats", "evicted_keys")) + keys);
    }

    private async Task<LoadResult> Flood(LoadClient client, LoadPlan plan, bool redis)
    {
        using var server = redis ? ServerProcess.StartRedis() : ServerProcess.StartVigil();
        var result = await EvictionLoad.Run(client, server, plan);
        output.WriteLine($"{(redis ? "redis-server" : "vigil")} {plan.Policy} via {client}: {result}");
        return result;
    }
}
