using System.Globalization;
using System.Text;
using Vigil.Server.Commands;
using Vigil.Server.Storage;

namespace Vigil.Server;

/// <summary>
/// INFO memory, MEMORY STATS and MEMORY USAGE. used_memory and its parts come from
/// <see cref="Eviction.UsedMemory"/>, the counters maxmemory is checked against (what the process
/// really holds, in managed-heap sizes). MEMORY USAGE of a key reports what Redis 7.0 would with
/// jemalloc (each key and string value costs its allocations, size classes included), so that tools
/// sizing keys read the same figures as on Redis; other types report their own
/// <see cref="IRedisValue.MemoryUsage"/>.
/// </summary>
public sealed class MemoryAccounting
{
    /// <summary>sizeof(dictEntry) and sizeof(robj) on 64 bits.</summary>
    private const int DictEntrySize = 24, ObjectHeaderSize = 16;

    private readonly VigilServer _server;

    public MemoryAccounting(VigilServer server)
    {
        _server = server;
        StartupBytes = server.UsedMemory.ForEviction;
        server.AddCronJob(() => PeakBytes = Math.Max(PeakBytes, _server.UsedMemory.Total));
    }

    /// <summary>What the server used before any data or client (used_memory_startup).</summary>
    public long StartupBytes { get; }

    /// <summary>The largest used_memory seen so far (used_memory_peak).</summary>
    public long PeakBytes { get; private set; }

    /// <summary>jemalloc's size class for an allocation of <paramref name="size"/> bytes.</summary>
    public static long AllocationSize(long size)
    {
        if (size <= 8) return 8;
        if (size <= 128) return (size + 15) & ~15L;
        // Four classes per power of two above 128: 160, 192, 224, 256, 320, ...
        int log = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(size - 1));
        long step = 1L << (log - 2);
        return (size + step - 1) & ~(step - 1);
    }

    /// <summary>An sds string's allocation: header (by length, as sdsReqType) + bytes + terminator.</summary>
    public static long SdsSize(long length, bool allowType5)
    {
        int header = length < 32 && allowType5 ? 1 : length < 256 ? 3 : length < 65536 ? 5 : length < 4294967296 ? 9 : 17;
        return AllocationSize(header + length + 1);
    }

    /// <summary>A value's bytes as objectComputeSize counts them (its object header included).</summary>
    public static long ValueSize(object value)
    {
        if (value is byte[] bytes)
        {
            return StringEncodingMarks.EncodingOf(bytes) switch
            {
                "int" => ObjectHeaderSize,
                "embstr" => AllocationSize(ObjectHeaderSize + 3 + bytes.Length + 1),
                _ => ObjectHeaderSize + SdsSize(bytes.Length, allowType5: false),
            };
        }
        return ObjectHeaderSize + (value is IRedisValue v ? v.MemoryUsage : 0);
    }

    /// <summary>MEMORY USAGE: the value, the key's string and its hash table entry.</summary>
    public static long KeySize(ReadOnlySpan<byte> key, object value) =>
        ValueSize(value) + SdsSize(key.Length, allowType5: true) + DictEntrySize;

    /// <summary>One count of everything INFO memory and MEMORY STATS report.</summary>
    public sealed class Report
    {
        public long Used;
        public long Startup;
        public long Peak;
        public long Overhead;
        public long Dataset;
        public long ClientsNormal;
        public long ClientsReplicas;
        public long ReplicationBacklog;
        public long AofBuffer;
        public long NotCountedForEviction;
        public long Keys;
        public long Rss;
        public List<(int Db, long Main, long Expires)> HashTables { get; } = new();
    }

    /// <summary>Reads the counters (O(databases)); call under the keyspace lock.</summary>
    public Report Measure()
    {
        var used = _server.UsedMemory;
        var report = new Report
        {
            Startup = StartupBytes,
            Rss = ResidentSetSize(),
            Used = used.Total,
            Dataset = used.Dataset,
            ClientsNormal = used.ClientsNormal,
            ClientsReplicas = used.ClientsReplicas,
            ReplicationBacklog = used.ReplicationBacklog(),
            AofBuffer = used.AofBuffer,
            NotCountedForEviction = used.NotCountedForEviction,
        };
        var keyspace = _server.Keyspace;
        for (int d = 0; d < keyspace.DatabaseCount; d++)
        {
            var db = keyspace[d];
            if (db.Count == 0) continue;
            report.HashTables.Add((d, db.Main.AllocatedBytes, db.Expires.AllocatedBytes));
            report.Keys += db.Count;
        }
        report.Overhead = report.Used - report.Dataset;
        PeakBytes = Math.Max(PeakBytes, report.Used);
        report.Peak = PeakBytes;
        return report;
    }

    /// <summary>used_memory_rss: resident pages from /proc/self/statm, or the working set elsewhere.</summary>
    public static long ResidentSetSize()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return Environment.WorkingSet;
        }
    }

    /// <summary>total_system_memory: MemTotal from /proc/meminfo, or what the runtime sees.</summary>
    private static long TotalSystemMemory()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>bytesToHuman: B, then K, M, G, T, P with two decimals.</summary>
    public static string Human(long n)
    {
        double d = n;
        var i = CultureInfo.InvariantCulture;
        if (n < 1024) return n.ToString(i) + "B";
        if (n < 1024L * 1024) return (d / 1024).ToString("F2", i) + "K";
        if (n < 1024L * 1024 * 1024) return (d / (1024 * 1024)).ToString("F2", i) + "M";
        if (n < 1024L * 1024 * 1024 * 1024) return (d / (1024.0 * 1024 * 1024)).ToString("F2", i) + "G";
        if (n < 1024L * 1024 * 1024 * 1024 * 1024) return (d / (1024.0 * 1024 * 1024 * 1024)).ToString("F2", i) + "T";
        return (d / (1024.0 * 1024 * 1024 * 1024 * 1024)).ToString("F2", i) + "P";
    }

    /// <summary>INFO memory, with Redis 7.0's fields in its order (scripting, allocator internals and defrag read as idle).</summary>
    internal void WriteInfo(StringBuilder sb)
    {
        var r = Measure();
        var config = _server.Config;
        var (allocated, active, resident) = AllocatorFigures();
        long totalSystem = TotalSystemMemory();
        var i = CultureInfo.InvariantCulture;
        sb.Append(i, $"used_memory:{r.Used}\r\n");
        sb.Append(i, $"used_memory_human:{Human(r.Used)}\r\n");
        sb.Append(i, $"used_memory_rss:{r.Rss}\r\n");
        sb.Append(i, $"used_memory_rss_human:{Human(r.Rss)}\r\n");
        sb.Append(i, $"used_memory_peak:{r.Peak}\r\n");
        sb.Append(i, $"used_memory_peak_human:{Human(r.Peak)}\r\n");
        sb.Append(i, $"used_memory_peak_perc:{Percent(r.Used, r.Peak)}%\r\n");
        sb.Append(i, $"used_memory_overhead:{r.Overhead}\r\n");
        sb.Append(i, $"used_memory_startup:{r.Startup}\r\n");
        sb.Append(i, $"used_memory_dataset:{r.Dataset}\r\n");
        sb.Append(i, $"used_memory_dataset_perc:{Percent(r.Dataset, r.Used - r.Startup)}%\r\n");
        sb.Append(i, $"allocator_allocated:{allocated}\r\n");
        sb.Append(i, $"allocator_active:{active}\r\n");
        sb.Append(i, $"allocator_resident:{resident}\r\n");
        sb.Append(i, $"total_system_memory:{totalSystem}\r\n");
        sb.Append(i, $"total_system_memory_human:{Human(totalSystem)}\r\n");
        sb.Append("used_memory_lua:0\r\nused_memory_vm_eval:0\r\nused_memory_lua_human:0B\r\nused_memory_scripts_eval:0\r\n");
        sb.Append("number_of_cached_scripts:0\r\nnumber_of_functions:0\r\nnumber_of_libraries:0\r\n");
        sb.Append("used_memory_vm_functions:0\r\nused_memory_vm_total:0\r\nused_memory_vm_total_human:0B\r\n");
        sb.Append("used_memory_functions:0\r\nused_memory_scripts:0\r\nused_memory_scripts_human:0B\r\n");
        sb.Append(i, $"maxmemory:{config.MaxMemory}\r\n");
        sb.Append(i, $"maxmemory_human:{Human(config.MaxMemory)}\r\n");
        sb.Append(i, $"maxmemory_policy:{config.MaxMemoryPolicy}\r\n");
        sb.Append(i, $"allocator_frag_ratio:{Ratio(active, allocated)}\r\n");
        sb.Append(i, $"allocator_frag_bytes:{active - allocated}\r\n");
        sb.Append(i, $"allocator_rss_ratio:{Ratio(resident, active)}\r\n");
        sb.Append(i, $"allocator_rss_bytes:{resident - active}\r\n");
        sb.Append(i, $"rss_overhead_ratio:{Ratio(r.Rss, resident)}\r\n");
        sb.Append(i, $"rss_overhead_bytes:{r.Rss - resident}\r\n");
        sb.Append(i, $"mem_fragmentation_ratio:{Ratio(r.Rss, r.Used)}\r\n");
        sb.Append(i, $"mem_fragmentation_bytes:{r.Rss - r.Used}\r\n");
        sb.Append(i, $"mem_not_counted_for_evict:{r.NotCountedForEviction}\r\n");
        sb.Append(i, $"mem_replication_backlog:{r.ReplicationBacklog}\r\n");
        sb.Append(i, $"mem_total_replication_buffers:{r.ReplicationBacklog + r.ClientsReplicas}\r\n");
        sb.Append(i, $"mem_clients_slaves:{r.ClientsReplicas}\r\n");
        sb.Append(i, $"mem_clients_normal:{r.ClientsNormal}\r\n");
        sb.Append("mem_cluster_links:0\r\n");
        sb.Append(i, $"mem_aof_buffer:{r.AofBuffer}\r\n");
        sb.Append("mem_allocator:dotnet-gc\r\n");
        sb.Append("active_defrag_running:0\r\nlazyfree_pending_objects:0\r\nlazyfreed_objects:0\r\n");
    }

    /// <summary>The allocator_* figures, from the garbage collector: live objects, heap size, committed memory.</summary>
    private static (long Allocated, long Active, long Resident) AllocatorFigures()
    {
        var gc = GC.GetGCMemoryInfo();
        long allocated = GC.GetTotalMemory(false);
        long active = Math.Max(allocated, gc.HeapSizeBytes);
        return (allocated, active, Math.Max(active, gc.TotalCommittedBytes));
    }

    private static string Percent(long part, long whole) =>
        (whole <= 0 ? 0 : part * 100.0 / whole).ToString("F2", CultureInfo.InvariantCulture);

    private static string Ratio(long a, long b) => (b <= 0 ? 0 : (double)a / b).ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>MEMORY STATS: Redis's field list, as name/value pairs (a map in RESP3).</summary>
    internal void WriteStats(CommandContext ctx)
    {
        var r = Measure();
        var reply = ctx.Reply;
        var (allocated, active, resident) = AllocatorFigures();
        long net = r.Used - r.Startup;
        reply.WriteMapHeader(27 + r.HashTables.Count);
        Pair("peak.allocated", r.Peak);
        Pair("total.allocated", r.Used);
        Pair("startup.allocated", r.Startup);
        Pair("replication.backlog", r.ReplicationBacklog);
        Pair("clients.slaves", r.ClientsReplicas);
        Pair("clients.normal", r.ClientsNormal);
        Pair("cluster.links", 0);
        Pair("aof.buffer", r.AofBuffer);
        Pair("lua.caches", 0);
        Pair("functions.caches", 0);
        foreach (var (db, main, expires) in r.HashTables)
        {
            reply.WriteBulkString("db." + db.ToString(CultureInfo.InvariantCulture));
            reply.WriteMapHeader(3);
            Pair("overhead.hashtable.main", main);
            Pair("overhead.hashtable.expires", expires);
            Pair("overhead.hashtable.slot-to-keys", 0);
        }
        Pair("overhead.total", r.Overhead);
        Pair("keys.count", r.Keys);
        Pair("keys.bytes-per-key", r.Keys > 0 ? net / r.Keys : 0);
        Pair("dataset.bytes", r.Dataset);
        DoublePair("dataset.percentage", net > 0 ? (float)(r.Dataset * 100.0 / net) : 0);
        DoublePair("peak.percentage", r.Peak > 0 ? (float)(r.Used * 100.0 / r.Peak) : 0);
        Pair("allocator.allocated", allocated);
        Pair("allocator.active", active);
        Pair("allocator.resident", resident);
        DoublePair("allocator-fragmentation.ratio", allocated > 0 ? (float)active / allocated : 0);
        Pair("allocator-fragmentation.bytes", active - allocated);
        DoublePair("allocator-rss.ratio", active > 0 ? (float)resident / active : 0);
        Pair("allocator-rss.bytes", resident - active);
        DoublePair("rss-overhead.ratio", resident > 0 ? (float)r.Rss / resident : 0);
        Pair("rss-overhead.bytes", r.Rss - resident);
        DoublePair("fragmentation", r.Used > 0 ? (float)r.Rss / r.Used : 0);
        Pair("fragmentation.bytes", r.Rss - r.Used);

        void Pair(string name, long value)
        {
            reply.WriteBulkString(name);
            reply.WriteInteger(value);
        }

        void DoublePair(string name, float value)
        {
            reply.WriteBulkString(name);
            reply.WriteDouble(value);
        }
    }
}
