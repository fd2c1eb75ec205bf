namespace Vigil.Server.Configuration;

/// <summary>Memory limits, eviction, lazy freeing and defragmentation settings (<see cref="MemoryDirectives"/>).</summary>
public sealed partial class ServerConfig
{
    /// <summary>maxmemory in bytes; 0 means no limit.</summary>
    public long MaxMemory { get; set; }

    /// <summary>One of noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl.</summary>
    public string MaxMemoryPolicy { get; set; } = "noeviction";
    public int MaxMemorySamples { get; set; } = 5;
    public int MaxMemoryEvictionTenacity { get; set; } = 10;

    /// <summary>maxmemory-clients: bytes when positive, a percentage of maxmemory when negative (-10 is 10%), 0 for none.</summary>
    public long MaxMemoryClients { get; set; }

    public int LfuLogFactor { get; set; } = 10;
    public int LfuDecayTime { get; set; } = 1;

    public bool LazyfreeLazyEviction { get; set; }
    public bool LazyfreeLazyExpire { get; set; }
    public bool LazyfreeLazyServerDel { get; set; }
    public bool LazyfreeLazyUserDel { get; set; }
    public bool LazyfreeLazyUserFlush { get; set; }

    // Active defragmentation: accepted, never enabled (as Debian's build, which lacks jemalloc's defrag hint).
    public bool ActiveDefrag { get; set; }
    public long ActiveDefragIgnoreBytes { get; set; } = 100L << 20;
    public int ActiveDefragThresholdLower { get; set; } = 10;
    public int ActiveDefragThresholdUpper { get; set; } = 100;
    public int ActiveDefragCycleMin { get; set; } = 1;
    public int ActiveDefragCycleMax { get; set; } = 25;
    public long ActiveDefragMaxScanFields { get; set; } = 1000;
    public bool JemallocBgThread { get; set; } = true;
}
