using System.Diagnostics;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Eviction;

/// <summary>The client a flood runs through.</summary>
public enum LoadClient
{
    RedisPy,
    StackExchange,
}

/// <summary>
/// One flood past maxmemory (see eviction_load.py for the scenario): the policy and limit set with
/// CONFIG SET, <see cref="Persistent"/> bytes of keys without a TTL, <see cref="Hot"/> keys read in a
/// loop, then <see cref="Total"/> bytes of values of the given sizes, a share of them with a TTL.
/// </summary>
public sealed record LoadPlan(string Policy, long MaxMemory, long Total, string Sizes)
{
    public int Hot { get; init; }

    public int HotSize { get; init; } = 1000;

    public long Persistent { get; init; }

    public double TtlShare { get; init; }

    public int Batch { get; init; } = 100;

    /// <summary>At most this many bytes a second, 0 for no cap (see eviction_load.py's --rate).</summary>
    public long Rate { get; init; }

    public int DeadlineSeconds { get; init; } = 150;
}

/// <summary>What came of a flood, as eviction_load.py prints it (JSON, snake_case).</summary>
public sealed record LoadResult
{
    public long BaselineRss { get; init; }

    public long Flooded { get; init; }

    public double Seconds { get; init; }

    public long PeakRss { get; init; }

    public long PeakUsedMemory { get; init; }

    public long UsedMemory { get; init; }

    public long EvictedKeys { get; init; }

    public long Keys { get; init; }

    public double? HotSurvival { get; init; }

    public double? PersistentSurvival { get; init; }

    public double? ShortTtlSurvival { get; init; }

    public double? LongTtlSurvival { get; init; }

    public OomResult? Oom { get; init; }

    /// <summary>Under noeviction: the length of a value read, and the keys deleted, once writes were refused.</summary>
    public long OomGet { get; init; }

    public long OomDel { get; init; }

    public override string ToString() =>
        $"baseline_rss={BaselineRss >> 20}MB peak_rss={PeakRss >> 20}MB flooded={Flooded >> 20}MB in {Seconds:F1}s " +
        $"used_memory={UsedMemory} peak_used={PeakUsedMemory} evicted_keys={EvictedKeys} keys={Keys} hot={HotSurvival:F3} " +
        $"persistent={PersistentSurvival:F3} short_ttl={ShortTtlSurvival:F3} long_ttl={LongTtlSurvival:F3} oom={Oom}";
}

public sealed record OomResult(string Error, long UsedMemory, long Flooded);

/// <summary>Runs a <see cref="LoadPlan"/> against a running node through redis-py or StackExchange.Redis.</summary>
public static class EvictionLoad
{
    private const int Seed = 7;
    private const int MinTtl = 1000;
    private const int MaxTtl = 5000;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Task<LoadResult> Run(LoadClient client, ServerProcess server, LoadPlan plan) =>
        client == LoadClient.RedisPy ? Task.FromResult(RunRedisPy(server, plan)) : RunStackExchange(server, plan);

    private static LoadResult RunRedisPy(ServerProcess server, LoadPlan plan)
    {
        string script = Path.Combine(Paths.RepoRoot, "tests", "Vigil.Integration.Tests", "Eviction", "eviction_load.py");
        string[] args =
        [
            script, "--port", server.Port.ToString(), "--pid", server.Pid.ToString(), "--policy", plan.Policy,
            "--maxmemory", plan.MaxMemory.ToString(), "--total", plan.Total.ToString(), "--sizes", plan.Sizes,
            "--hot", plan.Hot.ToString(), "--hot-size", plan.HotSize.ToString(), "--persistent", plan.Persistent.ToString(),
            "--ttl-share", plan.TtlShare.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch", plan.Batch.ToString(),
            "--rate", plan.Rate.ToString(), "--deadline", plan.DeadlineSeconds.ToString(), "--seed", Seed.ToString(),
        ];
        var result = Cli.Run("/usr/bin/python3", args, timeoutMs: (plan.DeadlineSeconds + 120) * 1000);
        if (result.ExitCode != 0) throw new InvalidOperationException($"eviction_load.py failed:\n{result.All}\n{server.Output}");
        return JsonSerializer.Deserialize<LoadResult>(result.StdOut, Json)!;
    }

    private static async Task<LoadResult> RunStackExchange(ServerProcess server, LoadPlan plan)
    {
        var random = new Random(Seed);
        int[] sizes = Array.ConvertAll(plan.Sizes.Split(','), int.Parse);
        var payloads = new Dictionary<int, byte[]>();
        foreach (int size in sizes.Append(plan.HotSize))
        {
            if (payloads.ContainsKey(size)) continue;
            var payload = new byte[size];
            random.NextBytes(payload);
            payloads[size] = payload;
        }
        using var mux = await ConnectionMultiplexer.ConnectAsync($"{server.Host}:{server.Port},syncTimeout=60000,asyncTimeout=60000");
        var db = mux.GetDatabase();
        await db.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", plan.Policy);
        await db.ExecuteAsync("CONFIG", "SET", "maxmemory", plan.MaxMemory.ToString());
        long baseline = Rss(server.Pid);
        var started = DateTime.UtcNow;
        var deadline = started.AddSeconds(plan.DeadlineSeconds);

        var persistentKeys = new List<RedisKey>();
        for (long written = 0; written < plan.Persistent; written += plan.HotSize)
        {
            var key = (RedisKey)$"p:{persistentKeys.Count}";
            await db.StringSetAsync(key, payloads[plan.HotSize]);
            persistentKeys.Add(key);
        }
        var hotKeys = new RedisKey[plan.Hot];
        for (int i = 0; i < hotKeys.Length; i++) hotKeys[i] = $"hot:{i}";
        await Task.WhenAll(Array.ConvertAll(hotKeys, key => db.StringSetAsync(key, payloads[plan.HotSize])));

        long peakRss = Rss(server.Pid);
        long peakUsed = UsedMemory(db);
        long flooded = 0;
        int n = 0, hotAt = 0, batches = 0;
        var shortTtl = new List<RedisKey>();
        var longTtl = new List<RedisKey>();
        OomResult? oom = null;
        var sets = new Task<bool>[plan.Batch];
        while (flooded < plan.Total && DateTime.UtcNow < deadline)
        {
            long batchStarted = Stopwatch.GetTimestamp();
            long batchBytes = flooded;
            for (int i = 0; i < sets.Length; i++)
            {
                int size = sizes[random.Next(sizes.Length)];
                var key = (RedisKey)$"k:{n++}";
                if (random.NextDouble() < plan.TtlShare)
                {
                    int seconds = random.Next(MinTtl, MaxTtl + 1);
                    (seconds < (MinTtl + MaxTtl) / 2 ? shortTtl : longTtl).Add(key);
                    sets[i] = db.StringSetAsync(key, payloads[size], TimeSpan.FromSeconds(seconds));
                }
                else
                {
                    sets[i] = db.StringSetAsync(key, payloads[size]);
                }
                flooded += size;
            }
            try
            {
                await Task.WhenAll(sets);
            }
            catch (RedisServerException e)
            {
                oom = new OomResult(e.Message, UsedMemory(db), flooded);
                break;
            }
            if (hotKeys.Length > 0)
            {
                var gets = new Task<RedisValue>[Math.Min(plan.Batch, hotKeys.Length)];
                for (int i = 0; i < gets.Length; i++)
                {
                    gets[i] = db.StringGetAsync(hotKeys[hotAt]);
                    hotAt = (hotAt + 1) % hotKeys.Length;
                }
                await Task.WhenAll(gets);
            }
            batches++;
            if (plan.Rate > 0)
            {
                // No batch goes faster than the rate, so a slow machine only spreads the flood over more time.
                var wait = TimeSpan.FromSeconds((double)(flooded - batchBytes) / plan.Rate) - Stopwatch.GetElapsedTime(batchStarted);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
            }
            peakRss = Math.Max(peakRss, Rss(server.Pid));
            if (batches % 10 == 0) peakUsed = Math.Max(peakUsed, UsedMemory(db));
        }

        long used = UsedMemory(db);
        var result = new LoadResult
        {
            BaselineRss = baseline,
            Flooded = flooded,
            Seconds = (DateTime.UtcNow - started).TotalSeconds,
            PeakRss = peakRss,
            PeakUsedMemory = Math.Max(peakUsed, used),
            UsedMemory = used,
            EvictedKeys = long.Parse(Info(db, "stats", "evicted_keys")),
            Keys = (long)await db.ExecuteAsync("DBSIZE"),
            HotSurvival = await Survival(db, hotKeys),
            PersistentSurvival = await Survival(db, persistentKeys),
            ShortTtlSurvival = await Survival(db, shortTtl),
            LongTtlSurvival = await Survival(db, longTtl),
            Oom = oom,
        };
        if (oom == null) return result;
        // Reads and deletes still work when writes are refused.
        var value = await db.StringGetAsync("k:0");
        return result with { OomGet = value.IsNull ? 0 : ((byte[])value!).Length, OomDel = await db.KeyDeleteAsync("k:0") ? 1 : 0 };
    }

    private static async Task<double?> Survival(IDatabase db, IReadOnlyList<RedisKey> keys)
    {
        if (keys.Count == 0) return null;
        var exists = new Task<bool>[keys.Count];
        for (int i = 0; i < keys.Count; i++) exists[i] = db.KeyExistsAsync(keys[i]);
        int alive = 0;
        foreach (bool found in await Task.WhenAll(exists)) alive += found ? 1 : 0;
        return (double)alive / keys.Count;
    }

    public static long UsedMemory(IDatabase db) => long.Parse(Info(db, "memory", "used_memory"));

    /// <summary>One field of INFO &lt;section&gt;.</summary>
    public static string Info(IDatabase db, string section, string field)
    {
        string info = (string)db.Execute("INFO", section)!;
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal)) return line[(field.Length + 1)..];
        }
        throw new InvalidOperationException($"INFO {section} has no {field}");
    }

    /// <summary>The process's resident memory (VmRSS), in bytes.</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status", Encoding.ASCII))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        throw new InvalidOperationException("no VmRSS");
    }
}
