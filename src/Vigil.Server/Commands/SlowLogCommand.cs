using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>SLOWLOG GET [count] | LEN | RESET | HELP (slowlog.c).</summary>
internal static class SlowLogCommand
{
    private static readonly string[] HelpLines =
    [
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
    ];

    public static void Register(VigilServer server)
    {
        var slowlog = server.Commands.AddContainer("slowlog", -2, None, "server");
        slowlog.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, HelpLines));
        slowlog.AddSubcommand("get", -2, Admin | Loading | Stale, Get);
        slowlog.AddSubcommand("len", 2, Admin | Loading | Stale, ctx => ctx.Reply.WriteInteger(ctx.Server.SlowLog.Count));
        slowlog.AddSubcommand("reset", 2, Admin | Loading | Stale, ctx =>
        {
            ctx.Server.SlowLog.Reset();
            ctx.Reply.WriteOk();
        });
    }

    /// <summary>Newest first: id, Unix time, microseconds, arguments, client address, client name.</summary>
    private static void Get(CommandContext ctx)
    {
        long count = 10;
        if (ctx.ArgCount > 3)
        {
            Help.SubcommandSyntaxError(ctx);
            return;
        }
        if (ctx.ArgCount == 3 && (!Vigil.Protocol.RedisNumbers.TryParseInt64(ctx.Arg(2), out count) || count < -1))
        {
            ctx.Error("ERR count should be greater than or equal to -1");
            return;
        }
        var log = ctx.Server.SlowLog;
        int n = count == -1 ? log.Count : (int)Math.Min(count, log.Count);
        var reply = ctx.Reply;
        reply.WriteArrayHeader(n);
        foreach (var entry in log.Newest)
        {
            if (n-- == 0) break;
            reply.WriteArrayHeader(6);
            reply.WriteInteger(entry.Id);
            reply.WriteInteger(entry.UnixSeconds);
            reply.WriteInteger(entry.Microseconds);
            reply.WriteArrayHeader(entry.Args.Length);
            foreach (var arg in entry.Args) reply.WriteBulkString(System.Text.Encoding.Latin1.GetBytes(arg));
            reply.WriteBulkString(entry.Peer);
            reply.WriteBulkString(entry.ClientName);
        }
    }
}
