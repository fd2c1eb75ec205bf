namespace Vigil.Server.Eviction;

/// <summary>
/// Evicted values stay on the heap as garbage until the GC collects the generation they live in,
/// and what eviction removes is old (generation 2), which the GC collects only when its own budget
/// says so, without compacting, and keeping the freed regions committed: left alone, an evicting
/// server's resident memory grows to twice maxmemory and more. While evicting, the pacer compares
/// the heap with what used_memory accounts for and, once the difference (garbage) passes an eighth
/// of maxmemory, runs an aggressive collection (compacting, and giving the freed memory back), so
/// that resident memory stays within about a quarter over maxmemory (docs/performance.md). The
/// price is CPU: the live data is compacted once per eighth of maxmemory evicted.
/// </summary>
internal sealed class CollectionPacer
{
    /// <summary>Evictions between two looks at the heap (reading its size takes the GC's lock).</summary>
    private const int EvictionsPerCheck = 64;

    /// <summary>Below this much garbage a collection is not worth its pause.</summary>
    private const long MinGarbage = 4L << 20;

    private readonly long _startupHeap = GC.GetTotalMemory(false);
    private int _evictions;
    private long _allocatedAtCollection;

    /// <summary>Called after evicting <paramref name="keys"/> keys, with used_memory as accounted now.</summary>
    public void OnEvicted(int keys, long accounted, long maxMemory)
    {
        _evictions += keys;
        if (_evictions < EvictionsPerCheck) return;
        _evictions = 0;
        long threshold = Math.Max(maxMemory / 8, MinGarbage);
        long garbage = GC.GetTotalMemory(false) - accounted - _startupHeap;
        if (garbage < threshold) return;
        // Live objects used_memory does not count must not make every check collect: a collection
        // waits until another threshold's worth was allocated since the last one.
        long allocated = GC.GetTotalAllocatedBytes(false);
        if (allocated - _allocatedAtCollection < threshold) return;
        _allocatedAtCollection = allocated;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
