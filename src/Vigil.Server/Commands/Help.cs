namespace Vigil.Server.Commands;

/// <summary>The replies every container command shares: HELP (addReplyHelp) and the subcommand syntax error.</summary>
internal static class Help
{
    /// <summary>"CMD &lt;subcommand&gt; ... Subcommands are:", the lines, then HELP's own entry.</summary>
    public static void Write(CommandContext ctx, string[] lines)
    {
        var reply = ctx.Reply;
        reply.WriteArrayHeader(lines.Length + 3);
        reply.WriteSimpleString($"{ctx.ArgLatin1(0).ToUpperInvariant()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        foreach (var line in lines) reply.WriteSimpleString(line);
        reply.WriteSimpleString("HELP");
        reply.WriteSimpleString("    Prints this help.");
    }

    /// <summary>addReplySubcommandSyntaxError: the subcommand exists but its arguments do not fit.</summary>
    public static void SubcommandSyntaxError(CommandContext ctx)
    {
        string sub = ctx.ArgLatin1(1);
        if (sub.Length > 128) sub = sub[..128];
        ctx.Error($"ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {ctx.ArgLatin1(0).ToUpperInvariant()} HELP.");
    }
}
