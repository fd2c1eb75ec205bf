using Vigil.Server.Blocking;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;
using static Vigil.Server.Commands.SortedSetCommands;

namespace Vigil.Server.Commands;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP (blockingGenericZpopCommand): pop at once from the first non-empty
/// sorted set, else wait through <see cref="BlockingManager"/> until a set appears in one of the keys.
/// Replicas receive ZPOPMIN/ZPOPMAX, with the number popped for BZMPOP (as Redis 7.0.15 sends them).
/// </summary>
internal static class SortedSetBlockingCommands
{
    private const string SortedSetType = "zset";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("bzpopmin", -3, Write | NoScript | Fast | CommandFlags.Blocking, 1, -2, 1, ctx => BZPop(ctx, PopEnd.Min), Group);
        t.Add("bzpopmax", -3, Write | NoScript | Fast | CommandFlags.Blocking, 1, -2, 1, ctx => BZPop(ctx, PopEnd.Max), Group);
        t.Add("bzmpop", -5, Write | CommandFlags.Blocking, 0, 0, 0, BZMPop, Group);
    }

    /// <summary>BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score].</summary>
    private static void BZPop(CommandContext ctx, PopEnd end)
    {
        if (!BlockingManager.TryGetTimeout(ctx, ctx.ArgCount - 1, out long deadline)) return;
        int keyCount = ctx.ArgCount - 2;
        if (TryPopFirst(ctx, 1, keyCount, end, 1, PopReply.KeyAndElement, propagateCount: false)) return;
        BlockOrGiveUp(ctx, 1, keyCount, deadline, (c, key, value) =>
        {
            Pop(c, key, (RedisSortedSet)value, end, 1, PopReply.KeyAndElement);
            c.PropagateAs = PropagatedPop(end, key, null);
        });
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: [key, [[member, score], ...]].</summary>
    private static void BZMPop(CommandContext ctx)
    {
        if (!MPopArguments.TryParse(ctx, 2, "min"u8, "max"u8, out var arguments)) return;
        if (!BlockingManager.TryGetTimeout(ctx, 1, out long deadline)) return;
        var end = arguments.FirstEnd ? PopEnd.Min : PopEnd.Max;
        long count = arguments.Count;
        if (TryPopFirst(ctx, arguments.FirstKey, arguments.KeyCount, end, count, PopReply.KeyAndPairs, propagateCount: true)) return;
        BlockOrGiveUp(ctx, arguments.FirstKey, arguments.KeyCount, deadline, (c, key, value) =>
        {
            long popped = Pop(c, key, (RedisSortedSet)value, end, count, PopReply.KeyAndPairs);
            c.PropagateAs = PropagatedPop(end, key, popped);
        });
    }

    /// <summary>Blocks on the keys, or, where a client may not block (MULTI, the master's link), answers as a timeout.</summary>
    private static void BlockOrGiveUp(CommandContext ctx, int firstKey, int keyCount, long deadline, ServeBlocked serve)
    {
        if (!BlockingManager.MayBlock(ctx.Client))
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        ctx.Server.Blocking.Block(ctx, firstKey, keyCount, deadline, SortedSetType, serve);
    }
}
