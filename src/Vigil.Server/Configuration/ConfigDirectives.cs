using System.Globalization;

namespace Vigil.Server.Configuration;

/// <summary>The table of every directive Vigil knows, with Redis 7.0's names, defaults and rules.</summary>
public static class ConfigDirectives
{
    private static readonly Dictionary<string, ConfigDirective> ByName = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<ConfigDirective> All { get; } = Build();

    public static ConfigDirective? Find(string name) => ByName.GetValueOrDefault(name);

    private static List<ConfigDirective> Build()
    {
        var list = new List<ConfigDirective>
        {
            new("bind", true, "* -::*", c => string.Join(' ', c.Bind), (c, a) =>
            {
                if (a.Length == 0) return "wrong number of arguments";
                c.Bind = a;
                return null;
            }) { MultiArg = true },
            String("bind-source-addr", true, "", c => c.BindSourceAddr, (c, v) => c.BindSourceAddr = v),
            Int("port", true, 6379, 0, 65535, c => c.Port, (c, v) => c.Port = (int)v),
            Bool("protected-mode", true, true, c => c.ProtectedMode, (c, v) => c.ProtectedMode = v),
            Int("tcp-backlog", false, 511, 0, int.MaxValue, c => c.TcpBacklog, (c, v) => c.TcpBacklog = (int)v),
            Int("tcp-keepalive", true, 300, 0, int.MaxValue, c => c.TcpKeepAlive, (c, v) => c.TcpKeepAlive = (int)v),
            Int("timeout", true, 0, 0, int.MaxValue, c => c.Timeout, (c, v) => c.Timeout = (int)v),
            Int("maxclients", true, 10000, 1, int.MaxValue, c => c.MaxClients, (c, v) => c.MaxClients = (int)v),
            Bool("daemonize", false, false, c => c.Daemonize, (c, v) => c.Daemonize = v),
            String("pidfile", false, "", c => c.PidFile, (c, v) => c.PidFile = v),
            String("logfile", false, "", c => c.LogFile, (c, v) => c.LogFile = v),
            Enum("loglevel", true, "notice", ["debug", "verbose", "notice", "warning"], c => c.LogLevel, (c, v) => c.LogLevel = v),
            Int("databases", false, 16, 1, int.MaxValue, c => c.Databases, (c, v) => c.Databases = (int)v),
            Int("hz", true, 10, 0, int.MaxValue, c => c.Hz, (c, v) => c.Hz = (int)Math.Clamp(v, 1, 500)),
            CheckedString("dir", true, ".", c => c.Dir, (c, v) =>
            {
                string full = Path.GetFullPath(v, c.Dir);
                if (!Directory.Exists(full)) return $"No such file or directory";
                c.Dir = full;
                return null;
            }),
            String("requirepass", true, "", c => c.RequirePass, (c, v) => c.RequirePass = v),
            Memory("proto-max-bulk-len", true, 512L * 1024 * 1024, 1024 * 1024, long.MaxValue, c => c.ProtoMaxBulkLen, (c, v) => c.ProtoMaxBulkLen = v),
            Memory("client-query-buffer-limit", true, 1024L * 1024 * 1024, 1024 * 1024, long.MaxValue, c => c.ClientQueryBufferLimit, (c, v) => c.ClientQueryBufferLimit = v),
            Int("slowlog-log-slower-than", true, 10000, -1, long.MaxValue, c => c.SlowlogLogSlowerThan, (c, v) => c.SlowlogLogSlowerThan = v),
            Int("slowlog-max-len", true, 128, 0, int.MaxValue, c => c.SlowlogMaxLen, (c, v) => c.SlowlogMaxLen = (int)v),
            Int("latency-monitor-threshold", true, 0, 0, long.MaxValue, c => c.LatencyMonitorThreshold, (c, v) => c.LatencyMonitorThreshold = v),
            Memory("hash-max-listpack-entries", true, 128, 0, long.MaxValue, c => c.HashMaxListpackEntries, (c, v) => c.HashMaxListpackEntries = v, "hash-max-ziplist-entries"),
            Memory("hash-max-listpack-value", true, 64, 0, long.MaxValue, c => c.HashMaxListpackValue, (c, v) => c.HashMaxListpackValue = v, "hash-max-ziplist-value"),
            Memory("set-max-intset-entries", true, 512, 0, long.MaxValue, c => c.SetMaxIntsetEntries, (c, v) => c.SetMaxIntsetEntries = v),
            Memory("zset-max-listpack-entries", true, 128, 0, long.MaxValue, c => c.ZsetMaxListpackEntries, (c, v) => c.ZsetMaxListpackEntries = v, "zset-max-ziplist-entries"),
            Memory("zset-max-listpack-value", true, 64, 0, long.MaxValue, c => c.ZsetMaxListpackValue, (c, v) => c.ZsetMaxListpackValue = v, "zset-max-ziplist-value"),
            Int("list-max-listpack-size", true, -2, int.MinValue, int.MaxValue, c => c.ListMaxListpackSize, (c, v) => c.ListMaxListpackSize = (int)v, "list-max-ziplist-size"),
            Int("list-compress-depth", true, 0, 0, int.MaxValue, c => c.ListCompressDepth, (c, v) => c.ListCompressDepth = (int)v),
            String("notify-keyspace-events", true, "", c => c.NotifyKeyspaceEvents, (c, v) => c.NotifyKeyspaceEvents = v),
            new("client-output-buffer-limit", true, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                c => c.ClientOutputBufferLimit.ToString(), (c, a) => c.ClientOutputBufferLimit.Apply(a)) { MultiArg = true },
        };
        list.AddRange(PersistenceDirectives.All());
        list.AddRange(ReplicationDirectives.All());
        foreach (var d in list)
        {
            ByName[d.Name] = d;
            foreach (var alias in d.Aliases) ByName[alias] = d;
        }
        return list;
    }

    public static ConfigDirective Bool(string name, bool mutable, bool defaultValue, Func<ServerConfig, bool> get,
        Action<ServerConfig, bool> set, params string[] aliases) =>
        CheckedBool(name, mutable, defaultValue, get, (c, v) =>
        {
            set(c, v);
            return null;
        }, aliases);

    /// <summary>A yes/no directive whose setter may refuse the value (returns the reason).</summary>
    public static ConfigDirective CheckedBool(string name, bool mutable, bool defaultValue, Func<ServerConfig, bool> get,
        Func<ServerConfig, bool, string?> set, params string[] aliases) =>
        new(name, mutable, YesNo(defaultValue), c => YesNo(get(c)), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (a[0].Equals("yes", StringComparison.OrdinalIgnoreCase)) return set(c, true);
            if (a[0].Equals("no", StringComparison.OrdinalIgnoreCase)) return set(c, false);
            return "argument must be 'yes' or 'no'";
        }, aliases);

    public static ConfigDirective Int(string name, bool mutable, long defaultValue, long min, long max,
        Func<ServerConfig, long> get, Action<ServerConfig, long> set, params string[] aliases) =>
        new(name, mutable, defaultValue.ToString(CultureInfo.InvariantCulture), c => get(c).ToString(CultureInfo.InvariantCulture), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (!long.TryParse(a[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                return "argument couldn't be parsed into an integer";
            if (v < min || v > max) return $"argument must be between {min} and {max} inclusive";
            set(c, v);
            return null;
        }, aliases);

    /// <summary>A size that accepts units (1k = 1000, 1kb = 1024, m, mb, g, gb), as memtoull.</summary>
    public static ConfigDirective Memory(string name, bool mutable, long defaultValue, long min, long max,
        Func<ServerConfig, long> get, Action<ServerConfig, long> set, params string[] aliases) =>
        new(name, mutable, defaultValue.ToString(CultureInfo.InvariantCulture), c => get(c).ToString(CultureInfo.InvariantCulture), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (!TryParseMemory(a[0], out long v)) return "argument must be a memory value";
            if (v < min || v > max) return $"argument must be between {min} and {max} inclusive";
            set(c, v);
            return null;
        }, aliases);

    public static ConfigDirective String(string name, bool mutable, string defaultValue, Func<ServerConfig, string> get,
        Action<ServerConfig, string> set, params string[] aliases) =>
        CheckedString(name, mutable, defaultValue, get, (c, v) =>
        {
            set(c, v);
            return null;
        }, aliases);

    /// <summary>
    /// A string whose setter validates: it returns null, or the reason the value is refused. (A name
    /// of its own: as an overload of <see cref="String(string, bool, string, Func{ServerConfig, string}, Action{ServerConfig, string}, string[])"/>,
    /// an assignment lambda such as <c>(c, v) =&gt; c.X = v</c> would bind here and return the value as an error.)
    /// </summary>
    public static ConfigDirective CheckedString(string name, bool mutable, string defaultValue, Func<ServerConfig, string> get,
        Func<ServerConfig, string, string?> set, params string[] aliases) =>
        new(name, mutable, defaultValue, get, (c, a) => a.Length != 1 ? "wrong number of arguments" : set(c, a[0]), aliases);

    public static ConfigDirective Enum(string name, bool mutable, string defaultValue, string[] values,
        Func<ServerConfig, string> get, Action<ServerConfig, string> set, params string[] aliases) =>
        new(name, mutable, defaultValue, get, (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            foreach (var v in values)
            {
                if (!v.Equals(a[0], StringComparison.OrdinalIgnoreCase)) continue;
                set(c, v);
                return null;
            }
            return "argument(s) must be one of the following: " + string.Join(", ", values);
        }, aliases);

    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>memtoull: a number with an optional unit b, k, kb, m, mb, g, gb (case-insensitive).</summary>
    public static bool TryParseMemory(string text, out long bytes)
    {
        bytes = 0;
        string s = text.ToLowerInvariant();
        long multiplier = 1;
        (string Suffix, long Mul)[] units = [("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1000L * 1000 * 1000), ("m", 1000L * 1000), ("k", 1000L), ("b", 1L)];
        foreach (var (suffix, mul) in units)
        {
            if (!s.EndsWith(suffix, StringComparison.Ordinal)) continue;
            s = s[..^suffix.Length];
            multiplier = mul;
            break;
        }
        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return false;
        bytes = n * multiplier;
        return true;
    }
}
