using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF (rdb.c, aof.c).</summary>
internal static class PersistenceCommands
{
    private const string Group = "server";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("save", 1, Admin | NoScript | NoMulti, 0, 0, 0, Save, Group);
        t.Add("bgsave", -1, Admin | NoScript, 0, 0, 0, BackgroundSave, Group);
        t.Add("lastsave", 1, Loading | Stale | Fast, 0, 0, 0, ctx => ctx.Reply.WriteInteger(ctx.Server.Persistence.LastSaveUnixSeconds), Group);
        t.Add("bgrewriteaof", 1, Admin | NoScript, 0, 0, 0, RewriteAof, Group);
        var debug = t.Find("debug")!;
        debug.AddSubcommand("reload", -2, None, DebugReload);
        debug.AddSubcommand("loadaof", 2, None, ctx =>
        {
            if (ctx.Server.Persistence.DebugLoadAof() is { } error) ctx.Error(error);
            else ctx.Reply.WriteOk();
        });
    }

    /// <summary>DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE].</summary>
    private static void DebugReload(CommandContext ctx)
    {
        bool save = true, flush = true, merge = false;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "merge"u8)) merge = true;
            else if (ctx.ArgIs(i, "noflush"u8)) flush = false;
            else if (ctx.ArgIs(i, "nosave"u8)) save = false;
            else
            {
                ctx.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        if (ctx.Server.Persistence.DebugReload(save, flush, merge) is { } error) ctx.Error(error);
        else ctx.Reply.WriteOk();
    }

    private static void Save(CommandContext ctx)
    {
        var persistence = ctx.Server.Persistence;
        if (persistence.RdbSaveInProgress)
        {
            ctx.Error("ERR Background save already in progress");
            return;
        }
        persistence.CountSave();
        if (persistence.Save()) ctx.Reply.WriteOk();
        else ctx.Error("ERR");
    }

    private static void BackgroundSave(CommandContext ctx)
    {
        bool schedule = false;
        if (ctx.ArgCount > 1)
        {
            if (ctx.ArgCount != 2 || !ctx.ArgIs(1, "schedule"u8))
            {
                ctx.SyntaxError();
                return;
            }
            schedule = true;
        }
        // Inside EXEC the save is scheduled for after it, as in Redis.
        Reply(ctx, ctx.Server.Persistence.RequestBackgroundSave(schedule, forceSchedule: ctx.Client.HasFlag(Clients.ClientFlags.Multi)));
    }

    private static void RewriteAof(CommandContext ctx) =>
        Reply(ctx, ctx.Server.Persistence.Aof.RequestRewrite(inExec: ctx.Client.HasFlag(Clients.ClientFlags.Multi)));

    private static void Reply(CommandContext ctx, string reply)
    {
        if (reply.StartsWith("ERR", StringComparison.Ordinal)) ctx.Error(reply);
        else ctx.Reply.WriteSimpleString(reply);
    }
}
