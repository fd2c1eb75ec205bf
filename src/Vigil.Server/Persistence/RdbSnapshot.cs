using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// A point-in-time view of every database, taken under the keyspace lock in one memory copy of the
/// tables (references only). Strings are immutable byte arrays, so the view stays true while writes
/// go on; collections are protected by copy-on-write (<see cref="SnapshotGuard"/>) until the view
/// has been written out and released.
/// </summary>
public sealed class RdbSnapshot
{
    public sealed record DatabaseView(int Index, byte[][] Keys, object[] Values, Dictionary<byte[], long> Expires);

    private RdbSnapshot(List<DatabaseView> databases, long createdUnixMs)
    {
        Databases = databases;
        CreatedUnixMs = createdUnixMs;
    }

    public IReadOnlyList<DatabaseView> Databases { get; }

    public long CreatedUnixMs { get; }

    /// <summary>Takes the view. Call under the keyspace lock.</summary>
    public static RdbSnapshot Capture(Keyspace keyspace)
    {
        var views = new List<DatabaseView>();
        for (int i = 0; i < keyspace.DatabaseCount; i++)
        {
            var db = keyspace[i];
            if (db.Count == 0) continue;
            var (keys, values) = db.Main.CopyEntries();
            var expires = new Dictionary<byte[], long>(db.ExpiresCount, ReferenceEqualityComparer.Instance);
            if (db.ExpiresCount > 0)
            {
                var (expireKeys, whens) = db.Expires.CopyEntries();
                for (int k = 0; k < expireKeys.Length; k++) expires[expireKeys[k]] = whens[k];
            }
            views.Add(new DatabaseView(i, keys, values, expires));
        }
        return new RdbSnapshot(views, keyspace.Now);
    }
}
