using System.Diagnostics;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;

namespace Vigil.Server.Eviction;

/// <summary>What <see cref="Evictor.PerformEvictions"/> achieved (EVICT_OK, EVICT_RUNNING, EVICT_FAIL).</summary>
public enum EvictionResult
{
    /// <summary>Under maxmemory, or evictions are not for this node (a replica, loading).</summary>
    Ok,

    /// <summary>Still over, but evicting goes on in the background: commands may run.</summary>
    Running,

    /// <summary>Over maxmemory with nothing (allowed) to evict: commands that add data are refused.</summary>
    Fail,
}

/// <summary>
/// maxmemory (evict.c): before a command runs, <see cref="PerformEvictions"/> deletes keys chosen
/// by maxmemory-policy until used memory (less the replica and AOF buffers) is back under the
/// limit, or for at most the time maxmemory-eviction-tenacity allows, after which a background loop
/// (Redis's evictionTimeProc) takes turns with clients until it is done. LRU, LFU and TTL victims
/// come from the <see cref="EvictionPool"/>, filled by sampling maxmemory-samples keys of every
/// database; random victims from each database in turn. An evicted key is propagated as DEL
/// (UNLINK under lazyfree-lazy-eviction) to replicas and the AOF, and announced as "evicted".
/// Replicas leave eviction to their master (replica-ignore-maxmemory). Runs under the keyspace lock.
/// </summary>
public sealed class Evictor
{
    private static readonly byte[] Del = "DEL"u8.ToArray();
    private static readonly byte[] Unlink = "UNLINK"u8.ToArray();

    /// <summary>Every this many evictions the time limit is checked (as Redis does every 16 keys).</summary>
    private const int KeysPerTimeCheck = 16;

    private readonly VigilServer _server;
    private readonly EvictionPool _pool = new();
    private readonly Random _random = new();
    private readonly CollectionPacer _pacer = new();
    private string? _policyName;
    private EvictionPolicy _policy;
    private int _nextDb;
    private bool _backgroundRunning;
    private long _exceededSince;        // Stopwatch timestamp since used memory passed maxmemory, 0 when under

    public Evictor(VigilServer server)
    {
        _server = server;
        server.Keyspace.DatabaseReplaced += _ => _pool.Clear();
        ApplyConfig();
    }

    /// <summary>The policy in force (maxmemory-policy).</summary>
    public EvictionPolicy Policy
    {
        get
        {
            RefreshPolicy();
            return _policy;
        }
    }

    /// <summary>Microseconds used memory spent over maxmemory, ended episodes (stat_total_eviction_exceeded_time).</summary>
    public long TotalExceededMicros { get; private set; }

    /// <summary>Microseconds the current episode over maxmemory has lasted, 0 when under.</summary>
    public long CurrentExceededMicros =>
        _exceededSince == 0 ? 0 : (long)Stopwatch.GetElapsedTime(_exceededSince).TotalMicroseconds;

    /// <summary>
    /// Takes the memory policy's settings from the configuration: the keyspace's access stamps count
    /// frequency under an LFU policy, recency otherwise. Called at startup and when CONFIG SET changes
    /// maxmemory-policy, lfu-log-factor or lfu-decay-time.
    /// </summary>
    public void ApplyConfig()
    {
        RefreshPolicy();
        _server.Keyspace.LfuLogFactor = _server.Config.LfuLogFactor;
        _server.Keyspace.LfuDecayTime = _server.Config.LfuDecayTime;
    }

    /// <summary>What CONFIG SET does for the memory directives (see <see cref="ApplyConfig"/> and <see cref="OnMaxMemoryChanged"/>).</summary>
    public void RegisterConfigAppliers(Configuration.ConfigAppliers appliers)
    {
        ApplyConfig();
        foreach (var name in (string[])["maxmemory-policy", "lfu-log-factor", "lfu-decay-time"])
        {
            appliers.Add(name, () =>
            {
                ApplyConfig();
                return null;
            });
        }
        appliers.Add("maxmemory", OnMaxMemoryChanged);
    }

    /// <summary>
    /// updateMaxmemory: a limit set below what is used now is warned about, and eviction starts at
    /// once (continuing in the background) rather than with the next command.
    /// </summary>
    private string? OnMaxMemoryChanged()
    {
        long max = _server.Config.MaxMemory;
        if (max <= 0) return null;
        long used = _server.UsedMemory.ForEviction;
        if (max < used)
        {
            _server.Log.Warning($"WARNING: the new maxmemory value set via CONFIG SET ({max}) is smaller than the current memory usage ({used}). " +
                "This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.");
        }
        PerformEvictions();
        return null;
    }

    /// <summary>CONFIG RESETSTAT: the time spent over maxmemory starts again from zero.</summary>
    public void ResetStats()
    {
        TotalExceededMicros = 0;
        _exceededSince = 0;
    }

    private void RefreshPolicy()
    {
        string name = _server.Config.MaxMemoryPolicy;
        if (ReferenceEquals(name, _policyName)) return;
        _policyName = name;
        var policy = EvictionPolicies.Parse(name);
        if (policy != _policy) _pool.Clear();
        _policy = policy;
        _server.Keyspace.LfuEnabled = policy.IsLfu();
    }

    /// <summary>
    /// Over maxmemory: how many bytes must go (used memory less the replica and AOF buffers, minus
    /// maxmemory); 0 when under, or when this node does not evict (isSafeToPerformEvictions).
    /// </summary>
    public long BytesToFree()
    {
        long max = _server.Config.MaxMemory;
        if (max <= 0 || !MayEvict()) return 0;
        long used = _server.UsedMemory.ForEviction;
        return used > max ? used - max : 0;
    }

    private bool MayEvict() =>
        !_server.Loading && !(_server.Config.IsReplica && _server.Config.ReplicaIgnoreMaxmemory);

    /// <summary>performEvictions: see the class summary. Call under the keyspace lock.</summary>
    public EvictionResult PerformEvictions()
    {
        long toFree = BytesToFree();
        if (toFree == 0)
        {
            EndExceeded();
            return EvictionResult.Ok;
        }
        var result = RefreshAndEvict(toFree);
        if (result == EvictionResult.Ok) EndExceeded();
        else if (_exceededSince == 0) _exceededSince = Stopwatch.GetTimestamp();
        return result;
    }

    private EvictionResult RefreshAndEvict(long toFree)
    {
        RefreshPolicy();
        if (_policy == EvictionPolicy.NoEviction) return EvictionResult.Fail;
        long limitTicks = TimeLimitTicks(_server.Config.MaxMemoryEvictionTenacity);
        long start = Stopwatch.GetTimestamp();
        long freed = 0;
        int keysFreed = 0;
        bool exhausted = false;
        while (freed < toFree)
        {
            if (!TryPickVictim(out var db, out var key, out uint hash))
            {
                exhausted = true;
                break;
            }
            long bytes = db.Evict(key, hash);
            if (bytes < 0) continue;
            freed += bytes;
            keysFreed++;
            Announce(db, key);
            if (keysFreed % KeysPerTimeCheck == 0 && Stopwatch.GetTimestamp() - start > limitTicks)
            {
                StartBackground();
                break;
            }
        }
        _pacer.OnEvicted(keysFreed, _server.UsedMemory.Total, _server.Config.MaxMemory);
        if (exhausted) return EvictionResult.Fail;
        return _backgroundRunning ? EvictionResult.Running : EvictionResult.Ok;
    }

    /// <summary>What every eviction tells the rest: statistics, the "evicted" event, DEL to replicas and the AOF.</summary>
    private void Announce(Database db, byte[] key)
    {
        _server.Stats.EvictedKeys++;
        _server.KeyspaceEvents?.Invoke(KeyspaceEventType.Evicted, "evicted", db.Id, key);
        _server.Executor.PropagateGenerated(db.Id, [_server.Config.LazyfreeLazyEviction ? Unlink : Del, key]);
    }

    private void EndExceeded()
    {
        if (_exceededSince == 0) return;
        TotalExceededMicros += CurrentExceededMicros;
        _exceededSince = 0;
    }

    /// <summary>
    /// The next key to evict under the policy: from the pool (refilled by sampling every database
    /// until it yields a key that still exists) or at random from the next database in turn.
    /// False when no key may be evicted.
    /// </summary>
    private bool TryPickVictim(out Database db, out byte[] key, out uint hash)
    {
        var keyspace = _server.Keyspace;
        if (_policy.IsRandom())
        {
            for (int i = 0; i < keyspace.DatabaseCount; i++)
            {
                _nextDb = (_nextDb + 1) % keyspace.DatabaseCount;
                db = keyspace[_nextDb];
                if (_policy.AllKeys() ? TryTakeRandom(db.Main, out key, out hash) : TryTakeRandom(db.Expires, out key, out hash)) return true;
            }
            db = null!;
            key = null!;
            hash = 0;
            return false;
        }
        while (true)
        {
            long candidates = 0;
            for (int i = 0; i < keyspace.DatabaseCount; i++)
            {
                var sampled = keyspace[i];
                int count = _policy.AllKeys() ? sampled.Count : sampled.ExpiresCount;
                if (count == 0) continue;
                Populate(sampled);
                candidates += count;
            }
            if (candidates == 0)
            {
                db = null!;
                key = null!;
                hash = 0;
                return false;
            }
            while (_pool.TryTakeBest(out key, out hash, out int dbIndex))
            {
                db = keyspace[dbIndex];
                // A key deleted (or, for volatile policies, persisted) since it was sampled is a ghost: try the next.
                if (_policy.AllKeys() ? db.Main.Find(key, hash) >= 0 : db.Expires.Find(key, hash) >= 0) return true;
            }
        }
    }

    private bool TryTakeRandom<T>(KeyTable<T> table, out byte[] key, out uint hash)
    {
        int slot = table.RandomSlot(_random);
        key = slot < 0 ? null! : table.KeyAt(slot)!;
        hash = slot < 0 ? 0 : table.HashAt(slot);
        return slot >= 0;
    }

    /// <summary>evictionPoolPopulate: offers maxmemory-samples random keys of <paramref name="db"/> to the pool.</summary>
    private void Populate(Database db)
    {
        var keyspace = _server.Keyspace;
        int samples = Math.Max(1, _server.Config.MaxMemorySamples);
        bool allKeys = _policy.AllKeys();
        for (int n = 0; n < samples; n++)
        {
            byte[] key;
            uint hash;
            ulong score;
            if (allKeys)
            {
                int slot = db.Main.RandomSlot(_random);
                if (slot < 0) return;
                key = db.Main.KeyAt(slot)!;
                hash = db.Main.HashAt(slot);
                score = Score(db.Main.AccessAt(slot), 0, keyspace);
            }
            else
            {
                int slot = db.Expires.RandomSlot(_random);
                if (slot < 0) return;
                key = db.Expires.KeyAt(slot)!;
                hash = db.Expires.HashAt(slot);
                long when = db.Expires.ValueAt(slot);
                uint stamp = 0;
                if (_policy != EvictionPolicy.VolatileTtl)
                {
                    int main = db.Main.Find(key, hash);
                    if (main < 0) continue;
                    stamp = db.Main.AccessAt(main);
                }
                score = Score(stamp, when, keyspace);
            }
            _pool.Offer(key, hash, db.Id, score);
        }
    }

    /// <summary>The pool's ranking: higher evicts first.</summary>
    private ulong Score(uint stamp, long expireAt, Keyspace keyspace) => _policy switch
    {
        EvictionPolicy.AllKeysLru or EvictionPolicy.VolatileLru => (ulong)KeyAccess.IdleMilliseconds(stamp, keyspace),
        EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu => 255 - KeyAccess.DecayedCounter(stamp, keyspace),
        _ => ulong.MaxValue - (ulong)expireAt,
    };

    /// <summary>evictionTimeLimitUs: 50 µs per tenacity step up to 10, then 15% more per step; 100 is no limit.</summary>
    private static long TimeLimitTicks(int tenacity)
    {
        double micros = tenacity <= 10 ? 50.0 * tenacity : tenacity < 100 ? 500.0 * Math.Pow(1.15, tenacity - 10.0) : double.PositiveInfinity;
        if (double.IsInfinity(micros)) return long.MaxValue;
        return (long)(micros * Stopwatch.Frequency / 1_000_000);
    }

    /// <summary>
    /// startEvictionTimeProc: evicting goes on from the thread pool, one time slice per turn of the
    /// keyspace lock, until memory is back under the limit or nothing is left to evict.
    /// </summary>
    private void StartBackground()
    {
        if (_backgroundRunning) return;
        _backgroundRunning = true;
        ThreadPool.UnsafeQueueUserWorkItem(static evictor => evictor.RunBackground(), this, preferLocal: false);
    }

    private void RunBackground()
    {
        while (true)
        {
            lock (_server.Sync)
            {
                _server.Keyspace.UpdateClock();
                if (PerformEvictions() != EvictionResult.Running)
                {
                    _backgroundRunning = false;
                    return;
                }
            }
            // Clients waiting for the lock go first.
            Thread.Yield();
        }
    }
}
