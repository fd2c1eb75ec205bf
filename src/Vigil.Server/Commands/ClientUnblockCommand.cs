using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>CLIENT UNBLOCK id [TIMEOUT|ERROR], the blocking framework's subcommand of CLIENT (networking.c).</summary>
internal static class ClientUnblockCommand
{
    public static void Register(VigilServer server) =>
        server.Commands.Find("client")!.AddSubcommand("unblock", -3, Admin | NoScript | Loading | Stale, Unblock);

    /// <summary>Ends another client's wait as its timeout would (:1), or with an UNBLOCKED error; :0 when it is not blocked.</summary>
    private static void Unblock(CommandContext ctx)
    {
        if (ctx.ArgCount > 4)
        {
            ctx.Error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
            return;
        }
        bool withError = false;
        if (ctx.ArgCount == 4)
        {
            withError = ctx.ArgIs(3, "error"u8);
            if (!withError && !ctx.ArgIs(3, "timeout"u8))
            {
                ctx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        if (!ctx.TryGetInt64(2, out long id)) return;
        var target = ctx.Server.Clients.Find(id);
        ctx.Reply.WriteInteger(target != null && ctx.Server.Blocking.Unblock(target, withError) ? 1 : 0);
    }
}
