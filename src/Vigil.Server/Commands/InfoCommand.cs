using System.Text;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// INFO [section ...]: the registered sections in Redis's order. No argument or "default" prints
/// the default ones, "all" and "everything" all of them; unknown names print nothing.
/// </summary>
internal static class InfoCommand
{
    public static void Register(VigilServer server)
    {
        server.Commands.Add("info", -1, Loading | Stale, 0, 0, 0, Info, "server");
    }

    private static void Info(CommandContext ctx)
    {
        var sections = ctx.Server.Info.All;
        var selected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        bool all = false, defaults = ctx.ArgCount == 1;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            string name = ctx.ArgLatin1(i);
            if (name.Equals("all", StringComparison.OrdinalIgnoreCase) || name.Equals("everything", StringComparison.OrdinalIgnoreCase)) all = true;
            else if (name.Equals("default", StringComparison.OrdinalIgnoreCase)) defaults = true;
            else selected.Add(name);
        }
        var text = new StringBuilder(4096);
        foreach (var section in sections)
        {
            if (!all && !(defaults && section.InDefault) && !selected.Contains(section.Name)) continue;
            if (text.Length > 0) text.Append("\r\n");
            text.Append("# ").Append(InfoSections.Header(section.Name)).Append("\r\n");
            section.Write(text);
        }
        ctx.Reply.WriteVerbatim(text.ToString());
    }
}
