namespace Vigil.Server.Storage;

/// <summary>
/// What values cost on the managed heap (64-bit GC layout), for used_memory: the dataset is
/// charged these sizes, so that maxmemory bounds what the process really holds.
/// </summary>
public static class ObjectSizes
{
    /// <summary>An array's header: the object header, the method table pointer and the length (padded).</summary>
    public const int ArrayHeader = 24;

    /// <summary>A byte[] of <paramref name="length"/> bytes: header plus data rounded up to 8.</summary>
    public static long ByteArray(int length) => ArrayHeader + ((length + 7L) & ~7L);

    /// <summary>A stored value: a string's array, or a collection's own <see cref="IRedisValue.MemoryUsage"/>.</summary>
    public static long Value(object value) => value is byte[] bytes ? ByteArray(bytes.Length) : ((IRedisValue)value).MemoryUsage;
}
