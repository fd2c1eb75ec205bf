using System.Text;
using Vigil.Server.Configuration;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>CONFIG GET | SET | RESETSTAT | REWRITE | HELP (config.c).</summary>
internal static class ConfigCommand
{
    private static readonly string[] HelpLines =
    [
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
    ];

    public static void Register(VigilServer server)
    {
        var config = server.Commands.AddContainer("config", -2, None, "server");
        config.AddSubcommand("get", -3, Admin | NoScript | Loading | Stale, Get);
        config.AddSubcommand("set", -4, Admin | NoScript | Loading | Stale | MayReplicate, Set);
        config.AddSubcommand("resetstat", 2, Admin | NoScript | Loading | Stale, ResetStat);
        config.AddSubcommand("rewrite", 2, Admin | NoScript | Loading | Stale, Rewrite);
        config.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, HelpLines));
    }

    /// <summary>CONFIG GET pattern [pattern ...]: exact names (aliases too, as typed) and globs over every visible name.</summary>
    private static void Get(CommandContext ctx)
    {
        var config = ctx.Server.Config;
        var matches = new List<(string Name, ConfigDirective Directive)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            string pattern = ctx.ArgLatin1(i);
            if (pattern.IndexOfAny(['[', '*', '?']) < 0)
            {
                var directive = ConfigDirectives.Find(pattern);
                if (directive != null && seen.Add(pattern)) matches.Add((pattern, directive));
                continue;
            }
            var patternBytes = ctx.ArgBytes(i);
            foreach (var directive in ConfigDirectives.All)
            {
                if (directive.Has(ConfigFlags.Hidden)) continue;
                AddIfMatches(directive.Name, directive);
                foreach (var alias in directive.Aliases) AddIfMatches(alias, directive);
            }

            void AddIfMatches(string name, ConfigDirective directive)
            {
                if (seen.Contains(name) || !GlobPattern.IsMatch(patternBytes, Encoding.Latin1.GetBytes(name), ignoreCase: true)) return;
                seen.Add(name);
                matches.Add((name, directive));
            }
        }
        ctx.Reply.WriteMapHeader(matches.Count);
        foreach (var (name, directive) in matches)
        {
            ctx.Reply.WriteBulkString(name);
            ctx.Reply.WriteBulkString(directive.Get(config));
        }
    }

    /// <summary>
    /// CONFIG SET name value [name value ...], all or nothing: every name is checked first, then every
    /// value set (on a failure the earlier ones are restored), then the changes applied (on a failure
    /// every value is restored and applied again). Errors in Redis's words.
    /// </summary>
    private static void Set(CommandContext ctx)
    {
        if (ctx.ArgCount % 2 != 0)
        {
            ctx.SyntaxError();
            return;
        }
        var server = ctx.Server;
        var config = server.Config;
        int count = (ctx.ArgCount - 2) / 2;
        var directives = new ConfigDirective[count];
        var names = new string[count];
        string? unknown = null, error = null, errorArg = null;
        for (int i = 0; i < count; i++)
        {
            string name = ctx.ArgLatin1(2 + i * 2);
            var directive = ConfigDirectives.Find(name);
            if (directive == null)
            {
                if (unknown == null && error == null) unknown = name;
                continue;
            }
            // Secrets are redacted even when the command fails.
            if (directive.Has(ConfigFlags.Sensitive)) ctx.RedactArg(3 + i * 2);
            if (unknown != null || error != null) continue;
            if (!directive.Mutable || (directive.Has(ConfigFlags.Protected) && !AllowsProtected(config.EnableProtectedConfigs, ctx)))
            {
                error = directive.Mutable ? "can't set protected config" : "can't set immutable config";
                errorArg = name;
                continue;
            }
            for (int j = 0; j < i; j++)
            {
                if (directives[j] == directive && names[j].Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    error = "duplicate parameter";
                    errorArg = name;
                    break;
                }
            }
            directives[i] = directive;
            names[i] = name;
        }
        if (unknown != null)
        {
            ctx.Error($"ERR Unknown option or number of arguments for CONFIG SET - '{unknown}'");
            return;
        }
        if (error != null)
        {
            ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{errorArg}') - {error}");
            return;
        }

        var old = new string[count];
        for (int i = 0; i < count; i++) old[i] = directives[i].Get(config);
        var changed = new bool[count];
        for (int i = 0; i < count; i++)
        {
            string value = ctx.ArgLatin1(3 + i * 2);
            error = directives[i].Set(config, Arguments(directives[i], value));
            if (error != null)
            {
                Restore(config, directives, old, i + 1);
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{RegisteredName(names[i], directives[i])}') - {error}");
                return;
            }
            changed[i] = directives[i].Get(config) != old[i];
        }

        var applied = new List<Func<string?>>();
        for (int i = 0; i < count; i++)
        {
            if (!changed[i]) continue;
            foreach (var apply in server.ConfigAppliers.For(directives[i]))
            {
                if (applied.Contains(apply)) continue;
                applied.Add(apply);
                error = apply();
                if (error == null) continue;
                server.Log.Warning($"Failed applying new configuration. Possibly related to new {directives[i].Name} setting. Restoring previous settings.");
                Restore(config, directives, old, count);
                foreach (var undo in applied)
                {
                    if (undo() is { } undoError) server.Log.Warning($"Failed applying restored failed CONFIG SET command: {undoError}");
                }
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{RegisteredName(names[i], directives[i])}') - {error}");
                return;
            }
        }
        ctx.Reply.WriteOk();
    }

    /// <summary>The directive's name as registered: the alias when the alias was used, in lower case.</summary>
    private static string RegisteredName(string typed, ConfigDirective directive)
    {
        foreach (var alias in directive.Aliases)
        {
            if (alias.Equals(typed, StringComparison.OrdinalIgnoreCase)) return alias;
        }
        return directive.Name;
    }

    /// <summary>A CONFIG SET value as the directive's arguments: multi-argument ones are split on single spaces (sdssplitlen).</summary>
    private static string[] Arguments(ConfigDirective directive, string value) =>
        !directive.MultiArg ? [value] : value.Length == 0 ? [] : value.Split(' ');

    private static void Restore(ServerConfig config, ConfigDirective[] directives, string[] old, int count)
    {
        for (int i = 0; i < count; i++) directives[i].Set(config, Arguments(directives[i], old[i]));
    }

    /// <summary>allowProtectedAction: enable-protected-configs yes, or local from a loopback client.</summary>
    public static bool AllowsProtected(string setting, CommandContext ctx) =>
        setting == "yes" || (setting == "local" && ctx.Client.IsLocal);

    private static void ResetStat(CommandContext ctx)
    {
        var server = ctx.Server;
        server.Stats.Reset();
        server.Keyspace.ExpiredKeys = 0;
        server.Evictor.ResetStats();
        foreach (var command in server.Commands.All) command.ResetStats();
        ctx.Reply.WriteOk();
    }

    private static void Rewrite(CommandContext ctx)
    {
        var server = ctx.Server;
        string? path = server.Config.ConfigFile;
        if (path == null)
        {
            ctx.Error("ERR The server is running without a config file");
            return;
        }
        try
        {
            ConfigRewriter.Rewrite(path, server.Config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            server.Log.Warning($"CONFIG REWRITE failed: {e.Message}");
            ctx.Error($"ERR Rewriting config file: {e.Message}");
            return;
        }
        server.Log.Warning("CONFIG REWRITE executed with success.");
        ctx.Reply.WriteOk();
    }
}
