using System.Security.Cryptography;
using System.Text;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// ACL for the one user Vigil has, "default" (its password is requirepass): WHOAMI, USERS, LIST,
/// CAT, GENPASS, HELP. Managing users is not implemented.
/// </summary>
internal static class AclCommand
{
    private static readonly string[] HelpLines =
    [
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
    ];

    public static void Register(VigilServer server)
    {
        const CommandFlags session = NoScript | Loading | Stale;
        var acl = server.Commands.AddContainer("acl", -2, None, "server");
        acl.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, HelpLines));
        acl.AddSubcommand("whoami", 2, session, ctx => ctx.Reply.WriteBulkString(ctx.Client.User));
        acl.AddSubcommand("users", 2, Admin | session, ctx =>
        {
            ctx.Reply.WriteArrayHeader(1);
            ctx.Reply.WriteBulkString("default"u8);
        });
        acl.AddSubcommand("list", 2, Admin | session, ctx =>
        {
            ctx.Reply.WriteArrayHeader(1);
            ctx.Reply.WriteBulkString(ctx.Server.Config.DefaultUser.Describe());
        });
        acl.AddSubcommand("cat", -2, session, Cat);
        acl.AddSubcommand("genpass", -2, session, GenPass);
    }

    private static void Cat(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            Help.SubcommandSyntaxError(ctx);
            return;
        }
        if (ctx.ArgCount == 2)
        {
            ctx.Reply.WriteArrayHeader(CommandCategories.All.Length);
            foreach (var category in CommandCategories.All) ctx.Reply.WriteBulkString(category);
            return;
        }
        string wanted = ctx.ArgLatin1(2).ToLowerInvariant();
        if (Array.IndexOf(CommandCategories.All, wanted) < 0)
        {
            ctx.Error($"ERR Unknown category '{ctx.ArgLatin1(2)}'");
            return;
        }
        var names = new List<string>();
        foreach (var command in ctx.Server.Commands.All)
        {
            if (command.Subcommands == null || command.DispatchesItself)
            {
                if (CommandCategories.Of(command).Contains(wanted)) names.Add(command.FullName);
                continue;
            }
            foreach (var sub in command.Subcommands.Values)
            {
                if (CommandCategories.Of(sub).Contains(wanted)) names.Add(sub.FullName);
            }
        }
        ctx.Reply.WriteArrayHeader(names.Count);
        foreach (var name in names) ctx.Reply.WriteBulkString(name);
    }

    /// <summary>ACL GENPASS [bits]: that many random bits (256 by default) as hex digits.</summary>
    private static void GenPass(CommandContext ctx)
    {
        long bits = 256;
        if (ctx.ArgCount > 3)
        {
            Help.SubcommandSyntaxError(ctx);
            return;
        }
        if (ctx.ArgCount == 3 && (!Vigil.Protocol.RedisNumbers.TryParseInt64(ctx.Arg(2), out bits) || bits <= 0 || bits > 4096))
        {
            ctx.Error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
            return;
        }
        int chars = (int)((bits + 3) / 4);
        string hex = Convert.ToHexString(RandomNumberGenerator.GetBytes((chars + 1) / 2)).ToLowerInvariant();
        ctx.Reply.WriteBulkString(hex[..chars]);
    }
}
