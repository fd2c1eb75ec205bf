using System.Text;
using Vigil.Protocol;

namespace Vigil.Server.Configuration;

/// <summary>
/// Builds a <see cref="ServerConfig"/> the way redis-server does from its arguments: an optional
/// config file path ("-" reads standard input), then <c>--directive value ...</c> pairs appended as
/// extra lines, so that they override the file. Errors name the line and directive in Redis's format.
/// </summary>
public static class ConfigLoader
{
    public static ServerConfig Load(IReadOnlyList<string> args, TextReader? stdin = null)
    {
        var config = new ServerConfig();
        string text = "";
        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            string path = args[0];
            if (path == "-") text = (stdin ?? Console.In).ReadToEnd();
            else
            {
                config.ConfigFile = Path.GetFullPath(path);
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ConfigException($"Fatal error, can't open config file '{path}': {e.Message}");
                }
            }
            i = 1;
        }
        var extra = new StringBuilder();
        for (; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (extra.Length > 0) extra.Append('\n');
                extra.Append(arg[2..]);
            }
            else
            {
                // redis-server quotes every option argument (sdscatrepr), which its error messages show.
                extra.Append(' ').Append(ConfigText.Quote(arg));
            }
        }
        if (extra.Length > 0) text = text + "\n" + extra;
        Apply(config, text);
        return config;
    }

    /// <summary>Applies config-file text to <paramref name="config"/>.</summary>
    public static void Apply(ServerConfig config, string text)
    {
        config.ReadingConfigFile = true;
        try
        {
            ApplyLines(config, text);
        }
        finally
        {
            config.ReadingConfigFile = false;
        }
        CheckLogFile(config);
    }

    private static void ApplyLines(ServerConfig config, string text)
    {
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim(' ', '\t', '\r', '\n');
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = RequestParser.SplitLine(line);
            if (parts == null) throw Fatal(n + 1, line, "Unbalanced quotes in configuration line");
            if (parts.Count == 0) continue;
            string name = parts[0].ToLowerInvariant();
            var directive = ConfigDirectives.Find(name);
            if (directive == null)
            {
                string? failure = ApplySpecial(config, name, parts);
                if (failure != null) throw Fatal(n + 1, line, failure);
                continue;
            }
            var values = parts.GetRange(1, parts.Count - 1).ToArray();
            // A multi-argument directive given as one quoted argument (--client-output-buffer-limit "replica 1mb 1mb 0") is split, as Redis does.
            if (directive.MultiArg && values.Length == 1 && values[0].Length > 0) values = values[0].Split(' ');
            if (!directive.MultiArg && values.Length != 1) throw Fatal(n + 1, line, "wrong number of arguments");
            string? error = directive.Set(config, values);
            if (error != null) throw Fatal(n + 1, line, error);
        }
    }

    /// <summary>As Redis: a logfile that cannot be opened for appending stops startup.</summary>
    private static void CheckLogFile(ServerConfig config)
    {
        if (config.LogFile.Length > 0)
        {
            try
            {
                using var probe = new FileStream(config.LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"\n*** FATAL CONFIG FILE ERROR (Redis {ServerInfo.RedisVersion}) ***\nCan't open the log file: {e.Message}");
            }
        }
    }

    /// <summary>Directives outside the table: include, rename-command, and those Redis 7.0 accepts and ignores.</summary>
    private static string? ApplySpecial(ServerConfig config, string name, List<string> parts)
    {
        switch (name)
        {
            case "include" when parts.Count == 2:
                foreach (var file in IncludedFiles(parts[1]))
                {
                    string text;
                    try
                    {
                        text = File.ReadAllText(file);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new ConfigException($"Fatal error, can't open config file '{file}': {e.Message}");
                    }
                    ApplyLines(config, text);
                }
                return null;
            case "user" when parts.Count >= 2:
                if (parts[1] != "default") return $"Error in user declaration '{parts[1]}': Vigil has only the default user";
                return config.DefaultUser.Apply(parts.Skip(2)) is { } refused ? $"Error in user declaration '{refused.Rule}': {refused.Reason}" : null;
            case "rename-command" when parts.Count == 3:
                config.RenamedCommands.Add((parts[1], parts[2]));
                return null;
            // Deprecated in 7.0, still accepted and ignored.
            case "list-max-ziplist-entries" or "list-max-ziplist-value" or "lua-replicate-commands" when parts.Count == 2:
                return null;
            default:
                return "Bad directive or wrong number of arguments";
        }
    }

    /// <summary>An include path, or the files a wildcard path matches (none is fine, as in Redis).</summary>
    private static IEnumerable<string> IncludedFiles(string path)
    {
        if (path.IndexOfAny(['*', '?', '[']) < 0) return [path];
        string dir = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        if (!Directory.Exists(dir)) return [];
        var pattern = System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path));
        var matches = Directory.GetFiles(dir)
            .Where(f => Storage.GlobPattern.IsMatch(pattern, System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(f))))
            .ToList();
        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    private static ConfigException Fatal(int lineNumber, string line, string reason) =>
        new($"\n*** FATAL CONFIG FILE ERROR (Redis {ServerInfo.RedisVersion}) ***\nReading the configuration file, at line {lineNumber}\n>>> '{line}'\n{reason}");
}
