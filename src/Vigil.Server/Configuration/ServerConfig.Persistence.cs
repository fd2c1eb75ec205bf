namespace Vigil.Server.Configuration;

/// <summary>RDB and AOF settings (<see cref="PersistenceDirectives"/>).</summary>
public sealed partial class ServerConfig
{
    public IReadOnlyList<SavePoint> SavePoints { get; set; } = [new(3600, 1), new(300, 100), new(60, 10000)];

    /// <summary>True once a config file's save line replaced the defaults (later lines add to it).</summary>
    internal bool SavePointsFromFile { get; set; }

    /// <summary>True while a config file (or the command line) is applied, false for CONFIG SET.</summary>
    internal bool ReadingConfigFile { get; set; }

    public string DbFilename { get; set; } = "dump.rdb";
    public bool RdbCompression { get; set; } = true;
    public bool RdbChecksum { get; set; } = true;
    public bool RdbDelSyncFiles { get; set; }

    /// <summary>Microseconds to sleep per key while saving (a testing aid, as in Redis); negative: 1 in -n keys sleeps 1µs.</summary>
    public int RdbKeySaveDelay { get; set; }

    /// <summary>Microseconds to sleep per key while loading (a testing aid).</summary>
    public int KeyLoadDelay { get; set; }

    public bool StopWritesOnBgsaveError { get; set; } = true;
    public string SanitizeDumpPayload { get; set; } = "no";

    public bool AppendOnly { get; set; }

    /// <summary>Set by the AOF: runs when CONFIG SET changes appendonly; returns an error to refuse the change.</summary>
    internal Func<bool, string?>? AppendOnlyChanging { get; set; }

    /// <summary>appendonly through the directive: the AOF starts or stops with it (startAppendOnly / stopAppendOnly).</summary>
    internal string? SetAppendOnly(bool on)
    {
        if (AppendOnlyChanging?.Invoke(on) is { } error) return error;
        AppendOnly = on;
        return null;
    }
    public string AppendFilename { get; set; } = "appendonly.aof";
    public string AppendDirname { get; set; } = "appendonlydir";
    public string AppendFsync { get; set; } = "everysec";
    public bool NoAppendFsyncOnRewrite { get; set; }
    public int AutoAofRewritePercentage { get; set; } = 100;
    public long AutoAofRewriteMinSize { get; set; } = 64L * 1024 * 1024;
    public bool AofLoadTruncated { get; set; } = true;
    public bool AofUseRdbPreamble { get; set; } = true;
    public bool AofTimestampEnabled { get; set; }

    /// <summary>aof-disable-auto-gc: keep AOF history files after a rewrite (a debugging aid).</summary>
    public bool AofDisableAutoGc { get; set; }
    public bool AofRewriteIncrementalFsync { get; set; } = true;
    public bool RdbSaveIncrementalFsync { get; set; } = true;

    /// <summary>CONFIG GET save: "3600 1 300 100 60 10000", or "" without save points.</summary>
    public string FormatSavePoints() => string.Join(' ', SavePoints.Select(p => $"{p.Seconds} {p.Changes}"));

    public string RdbPath => Path.Combine(Dir, DbFilename);

    public string AofDirectory => Path.Combine(Dir, AppendDirname);
}
