using System.Globalization;
using static Vigil.Server.Configuration.ConfigDirectives;

namespace Vigil.Server.Configuration;

/// <summary>maxmemory and eviction, lazy freeing, LFU tuning and defragmentation directives (config.c).</summary>
public static class MemoryDirectives
{
    private const string DefragUnavailable =
        "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution";

    public static IEnumerable<ConfigDirective> All() =>
    [
        Memory("maxmemory", true, 0, 0, long.MaxValue, c => c.MaxMemory, (c, v) => c.MaxMemory = v),
        Enum("maxmemory-policy", true, "noeviction",
            ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"],
            c => c.MaxMemoryPolicy, (c, v) => c.MaxMemoryPolicy = v),
        Int("maxmemory-samples", true, 5, 1, int.MaxValue, c => c.MaxMemorySamples, (c, v) => c.MaxMemorySamples = (int)v),
        Int("maxmemory-eviction-tenacity", true, 10, 0, 100, c => c.MaxMemoryEvictionTenacity, (c, v) => c.MaxMemoryEvictionTenacity = (int)v),
        new ConfigDirective("maxmemory-clients", true, "0", c => FormatMemoryOrPercent(c.MaxMemoryClients), SetMaxMemoryClients)
            .With(c => [new RewriteLine("maxmemory-clients " + (c.MaxMemoryClients < 0 ? $"{-c.MaxMemoryClients}%" : ConfigText.FormatMemory(c.MaxMemoryClients)), c.MaxMemoryClients != 0)]),
        Int("lfu-log-factor", true, 10, 0, int.MaxValue, c => c.LfuLogFactor, (c, v) => c.LfuLogFactor = (int)v),
        Int("lfu-decay-time", true, 1, 0, int.MaxValue, c => c.LfuDecayTime, (c, v) => c.LfuDecayTime = (int)v),
        Bool("lazyfree-lazy-eviction", true, false, c => c.LazyfreeLazyEviction, (c, v) => c.LazyfreeLazyEviction = v),
        Bool("lazyfree-lazy-expire", true, false, c => c.LazyfreeLazyExpire, (c, v) => c.LazyfreeLazyExpire = v),
        Bool("lazyfree-lazy-server-del", true, false, c => c.LazyfreeLazyServerDel, (c, v) => c.LazyfreeLazyServerDel = v),
        Bool("lazyfree-lazy-user-del", true, false, c => c.LazyfreeLazyUserDel, (c, v) => c.LazyfreeLazyUserDel = v),
        Bool("lazyfree-lazy-user-flush", true, false, c => c.LazyfreeLazyUserFlush, (c, v) => c.LazyfreeLazyUserFlush = v),
        new ConfigDirective("activedefrag", true, "no", c => YesNo(c.ActiveDefrag), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (a[0].Equals("yes", StringComparison.OrdinalIgnoreCase)) return DefragUnavailable;
            if (!a[0].Equals("no", StringComparison.OrdinalIgnoreCase)) return "argument must be 'yes' or 'no'";
            c.ActiveDefrag = false;
            return null;
        }),
        Memory("active-defrag-ignore-bytes", true, 100L << 20, 1, long.MaxValue, c => c.ActiveDefragIgnoreBytes, (c, v) => c.ActiveDefragIgnoreBytes = v),
        Int("active-defrag-threshold-lower", true, 10, 0, 1000, c => c.ActiveDefragThresholdLower, (c, v) => c.ActiveDefragThresholdLower = (int)v),
        Int("active-defrag-threshold-upper", true, 100, 0, 1000, c => c.ActiveDefragThresholdUpper, (c, v) => c.ActiveDefragThresholdUpper = (int)v),
        Int("active-defrag-cycle-min", true, 1, 1, 99, c => c.ActiveDefragCycleMin, (c, v) => c.ActiveDefragCycleMin = (int)v),
        Int("active-defrag-cycle-max", true, 25, 1, 99, c => c.ActiveDefragCycleMax, (c, v) => c.ActiveDefragCycleMax = (int)v),
        Int("active-defrag-max-scan-fields", true, 1000, 1, long.MaxValue, c => c.ActiveDefragMaxScanFields, (c, v) => c.ActiveDefragMaxScanFields = v),
        Bool("jemalloc-bg-thread", true, true, c => c.JemallocBgThread, (c, v) => c.JemallocBgThread = v),
    ];

    private static string FormatMemoryOrPercent(long value) =>
        value < 0 ? (-value).ToString(CultureInfo.InvariantCulture) + "%" : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A memory value, or a percentage of maxmemory ("10%"), stored negated as Redis does.</summary>
    private static string? SetMaxMemoryClients(ServerConfig c, string[] a)
    {
        if (a.Length != 1) return "wrong number of arguments";
        string text = a[0];
        long value;
        if (TryParseMemory(text, out long bytes))
        {
            value = bytes;
        }
        else if (text.Length > 1 && text[^1] == '%' && Vigil.Protocol.RedisNumbers.TryParseInt64(text[..^1], out long percent) && percent >= 0)
        {
            if (percent > 100) return "percentage argument must be less or equal to 100";
            value = -percent;
        }
        else
        {
            return "argument must be a memory or percent value";
        }
        c.MaxMemoryClients = value;
        return null;
    }
}
