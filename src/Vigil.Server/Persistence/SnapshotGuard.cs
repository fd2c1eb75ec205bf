using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// Copy-on-write for collections while a snapshot is being written: the first time a write
/// command reaches a collection that the snapshot may still hold, the live table gets a clone and
/// the snapshot keeps the original, untouched. Clones made here are remembered so each collection
/// is copied at most once per snapshot.
/// </summary>
public sealed class SnapshotGuard
{
    private readonly HashSet<object> _clones = new(ReferenceEqualityComparer.Instance);

    public long ClonedValues => _clones.Count;

    /// <summary>Replaces <paramref name="slot"/> with a private clone unless it already is one.</summary>
    public object Protect(ref object slot)
    {
        var value = slot;
        if (value is byte[] || _clones.Contains(value)) return value;
        if (value is not ICloneableValue cloneable) return value;
        var clone = cloneable.Clone();
        _clones.Add(clone);
        slot = clone;
        return clone;
    }
}
