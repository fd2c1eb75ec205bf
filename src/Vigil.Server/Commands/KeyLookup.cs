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
