using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>String commands.</summary>
internal static class StringCommands
{
    private const string Group = "string";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("get", 2, ReadOnly | Fast, 1, 1, 1, Get, Group);
        t.Add("set", -3, Write | DenyOom, 1, 1, 1, Set, Group);
    }

    private static void Get(CommandContext ctx)
    {
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value == null)
        {
            ctx.Server.Stats.KeyspaceMisses++;
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Server.Stats.KeyspaceHits++;
        if (value is not byte[] bytes)
        {
            ctx.WrongType();
            return;
        }
        ctx.Reply.WriteBulkString(bytes);
    }

    private static void Set(CommandContext ctx)
    {
        ctx.Db.Set(ctx.Arg(1), ctx.ArgBytes(2));
        ctx.MarkDirty();
        ctx.Reply.WriteOk();
    }
}
