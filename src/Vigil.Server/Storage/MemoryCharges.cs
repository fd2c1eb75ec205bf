namespace Vigil.Server.Storage;

/// <summary>
/// Keeps each database's <see cref="Database.DataBytes"/> true while write commands change
/// collections in place. A collection a write command looks up or stores is noted with the bytes
/// its database was charged for it; when the command ends, <see cref="Settle"/> charges the
/// difference with its MemoryUsage now. A value that leaves its table meanwhile is discharged by
/// the bytes it was noted with, so deleting what a command just shrank (LPOP of the last element)
/// comes out even.
/// </summary>
internal sealed class MemoryCharges
{
    /// <summary>Past this many notes in one command, the table is dropped after settling rather than cleared each time.</summary>
    private const int LargeCommand = 1024;

    private Dictionary<IRedisValue, Charge> _open = new(ReferenceEqualityComparer.Instance);

    private readonly record struct Charge(Database Db, long Bytes);

    /// <summary>Notes a collection a write command may change in place, unless it is noted already.</summary>
    public void Note(Database db, IRedisValue value, long bytes) => _open.TryAdd(value, new Charge(db, bytes));

    /// <summary>The bytes a value leaving its table was charged: what it was noted with, or its size now.</summary>
    public long Release(object value)
    {
        if (value is IRedisValue collection && _open.Count > 0 && _open.Remove(collection, out var charge)) return charge.Bytes;
        return ObjectSizes.Value(value);
    }

    /// <summary>Charges each noted collection's change since it was noted to its database.</summary>
    public void Settle()
    {
        if (_open.Count == 0) return;
        foreach (var (value, charge) in _open) charge.Db.DataBytes += value.MemoryUsage - charge.Bytes;
        if (_open.Count > LargeCommand) _open = new Dictionary<IRedisValue, Charge>(ReferenceEqualityComparer.Instance);
        else _open.Clear();
    }
}
