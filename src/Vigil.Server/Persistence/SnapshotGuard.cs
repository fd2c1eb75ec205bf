using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// Copy-on-write for collections while a snapshot is open: the key tables copy their own chunks,
/// but a collection is one object that both the snapshot and the live table point to. The first
/// time a write command reaches a collection, the live table gets a clone and the snapshot keeps
/// the original, untouched. Clones made here are remembered so each collection is copied at most
/// once per snapshot. Strings need no copy: they are never changed in place.
/// </summary>
public sealed class SnapshotGuard
{
    private readonly HashSet<object> _clones = new(ReferenceEqualityComparer.Instance);

    public long ClonedValues => _clones.Count;

    /// <summary>The memory of the clones made (read from the snapshot's writer thread: an estimate).</summary>
    public long ClonedBytes => Interlocked.Read(ref _clonedBytes);

    private long _clonedBytes;

    /// <summary>A private clone of <paramref name="value"/> to store in its place, or null when it needs none.</summary>
    public object? CloneIfShared(object value)
    {
        if (value is byte[] || value is not ICloneableValue cloneable || _clones.Contains(value)) return null;
        var clone = cloneable.Clone();
        _clones.Add(clone);
        if (clone is IRedisValue redisValue) Interlocked.Add(ref _clonedBytes, redisValue.MemoryUsage);
        return clone;
    }
}
