using Vigil.Server.Persistence;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Persistence;

public class RdbPersistenceTests
{
    [Fact]
    public void Save_ThenRestart_LoadsEveryKeyWithItsTtl()
    {
        using var dir = new DataDir();
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            c.Call("SET", "plain", "value");
            c.Call("SET", "counter", "12345");
            c.Call("SET", "ttl", "soon", "EX", "1000");
            c.Call("SELECT", "7");
            c.Call("SET", "elsewhere", new string('x', 500));
            Assert.Equal("+OK", c.CallText("SAVE"));
            Assert.Equal("0", server.InfoPersistence()["rdb_changes_since_last_save"]);
        }
        Assert.True(File.Exists(dir.File("dump.rdb")));
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            Assert.Equal("$value", c.CallText("GET", "plain"));
            Assert.Equal("$12345", c.CallText("GET", "counter"));
            Assert.InRange(c.Call("TTL", "ttl").Integer, 990, 1000);
            c.Call("SELECT", "7");
            Assert.Equal("$" + new string('x', 500), c.CallText("GET", "elsewhere"));
            Assert.Equal("4", server.InfoPersistence()["rdb_last_load_keys_loaded"]);
        }
    }

    [Fact]
    public void ExpiredKeysInTheFile_AreSkippedOnLoad()
    {
        using var dir = new DataDir();
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            c.Call("SET", "gone", "x", "PX", "300");
            c.Call("SET", "kept", "y");
            c.Call("SAVE");
        }
        Thread.Sleep(400);
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            Assert.Equal(":0", c.CallText("EXISTS", "gone"));
            Assert.Equal("$y", c.CallText("GET", "kept"));
            Assert.Equal("1", server.InfoPersistence()["rdb_last_load_keys_expired"]);
        }
    }

    [Fact]
    public void Bgsave_RepliesAsRedis_AndReportsProgress()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c => c.RdbKeySaveDelay = int.MaxValue);
        using var c = server.Connect();
        for (int i = 0; i < 10; i++) c.Call("SET", "k" + i, "v");
        long lastSave = c.Call("LASTSAVE").Integer;
        Assert.Equal("+Background saving started", c.CallText("BGSAVE"));
        Assert.Equal("-ERR Background save already in progress", c.CallText("BGSAVE"));
        Assert.Equal("-ERR Background save already in progress", c.CallText("SAVE"));
        Assert.Equal("+Background append only file rewriting scheduled", c.CallText("BGREWRITEAOF"));
        Assert.Equal("-ERR syntax error", c.CallText("BGSAVE", "now"));
        var info = server.InfoPersistence();
        Assert.Equal("1", info["rdb_bgsave_in_progress"]);
        Assert.Equal("10", info["current_save_keys_total"]);
        Assert.Equal("1", info["aof_rewrite_scheduled"]);
        // Finish quickly now.
        server.Server.Config.RdbKeySaveDelay = 0;
        PersistenceTestSupport.WaitUntil(() => server.InfoPersistence()["rdb_bgsave_in_progress"] == "0");
        info = server.InfoPersistence();
        Assert.Equal("ok", info["rdb_last_bgsave_status"]);
        Assert.Equal("1", info["rdb_saves"]);
        Assert.Equal("0", info["rdb_changes_since_last_save"]);
        Assert.True(c.Call("LASTSAVE").Integer >= lastSave);
        Assert.True(File.Exists(dir.File("dump.rdb")));
    }

    [Fact]
    public void BgsaveSchedule_WaitsForARunningRewrite()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.RdbKeySaveDelay = int.MaxValue;
        });
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "2");
        Assert.Equal("+Background append only file rewriting started", c.CallText("BGREWRITEAOF"));
        Assert.Equal("-ERR Background append only file rewriting already in progress", c.CallText("BGREWRITEAOF"));
        Assert.Equal("-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.", c.CallText("BGSAVE"));
        Assert.Equal("+Background saving scheduled", c.CallText("BGSAVE", "SCHEDULE"));
        server.Server.Config.RdbKeySaveDelay = 0;
        PersistenceTestSupport.WaitUntil(() => File.Exists(dir.File("dump.rdb")) && server.InfoPersistence()["rdb_bgsave_in_progress"] == "0");
        Assert.Equal("1", server.InfoPersistence()["rdb_saves"]);
    }

    [Fact]
    public void BgsaveInsideMulti_IsScheduled_WithOrWithoutSchedule()
    {
        using var dir = new DataDir();
        using var server = dir.Start();
        using var c = server.Connect();
        foreach (var bgsave in new[] { new[] { "BGSAVE" }, ["BGSAVE", "SCHEDULE"] })
        {
            c.Call("MULTI");
            c.Call(bgsave);
            Assert.Equal("*[+Background saving scheduled]", c.CallText("EXEC"));
            PersistenceTestSupport.WaitUntil(() => File.Exists(dir.File("dump.rdb")));
            server.WaitForBackgroundJobs();
            File.Delete(dir.File("dump.rdb"));
        }
        Assert.Equal("2", server.InfoPersistence()["rdb_saves"]);
    }

    /// <summary>
    /// The file a BGSAVE writes is the dataset at the moment BGSAVE ran, although every key is
    /// changed, deleted or added to while it is being written.
    /// </summary>
    [Fact]
    public void Bgsave_WritesThePointInTimeImage_WhileWritesContinue()
    {
        using var dir = new DataDir();
        const int keys = 3000;
        using (var server = dir.Start(c => c.RdbKeySaveDelay = int.MaxValue))
        using (var c = server.Connect())
        {
            for (int i = 0; i < keys; i++) c.Call("SET", "key:" + i, "before:" + i);
            c.Call("SET", "ttl", "x", "EX", "5000");
            // The save stalls after its first key until the delay is lifted.
            Assert.Equal("+Background saving started", c.CallText("BGSAVE"));
            for (int i = 0; i < keys; i++)
            {
                if (i % 3 == 0) c.Call("DEL", "key:" + i);
                else c.Call("SET", "key:" + i, "after:" + i);
                c.Call("SET", "new:" + i, "n");
            }
            c.Call("PERSIST", "ttl");
            Assert.Equal("1", server.InfoPersistence()["rdb_bgsave_in_progress"]);
            server.Server.Config.RdbKeySaveDelay = 0;
            server.WaitForBackgroundJobs();
            Assert.Equal("ok", server.InfoPersistence()["rdb_last_bgsave_status"]);
        }
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            for (int i = 0; i < keys; i++) Assert.Equal("$before:" + i, c.CallText("GET", "key:" + i));
            Assert.Equal(":0", c.CallText("EXISTS", "new:1"));
            Assert.InRange(c.Call("TTL", "ttl").Integer, 4000, 5000);
        }
    }

    [Fact]
    public void SavePoints_TriggerABackgroundSaveFromTheCron()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c => c.SavePoints = [new(1, 2)]);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "2");
        PersistenceTestSupport.WaitUntil(() => File.Exists(dir.File("dump.rdb")));
        server.WaitForBackgroundJobs();
        Assert.Equal("0", server.InfoPersistence()["rdb_changes_since_last_save"]);
    }

    /// <summary>A save that cannot be written: the error is in INFO, and writes (and PING) get MISCONF until a save succeeds.</summary>
    [Fact]
    public void FailedBgsave_StopsWritesWithMisconf_UntilASaveSucceeds()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c => c.SavePoints = [new(3600, 1)]);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        // The rename cannot replace a directory: a write error even for root.
        Directory.CreateDirectory(dir.File("dump.rdb"));
        c.Call("BGSAVE");
        PersistenceTestSupport.WaitUntil(() => server.InfoPersistence()["rdb_last_bgsave_status"] == "err");
        Assert.Equal("-" + PersistenceService.BgsaveError, c.CallText("SET", "b", "2"));
        Assert.Equal("-" + PersistenceService.BgsaveError, c.CallText("PING"));
        Assert.Equal("$1", c.CallText("GET", "a"));
        Directory.Delete(dir.File("dump.rdb"));
        c.Call("BGSAVE");
        PersistenceTestSupport.WaitUntil(() => server.InfoPersistence()["rdb_last_bgsave_status"] == "ok");
        Assert.Equal("+OK", c.CallText("SET", "b", "2"));
    }

    [Fact]
    public void IoErrors_AreWordedAsStrerror_WithoutThePathDotNetAppends()
    {
        Assert.Equal("Read-only file system", DurableFiles.Describe(new IOException("Read-only file system : '/data/temp-1-2.rdb'")));
        Assert.Equal("Permission denied", DurableFiles.Describe(new UnauthorizedAccessException("Access to the path '/data' is denied.")));
        Assert.Equal("Input/output error", DurableFiles.Describe(new IOException("Input/output error")));
    }

    [Fact]
    public void FailedBgsave_WithStopWritesOff_LeavesWritesAlone()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c =>
        {
            c.SavePoints = [new(3600, 1)];
            c.StopWritesOnBgsaveError = false;
        });
        using var c = server.Connect();
        Directory.CreateDirectory(dir.File("dump.rdb"));
        c.Call("BGSAVE");
        PersistenceTestSupport.WaitUntil(() => server.InfoPersistence()["rdb_last_bgsave_status"] == "err");
        Assert.Equal("+OK", c.CallText("SET", "b", "2"));
    }

    [Fact]
    public void FailedSave_RepliesErr()
    {
        using var dir = new DataDir();
        using var server = dir.Start();
        using var c = server.Connect();
        Directory.CreateDirectory(dir.File("dump.rdb"));
        Assert.Equal("-ERR", c.CallText("SAVE"));
    }

    [Fact]
    public void Shutdown_SavesWhenSavePointsAreSet_AndHonoursNoSave()
    {
        using var dir = new DataDir();
        var server = dir.Start(c => c.SavePoints = [new(3600, 1)]);
        using (var c = server.Connect()) c.Call("SET", "a", "1");
        Assert.Null(server.Server.Shutdown());
        Assert.True(File.Exists(dir.File("dump.rdb")));
        File.Delete(dir.File("dump.rdb"));
        server.Dispose();

        using var second = dir.Start(c => c.SavePoints = [new(3600, 1)]);
        Assert.Null(second.Server.Shutdown(new ShutdownRequest { Save = false }));
        Assert.False(File.Exists(dir.File("dump.rdb")));
    }

    [Fact]
    public void Shutdown_RefusesWhenTheFinalSaveFails_UnlessForced()
    {
        using var dir = new DataDir();
        using var server = dir.Start();
        Directory.CreateDirectory(dir.File("dump.rdb"));
        Assert.Equal("ERR Errors trying to SHUTDOWN. Check logs.", server.Server.Shutdown(new ShutdownRequest { Save = true }));
        using (var c = server.Connect()) Assert.Equal("+PONG", c.CallText("PING"));
        Assert.Null(server.Server.Shutdown(new ShutdownRequest { Save = true, Force = true }));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void CompressionAndChecksum_FollowTheirDirectives(bool compression, bool checksum)
    {
        using var dir = new DataDir();
        using (var server = dir.Start(c =>
        {
            c.RdbCompression = compression;
            c.RdbChecksum = checksum;
        }))
        using (var c = server.Connect())
        {
            c.Call("SET", "long", new string('a', 10_000));
            c.Call("SAVE");
        }
        var bytes = File.ReadAllBytes(dir.File("dump.rdb"));
        Assert.Equal(compression, bytes.Length < 5_000);
        Assert.Equal(checksum, bytes.AsSpan(bytes.Length - 8).IndexOfAnyExcept((byte)0) >= 0);
        using var again = dir.Start();
        using var c2 = again.Connect();
        Assert.Equal(10_000, c2.Call("STRLEN", "long").Integer);
    }
}

public class PersistenceCommandTests
{
    private static void Debug(Vigil.Server.Configuration.ServerConfig c) => c.EnableDebugCommand = "yes";

    [Fact]
    public void DebugReload_SavesAndLoadsBack_AndMergeReplaces()
    {
        using var dir = new DataDir();
        using var server = dir.Start(Debug);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("SET", "t", "x", "EX", "1000");
        c.Call("HSET", "h", "f", "v");
        Assert.Equal("+OK", c.CallText("DEBUG", "RELOAD"));
        Assert.Equal("$1", c.CallText("GET", "a"));
        Assert.InRange(c.Call("TTL", "t").Integer, 990, 1000);
        Assert.Equal("$v", c.CallText("HGET", "h", "f"));
        c.Call("SET", "a", "changed");
        c.Call("SET", "b", "new");
        Assert.Equal("+OK", c.CallText("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"));
        Assert.Equal("$1", c.CallText("GET", "a"));
        Assert.Equal("$new", c.CallText("GET", "b"));
        Assert.Equal("-ERR Error trying to load the RDB dump", c.CallText("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"));
        Assert.Equal("-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.", c.CallText("DEBUG", "RELOAD", "FAST"));
    }

    [Fact]
    public void DebugLoadAof_ReplaysTheAof()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c =>
        {
            Debug(c);
            c.AppendOnly = true;
        });
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("INCR", "a");
        c.Call("SADD", "s", "x", "y");
        Assert.Equal("+OK", c.CallText("DEBUG", "LOADAOF"));
        Assert.Equal("$2", c.CallText("GET", "a"));
        Assert.Equal(":2", c.CallText("SCARD", "s"));
        c.Call("CONFIG", "SET", "appendonly", "no");
        Assert.Equal("-ERR AOF is not enabled", c.CallText("DEBUG", "LOADAOF"));
    }

    [Fact]
    public void InfoPersistence_PrintsEveryRedis70Field()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c => c.AppendOnly = true);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        string info = c.Call("INFO", "persistence").Text!;
        string[] fields =
        [
            "loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age", "current_fork_perc",
            "current_save_keys_processed", "current_save_keys_total", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
            "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_saves",
            "rdb_last_cow_size", "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded", "aof_enabled", "aof_rewrite_in_progress",
            "aof_rewrite_scheduled", "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status",
            "aof_rewrites", "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size", "module_fork_in_progress",
            "module_fork_last_cow_size", "aof_current_size", "aof_base_size", "aof_pending_rewrite", "aof_buffer_length",
            "aof_pending_bio_fsync", "aof_delayed_fsync",
        ];
        var lines = info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# Persistence", lines[0]);
        Assert.Equal(fields, lines.Skip(1).Select(l => l[..l.IndexOf(':')]).ToArray());
        Assert.Contains("rdb_changes_since_last_save:1\r\n", info);
        Assert.Contains("aof_enabled:1\r\n", info);
    }

    [Fact]
    public void ConfigSetAppendOnly_TurnsTheAofOnAndOff()
    {
        using var dir = new DataDir();
        using var server = dir.Start();
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "appendonly", "yes"));
        Assert.Contains("aof_enabled:1", c.Call("INFO", "persistence").Text);
        server.WaitForBackgroundJobs();
        Assert.True(File.Exists(Path.Combine(dir.AofDir, "appendonly.aof.1.base.rdb")));
        Assert.Equal("+OK", c.CallText("CONFIG", "SET", "appendonly", "no"));
        Assert.Contains("aof_enabled:0", c.Call("INFO", "persistence").Text);
    }

    [Fact]
    public void FlushAll_WithSavePoints_SavesTheEmptyDataset_AndStillPropagates()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c => c.SavePoints = [new(3600, 1000)]);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("FLUSHALL");
        Assert.True(File.Exists(dir.File("dump.rdb")));
        Assert.NotEqual("0", server.InfoPersistence()["rdb_changes_since_last_save"]);
    }

    [Fact]
    public void ShutdownCommand_SaveAndNoSave()
    {
        using var dir = new DataDir();
        var server = dir.Start();
        using (var c = server.Connect())
        {
            c.Call("SET", "a", "1");
            c.SendRaw(RawClient.Encode("SHUTDOWN", "SAVE"));
            PersistenceTestSupport.WaitUntil(() => File.Exists(dir.File("dump.rdb")));
        }
        server.Dispose();
        using var again = dir.Start();
        using var c2 = again.Connect();
        Assert.Equal("$1", c2.CallText("GET", "a"));
    }
}
