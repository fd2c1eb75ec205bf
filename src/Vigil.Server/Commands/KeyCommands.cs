using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>Generic key commands.</summary>
internal static class KeyCommands
{
    private const string Group = "generic";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("del", -2, Write, 1, -1, 1, Del, Group);
        t.Add("exists", -2, ReadOnly | Fast, 1, -1, 1, Exists, Group);
    }

    private static void Del(CommandContext ctx)
    {
        long deleted = 0;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (ctx.Db.Delete(ctx.Arg(i))) deleted++;
        }
        ctx.MarkDirty(deleted);
        ctx.Reply.WriteInteger(deleted);
    }

    private static void Exists(CommandContext ctx)
    {
        long found = 0;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (ctx.Db.Exists(ctx.Arg(i))) found++;
        }
        ctx.Reply.WriteInteger(found);
    }
}
