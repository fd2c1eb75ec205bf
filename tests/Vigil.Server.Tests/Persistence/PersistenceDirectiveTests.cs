using Vigil.Server.Configuration;

namespace Vigil.Server.Tests.Persistence;

public class PersistenceDirectiveTests
{
    private static ServerConfig Load(params string[] args) => ConfigLoader.Load(args);

    [Fact]
    public void Defaults_AreRedis70s()
    {
        var c = Load();
        Assert.Equal("3600 1 300 100 60 10000", c.FormatSavePoints());
        Assert.Equal("dump.rdb", c.DbFilename);
        Assert.False(c.AppendOnly);
        Assert.Equal("everysec", c.AppendFsync);
        Assert.Equal("appendonly.aof", c.AppendFilename);
        Assert.Equal("appendonlydir", c.AppendDirname);
        Assert.Equal(64L * 1024 * 1024, c.AutoAofRewriteMinSize);
        Assert.True(c.AofUseRdbPreamble && c.AofLoadTruncated && c.RdbCompression && c.RdbChecksum && c.StopWritesOnBgsaveError);
    }

    [Fact]
    public void SaveEmpty_OnTheCommandLine_ClearsSavePoints()
    {
        var c = Load("--save", "", "--appendonly", "no");
        Assert.Empty(c.SavePoints);
        Assert.Equal("", c.FormatSavePoints());
    }

    [Fact]
    public void SaveLinesInAFile_Accumulate_AfterReplacingTheDefaults()
    {
        var c = new ServerConfig();
        ConfigLoader.Apply(c, "save 900 1\nsave 300 10\n");
        Assert.Equal("900 1 300 10", c.FormatSavePoints());
    }

    [Fact]
    public void ConfigSetStyle_ReplacesSavePoints()
    {
        var c = new ServerConfig();
        var save = ConfigDirectives.Find("save")!;
        Assert.Null(save.Set(c, ["100", "5", "10", "0"]));
        Assert.Null(save.Set(c, ["20", "1"]));
        Assert.Equal("20 1", c.FormatSavePoints());
    }

    [Theory]
    [InlineData("save 10")]
    [InlineData("save 0 1")]
    [InlineData("save 10 -1")]
    [InlineData("save abc 1")]
    public void BadSaveParameters_StopStartup(string line)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Apply(new ServerConfig(), line));
        Assert.Contains("Invalid save parameters", e.Message);
    }

    [Theory]
    [InlineData("dbfilename a/dump.rdb", "dbfilename can't be a path, just a filename")]
    [InlineData("appendfilename x/y.aof", "appendfilename can't be a path, just a filename")]
    [InlineData("appenddirname a/b", "appenddirname can't be a path, just a dirname")]
    [InlineData("appendfsync sometimes", "argument(s) must be one of the following: always, everysec, no")]
    public void BadValues_GiveRedisMessages(string line, string message)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Apply(new ServerConfig(), line));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void EveryDirective_Parses()
    {
        var c = Load("--dbfilename", "x.rdb", "--rdbcompression", "no", "--rdbchecksum", "no", "--rdb-del-sync-files", "yes",
            "--rdb-key-save-delay", "100", "--stop-writes-on-bgsave-error", "no", "--sanitize-dump-payload", "clients",
            "--appendonly", "yes", "--appendfilename", "a.aof", "--appenddirname", "d", "--appendfsync", "always",
            "--no-appendfsync-on-rewrite", "yes", "--auto-aof-rewrite-percentage", "50", "--auto-aof-rewrite-min-size", "1mb",
            "--aof-load-truncated", "no", "--aof-use-rdb-preamble", "no", "--aof-timestamp-enabled", "yes",
            "--aof-rewrite-incremental-fsync", "no", "--rdb-save-incremental-fsync", "no");
        Assert.Equal("x.rdb", c.DbFilename);
        Assert.True(c.AppendOnly);
        Assert.Equal("always", c.AppendFsync);
        Assert.Equal(1024 * 1024, c.AutoAofRewriteMinSize);
        Assert.Equal(50, c.AutoAofRewritePercentage);
        Assert.False(c.AofUseRdbPreamble);
        Assert.True(c.AofTimestampEnabled);
        Assert.Equal("clients", c.SanitizeDumpPayload);
    }
}
