using Vigil.Server.PubSub;

namespace Vigil.Server.Commands;

/// <summary>
/// Redis's lookupKeyRead family: a read lookup counts keyspace_hits / keyspace_misses and fires the
/// "keymiss" event; a write lookup (<see cref="Storage.Database.Get"/> directly) does neither.
/// </summary>
internal static class KeyLookup
{
    /// <summary>lookupKeyRead: counts, notifies a miss, and updates the key's access time.</summary>
    public static object? Read(CommandContext ctx, ReadOnlySpan<byte> key) => Count(ctx, key, ctx.Db.Get(key), notifyMiss: true);

    /// <summary>lookupKeyReadWithFlags(LOOKUP_NOTOUCH): EXISTS, TYPE, TTL leave the access time alone.</summary>
    public static object? ReadNoTouch(CommandContext ctx, ReadOnlySpan<byte> key) => Count(ctx, key, ctx.Db.Peek(key), notifyMiss: true);

    /// <summary>OBJECT's lookup (LOOKUP_NOTOUCH | LOOKUP_NONOTIFY): counted, but no "keymiss" event.</summary>
    public static object? ReadSilently(CommandContext ctx, ReadOnlySpan<byte> key) => Count(ctx, key, ctx.Db.Peek(key), notifyMiss: false);

    /// <summary>
    /// The value at <paramref name="key"/> as a <typeparamref name="T"/>: through <see cref="Read"/>,
    /// or a write lookup (lookupKeyWrite: no statistics) when <paramref name="forWrite"/>. False after
    /// a WRONGTYPE reply; true with a null value when the key is missing.
    /// </summary>
    public static bool TryGet<T>(CommandContext ctx, ReadOnlySpan<byte> key, bool forWrite, out T? value) where T : class
    {
        var found = forWrite ? ctx.Db.Get(key) : Read(ctx, key);
        value = found as T;
        if (found == null || value != null) return true;
        ctx.WrongType();
        return false;
    }

    private static object? Count(CommandContext ctx, ReadOnlySpan<byte> key, object? value, bool notifyMiss)
    {
        if (value != null)
        {
            ctx.Server.Stats.KeyspaceHits++;
            return value;
        }
        ctx.Server.Stats.KeyspaceMisses++;
        if (notifyMiss) ctx.Notify(KeyspaceEventType.KeyMiss, "keymiss", key);
        return null;
    }
}
