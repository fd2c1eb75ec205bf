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
                extra.Append(' ').Append(QuoteIfNeeded(arg));
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
            if (directive == null) throw Fatal(n + 1, line, "Bad directive or wrong number of arguments");
            var values = parts.GetRange(1, parts.Count - 1).ToArray();
            if (!directive.MultiArg && values.Length != 1) throw Fatal(n + 1, line, "wrong number of arguments");
            string? error = directive.Set(config, values);
            if (error != null) throw Fatal(n + 1, line, error);
        }
    }

    private static ConfigException Fatal(int lineNumber, string line, string reason) =>
        new($"\n*** FATAL CONFIG FILE ERROR (Redis {ServerInfo.RedisVersion}) ***\nReading the configuration file, at line {lineNumber}\n>>> '{line}'\n{reason}");

    private static string QuoteIfNeeded(string arg)
    {
        if (arg.Length > 0 && arg.IndexOfAny([' ', '"', '\'', '\t', '\\']) < 0) return arg;
        var sb = new StringBuilder("\"");
        foreach (char c in arg)
        {
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
