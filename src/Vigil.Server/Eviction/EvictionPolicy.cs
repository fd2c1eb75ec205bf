namespace Vigil.Server.Eviction;

/// <summary>maxmemory-policy: which keys may be evicted (all, or those with a TTL) and how the victim is chosen.</summary>
public enum EvictionPolicy
{
    NoEviction,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
}

public static class EvictionPolicies
{
    /// <summary>The policy a maxmemory-policy value names (the config table has validated it).</summary>
    public static EvictionPolicy Parse(string name) => name.ToLowerInvariant() switch
    {
        "volatile-lru" => EvictionPolicy.VolatileLru,
        "volatile-lfu" => EvictionPolicy.VolatileLfu,
        "volatile-random" => EvictionPolicy.VolatileRandom,
        "volatile-ttl" => EvictionPolicy.VolatileTtl,
        "allkeys-lru" => EvictionPolicy.AllKeysLru,
        "allkeys-lfu" => EvictionPolicy.AllKeysLfu,
        "allkeys-random" => EvictionPolicy.AllKeysRandom,
        _ => EvictionPolicy.NoEviction,
    };

    /// <summary>MAXMEMORY_FLAG_ALLKEYS: victims come from every key, not only those with a TTL.</summary>
    public static bool AllKeys(this EvictionPolicy policy) =>
        policy is EvictionPolicy.AllKeysLru or EvictionPolicy.AllKeysLfu or EvictionPolicy.AllKeysRandom;

    public static bool IsLfu(this EvictionPolicy policy) => policy is EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu;

    public static bool IsLru(this EvictionPolicy policy) => policy is EvictionPolicy.AllKeysLru or EvictionPolicy.VolatileLru;

    public static bool IsRandom(this EvictionPolicy policy) => policy is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom;
}
