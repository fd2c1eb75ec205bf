namespace Vigil.Server.Storage;

/// <summary>Names of value types as TYPE and SCAN TYPE report them.</summary>
public static class RedisTypes
{
    /// <summary>The TYPE name of a stored value. Collection types implement <see cref="IRedisValue"/>.</summary>
    public static string NameOf(object value) => value switch
    {
        byte[] => "string",
        IRedisValue v => v.TypeName,
        _ => "none",
    };
}

/// <summary>A stored value other than a string (strings are plain byte arrays).</summary>
public interface IRedisValue
{
    /// <summary>"list", "set", "zset", "hash" or "stream".</summary>
    string TypeName { get; }

    /// <summary>What OBJECT ENCODING reports: "listpack", "quicklist", "intset", "hashtable", "skiplist".</summary>
    string Encoding { get; }

    /// <summary>
    /// Bytes this value holds (elements, their overhead, the structure), estimated in O(1) and kept
    /// up to date as the value changes: used_memory, MEMORY USAGE and maxmemory eviction add these up.
    /// </summary>
    long MemoryUsage { get; }
}
