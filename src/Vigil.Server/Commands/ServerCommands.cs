using Vigil.Protocol;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LOLWUT, SHUTDOWN (server.c, db.c).</summary>
internal static class ServerCommands
{
    private const string Group = "server";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("dbsize", 1, ReadOnly | Fast, 0, 0, 0, ctx => ctx.Reply.WriteInteger(ctx.Db.Count), Group);
        t.Add("flushdb", -1, Write, 0, 0, 0, FlushDb, Group);
        t.Add("flushall", -1, Write, 0, 0, 0, FlushAll, Group);
        t.Add("swapdb", 3, Write | Fast, 0, 0, 0, SwapDb, Group);
        t.Add("time", 1, Loading | Stale | Fast, 0, 0, 0, Time, Group);
        t.Add("lolwut", -1, ReadOnly | Fast, 0, 0, 0, Lolwut, Group);
        t.Add("shutdown", -1, Admin | NoScript | Loading | Stale | NoMulti | AllowBusy, 0, 0, 0, Shutdown, Group);
    }

    /// <summary>getFlushCommandFlags: nothing, ASYNC or SYNC (both empty the data at once here).</summary>
    private static bool CheckFlushArguments(CommandContext ctx)
    {
        if (ctx.ArgCount == 1 || (ctx.ArgCount == 2 && (ctx.ArgIs(1, "async"u8) || ctx.ArgIs(1, "sync"u8)))) return true;
        ctx.SyntaxError();
        return false;
    }

    private static void FlushDb(CommandContext ctx)
    {
        if (!CheckFlushArguments(ctx)) return;
        long removed = ctx.Db.Count;
        ctx.Db.Clear();
        ctx.MarkDirty(removed);
        // Propagated even when the database was already empty.
        ctx.ForcePropagation = true;
        ctx.Reply.WriteOk();
    }

    private static void FlushAll(CommandContext ctx)
    {
        if (!CheckFlushArguments(ctx)) return;
        var keyspace = ctx.Server.Keyspace;
        long removed = keyspace.TotalKeys();
        keyspace.FlushAll();
        // flushAllDataAndResetRDB: the emptied keys, plus one for FLUSHALL itself.
        ctx.MarkDirty(removed + 1);
        ctx.ForcePropagation = true;
        ctx.Server.OnFlushedAll();
        ctx.Reply.WriteOk();
    }

    private static void SwapDb(CommandContext ctx)
    {
        if (!RedisNumbers.TryParseInt64(ctx.Arg(1), out long first) || first is < int.MinValue or > int.MaxValue)
        {
            ctx.Error("ERR invalid first DB index");
            return;
        }
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long second) || second is < int.MinValue or > int.MaxValue)
        {
            ctx.Error("ERR invalid second DB index");
            return;
        }
        var keyspace = ctx.Server.Keyspace;
        if (first < 0 || first >= keyspace.DatabaseCount || second < 0 || second >= keyspace.DatabaseCount)
        {
            ctx.Error(Errors.InvalidDb);
            return;
        }
        keyspace.Swap((int)first, (int)second);
        ctx.MarkDirty();
        ctx.Reply.WriteOk();
    }

    private static void Time(CommandContext ctx)
    {
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(micros / 1_000_000);
        ctx.Reply.WriteBulkString(micros % 1_000_000);
    }

    /// <summary>LOLWUT [VERSION v]: a small piece of generated art, then the version line.</summary>
    private static void Lolwut(CommandContext ctx)
    {
        if (ctx.ArgCount >= 3 && ctx.ArgIs(1, "version"u8) && !RedisNumbers.TryParseInt64(ctx.Arg(2), out _))
        {
            ctx.Error(Errors.NotInteger);
            return;
        }
        var art = new System.Text.StringBuilder();
        var random = new Random(7);
        for (int row = 0; row < 4; row++)
        {
            for (int col = 0; col < 32; col++) art.Append((char)(0x2800 + random.Next(256)));
            art.Append('\n');
        }
        art.Append("\nVigil, a Redis-compatible server. Redis ver. ").Append(ServerInfo.RedisVersion).Append('\n');
        ctx.Reply.WriteVerbatim(art.ToString());
    }

    /// <summary>
    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the final save and the like run through
    /// <see cref="VigilServer.ShuttingDown"/>; when one of them fails without FORCE, the node stays up
    /// and says so. On success nothing is answered: the connection closes.
    /// </summary>
    private static void Shutdown(CommandContext ctx)
    {
        bool save = false, noSave = false, now = false, force = false, abort = false;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "nosave"u8)) noSave = true;
            else if (ctx.ArgIs(i, "save"u8)) save = true;
            else if (ctx.ArgIs(i, "now"u8)) now = true;
            else if (ctx.ArgIs(i, "force"u8)) force = true;
            else if (ctx.ArgIs(i, "abort"u8)) abort = true;
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if ((abort && ctx.ArgCount > 2) || (noSave && save))
        {
            ctx.SyntaxError();
            return;
        }
        if (abort)
        {
            // A shutdown here is never left waiting (for replicas), so there is nothing to abort.
            ctx.Error("ERR No shutdown in progress.");
            return;
        }
        var request = new ShutdownRequest { Save = save ? true : noSave ? false : null, Now = now, Force = force };
        if (ctx.Server.Shutdown(request) is { } refusal) ctx.Error(refusal);
    }
}
