using Vigil.Server.PubSub;
using Vigil.Server.Storage;

namespace Vigil.Server.Commands;

/// <summary>HDEL and SREM: removal of the members named by the arguments, the key going when the collection empties.</summary>
internal static class MemberRemoval
{
    /// <summary>
    /// Removes the members named by arguments 2 on from <paramref name="collection"/> (stored at
    /// <paramref name="key"/>, null when missing), stopping once it is empty; then deletes the key or
    /// signals the change, fires <paramref name="eventName"/> (and "del"), and replies the count.
    /// </summary>
    public static void RemoveArguments(CommandContext ctx, ReadOnlySpan<byte> key, IMemberCollection? collection, KeyspaceEventType type, string eventName)
    {
        long removed = 0;
        bool emptied = false;
        if (collection != null)
        {
            for (int i = 2; i < ctx.ArgCount && !emptied; i++)
            {
                if (!collection.Remove(ctx.Arg(i))) continue;
                removed++;
                emptied = collection.Count == 0;
            }
        }
        if (removed > 0)
        {
            if (emptied) ctx.Db.Delete(key);
            else ctx.Db.SignalModified(key);
            ctx.Notify(type, eventName, key);
            if (emptied) ctx.Notify(KeyspaceEventType.Generic, "del", key);
            ctx.MarkDirty(removed);
        }
        ctx.Reply.WriteInteger(removed);
    }
}
