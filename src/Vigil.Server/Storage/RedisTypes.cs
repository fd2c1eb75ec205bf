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
}
