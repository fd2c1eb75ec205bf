using System.Globalization;

namespace Vigil.Server.Configuration;

/// <summary>RDB and AOF directives (config.c), with Redis 7.0's names, defaults, ranges and messages.</summary>
public static class PersistenceDirectives
{
    public static IEnumerable<ConfigDirective> All() =>
    [
        // CONFIG REWRITE writes one line per save point, or save "" (rewriteConfigSaveOption).
        new ConfigDirective("save", true, "3600 1 300 100 60 10000", c => c.FormatSavePoints(), SetSavePoints) { MultiArg = true }
            .With(c => c.SavePoints.Count == 0 ? [new RewriteLine("save \"\"", true)] : c.SavePoints.Select(p => new RewriteLine($"save {p.Seconds} {p.Changes}", true))),
        ConfigDirectives.CheckedString("dbfilename", true, "dump.rdb", c => c.DbFilename, (c, v) =>
        {
            if (!IsBaseName(v)) return "dbfilename can't be a path, just a filename";
            c.DbFilename = v;
            return null;
        }).With(ConfigFlags.Protected).With(RewriteStyle.QuotedKeepEmpty),
        ConfigDirectives.Bool("rdbcompression", true, true, c => c.RdbCompression, (c, v) => c.RdbCompression = v),
        ConfigDirectives.Bool("rdbchecksum", false, true, c => c.RdbChecksum, (c, v) => c.RdbChecksum = v),
        ConfigDirectives.Bool("rdb-del-sync-files", true, false, c => c.RdbDelSyncFiles, (c, v) => c.RdbDelSyncFiles = v),
        ConfigDirectives.Int("rdb-key-save-delay", true, 0, int.MinValue, int.MaxValue, c => c.RdbKeySaveDelay, (c, v) => c.RdbKeySaveDelay = (int)v)
            .With(ConfigFlags.Hidden),
        ConfigDirectives.Int("key-load-delay", true, 0, int.MinValue, int.MaxValue, c => c.KeyLoadDelay, (c, v) => c.KeyLoadDelay = (int)v)
            .With(ConfigFlags.Hidden),
        ConfigDirectives.Bool("stop-writes-on-bgsave-error", true, true, c => c.StopWritesOnBgsaveError, (c, v) => c.StopWritesOnBgsaveError = v),
        ConfigDirectives.Enum("sanitize-dump-payload", true, "no", ["no", "yes", "clients"], c => c.SanitizeDumpPayload, (c, v) => c.SanitizeDumpPayload = v),
        ConfigDirectives.CheckedBool("appendonly", true, false, c => c.AppendOnly, (c, v) => c.SetAppendOnly(v)),
        ConfigDirectives.CheckedString("appendfilename", false, "appendonly.aof", c => c.AppendFilename, (c, v) =>
        {
            if (!IsBaseName(v)) return "appendfilename can't be a path, just a filename";
            c.AppendFilename = v;
            return null;
        }),
        ConfigDirectives.CheckedString("appenddirname", false, "appendonlydir", c => c.AppendDirname, (c, v) =>
        {
            if (!IsBaseName(v)) return "appenddirname can't be a path, just a dirname";
            c.AppendDirname = v;
            return null;
        }),
        ConfigDirectives.Enum("appendfsync", true, "everysec", ["always", "everysec", "no"], c => c.AppendFsync, (c, v) => c.AppendFsync = v),
        ConfigDirectives.Bool("no-appendfsync-on-rewrite", true, false, c => c.NoAppendFsyncOnRewrite, (c, v) => c.NoAppendFsyncOnRewrite = v),
        ConfigDirectives.Int("auto-aof-rewrite-percentage", true, 100, 0, int.MaxValue, c => c.AutoAofRewritePercentage, (c, v) => c.AutoAofRewritePercentage = (int)v),
        ConfigDirectives.Memory("auto-aof-rewrite-min-size", true, 64L * 1024 * 1024, 0, long.MaxValue, c => c.AutoAofRewriteMinSize, (c, v) => c.AutoAofRewriteMinSize = v),
        ConfigDirectives.Bool("aof-load-truncated", true, true, c => c.AofLoadTruncated, (c, v) => c.AofLoadTruncated = v),
        ConfigDirectives.Bool("aof-use-rdb-preamble", true, true, c => c.AofUseRdbPreamble, (c, v) => c.AofUseRdbPreamble = v),
        ConfigDirectives.Bool("aof-timestamp-enabled", true, false, c => c.AofTimestampEnabled, (c, v) => c.AofTimestampEnabled = v),
        ConfigDirectives.Bool("aof-disable-auto-gc", true, false, c => c.AofDisableAutoGc, (c, v) => c.AofDisableAutoGc = v),
        ConfigDirectives.Bool("aof-rewrite-incremental-fsync", true, true, c => c.AofRewriteIncrementalFsync, (c, v) => c.AofRewriteIncrementalFsync = v),
        ConfigDirectives.Bool("rdb-save-incremental-fsync", true, true, c => c.RdbSaveIncrementalFsync, (c, v) => c.RdbSaveIncrementalFsync = v),
    ];

    /// <summary>
    /// setConfigSaveOption: pairs of seconds (at least 1) and changes (at least 0); a single ""
    /// clears them. In a config file each save line adds to the points (the first one replaces
    /// the defaults); CONFIG SET replaces them all.
    /// </summary>
    private static string? SetSavePoints(ServerConfig c, string[] args)
    {
        if (args.Length == 1 && args[0].Length == 0) args = [];
        if (args.Length % 2 != 0) return "Invalid save parameters";
        var points = new List<SavePoint>();
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!long.TryParse(args[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds) || seconds < 1 ||
                !long.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long changes) || changes < 0)
            {
                return "Invalid save parameters";
            }
            points.Add(new SavePoint(seconds, changes));
        }
        if (c.ReadingConfigFile && !c.SavePointsFromFile)
        {
            c.SavePointsFromFile = true;
            c.SavePoints = [];
        }
        c.SavePoints = c.ReadingConfigFile ? [.. c.SavePoints, .. points] : points;
        return null;
    }

    private static bool IsBaseName(string name) => name.IndexOf('/') < 0 && name != "." && name != "..";
}

/// <summary>One save point: snapshot when at least <see cref="Changes"/> writes happened in <see cref="Seconds"/> seconds.</summary>
public readonly record struct SavePoint(long Seconds, long Changes);
