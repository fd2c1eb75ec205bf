using System.Text;
using Vigil.Server.Configuration;
using Vigil.Server.Persistence;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Persistence;

public class AofTests
{
    private static void AofOn(ServerConfig c) => c.AppendOnly = true;

    private static string Manifest(DataDir dir) => File.ReadAllText(Path.Combine(dir.AofDir, "appendonly.aof.manifest"));

    private static string Incr(DataDir dir, int seq) => Path.Combine(dir.AofDir, $"appendonly.aof.{seq}.incr.aof");

    [Fact]
    public void FreshStart_CreatesBaseIncrAndManifest_InRedisSyntax()
    {
        using var dir = new DataDir();
        using var server = dir.Start(AofOn);
        Assert.Equal("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", Manifest(dir));
        Assert.StartsWith("REDIS0010", Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(dir.AofDir, "appendonly.aof.1.base.rdb")).AsSpan(0, 9)));
        Assert.Equal("1", server.InfoPersistence()["aof_enabled"]);
    }

    [Fact]
    public void Writes_AreAppendedAsThePropagatedStream_WithSelectOnDbChanges()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AppendFsync = "always";
        });
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        c.Call("GET", "a");
        c.Call("SELECT", "2");
        c.Call("SET", "b", "2");
        c.Call("SELECT", "0");
        c.Call("DEL", "a");
        c.Call("DEL", "nothing");
        string incr = File.ReadAllText(Incr(dir, 1));
        Assert.Equal(
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n" +
            "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n" +
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n", incr);
    }

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    [InlineData("no")]
    public void Restart_ReplaysTheAof(string fsync)
    {
        using var dir = new DataDir();
        using (var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AppendFsync = fsync;
        }))
        using (var c = server.Connect())
        {
            c.Call("SET", "a", "1");
            c.Call("INCR", "a");
            c.Call("SET", "t", "x", "EX", "1000");
            c.Call("SELECT", "3");
            c.Call("SET", "b", "bee");
            c.Call("MULTI");
            c.Call("SET", "m1", "1");
            c.Call("SET", "m2", "2");
            c.Call("EXEC");
        }
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect())
        {
            Assert.Equal("$2", c.CallText("GET", "a"));
            Assert.InRange(c.Call("TTL", "t").Integer, 990, 1000);
            c.Call("SELECT", "3");
            Assert.Equal("$bee", c.CallText("GET", "b"));
            Assert.Equal("$2", c.CallText("GET", "m2"));
        }
    }

    [Fact]
    public void AppendOnlyOn_IgnoresDumpRdb_AsRedisDoes()
    {
        using var dir = new DataDir();
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            c.Call("SET", "from-rdb", "1");
            c.Call("SAVE");
        }
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect())
        {
            Assert.Equal(":0", c.CallText("EXISTS", "from-rdb"));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bgrewriteaof_WritesANewBase_RetiresOldFiles_AndReloads(bool rdbPreamble)
    {
        using var dir = new DataDir();
        string suffix = rdbPreamble ? "rdb" : "aof";
        using (var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AofUseRdbPreamble = rdbPreamble;
        }))
        using (var c = server.Connect())
        {
            for (int i = 0; i < 100; i++) c.Call("SET", "k" + i, "v" + i);
            c.Call("SET", "ttl", "x", "EX", "1000");
            c.Call("SELECT", "1");
            c.Call("SET", "one", "1");
            Assert.Equal("+Background append only file rewriting started", c.CallText("BGREWRITEAOF"));
            c.Call("SET", "after", "rewrite");
            server.WaitForBackgroundJobs();
            Assert.Equal($"file appendonly.aof.2.base.{suffix} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", Manifest(dir));
            Assert.Equal(["appendonly.aof.2.base." + suffix, "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"],
                Directory.GetFiles(dir.AofDir).Select(f => Path.GetFileName(f)!).Order().ToArray());
            var info = server.InfoPersistence();
            Assert.Equal("ok", info["aof_last_bgrewrite_status"]);
            Assert.Equal("1", info["aof_rewrites"]);
        }
        using (var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AofUseRdbPreamble = rdbPreamble;
        }))
        using (var c = server.Connect())
        {
            Assert.Equal("$v99", c.CallText("GET", "k99"));
            Assert.InRange(c.Call("TTL", "ttl").Integer, 990, 1000);
            c.Call("SELECT", "1");
            Assert.Equal("$1", c.CallText("GET", "one"));
            Assert.Equal("$rewrite", c.CallText("GET", "after"));
        }
    }

    [Fact]
    public void TurningTheAofOnAtRunTime_RewritesFromTheDataset()
    {
        using var dir = new DataDir();
        using (var server = dir.Start())
        using (var c = server.Connect())
        {
            c.Call("SET", "before", "1");
            string? error;
            lock (server.Server.Sync) error = ConfigDirectives.Find("appendonly")!.Set(server.Server.Config, ["yes"]);
            Assert.Null(error);
            Assert.Equal("1", server.InfoPersistence()["aof_enabled"]);
            c.Call("SET", "during", "2");
            server.WaitForBackgroundJobs();
            c.Call("SET", "after", "3");
            Assert.Equal("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", Manifest(dir));
        }
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect())
        {
            Assert.Equal("$1", c.CallText("GET", "before"));
            Assert.Equal("$2", c.CallText("GET", "during"));
            Assert.Equal("$3", c.CallText("GET", "after"));
        }
    }

    [Fact]
    public void TurningTheAofOff_StopsAppending()
    {
        using var dir = new DataDir();
        using var server = dir.Start(AofOn);
        using var c = server.Connect();
        c.Call("SET", "a", "1");
        lock (server.Server.Sync) Assert.Null(ConfigDirectives.Find("appendonly")!.Set(server.Server.Config, ["no"]));
        long size = new FileInfo(Incr(dir, 1)).Length;
        c.Call("SET", "b", "2");
        Assert.Equal(size, new FileInfo(Incr(dir, 1)).Length);
        Assert.Equal("0", server.InfoPersistence()["aof_enabled"]);
    }

    [Fact]
    public void AutomaticRewrite_StartsWhenTheAofGrows()
    {
        using var dir = new DataDir();
        using var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AutoAofRewriteMinSize = 10_000;
            c.AutoAofRewritePercentage = 100;
        });
        using var c = server.Connect();
        for (int i = 0; i < 300; i++) c.Call("SET", "key", new string('x', 100));
        // The AOF passes the threshold several times during the loop, so one or more rewrites may run.
        PersistenceTestSupport.WaitUntil(() => server.InfoPersistence()["aof_rewrites"] != "0");
        server.WaitForBackgroundJobs();
        var baseFile = System.Text.RegularExpressions.Regex.Match(Manifest(dir), @"appendonly\.aof\.(\d+)\.base\.rdb");
        Assert.True(baseFile.Success && int.Parse(baseFile.Groups[1].Value) >= 2, Manifest(dir));
    }

    [Fact]
    public void TruncatedLastCommand_IsTrimmedWhenAllowed()
    {
        using var dir = new DataDir();
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect())
        {
            c.Call("SET", "a", "1");
            c.Call("SET", "b", "2");
        }
        string incr = Incr(dir, 1);
        long full = new FileInfo(incr).Length;
        using (var f = new FileStream(incr, FileMode.Open)) f.SetLength(full - 5);
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect())
        {
            Assert.Equal("$1", c.CallText("GET", "a"));
            Assert.Equal(":0", c.CallText("EXISTS", "b"));
        }
        // The file was cut back to its last whole command.
        Assert.Equal("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n", File.ReadAllText(incr));
    }

    [Fact]
    public void TruncatedAof_StopsStartup_WhenTruncationIsNotAllowed()
    {
        using var dir = new DataDir();
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect()) c.Call("SET", "a", "1");
        string incr = Incr(dir, 1);
        using (var f = new FileStream(incr, FileMode.Open)) f.SetLength(f.Length - 3);
        var e = Assert.Throws<PersistenceException>(() => dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AofLoadTruncated = false;
        }));
        Assert.Contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof (at offset 23)", e.Message);
    }

    [Fact]
    public void IncompleteMultiAtTheEnd_IsReverted()
    {
        using var dir = new DataDir();
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect()) c.Call("SET", "a", "1");
        File.AppendAllText(Incr(dir, 1), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n");
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect())
        {
            Assert.Equal("$1", c.CallText("GET", "a"));
            Assert.Equal(":0", c.CallText("EXISTS", "b"));
        }
    }

    [Theory]
    [InlineData("garbage\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\nx\r\n")]
    [InlineData("*1\r\n$3\r\nGETT\r\n")]
    public void MalformedAof_StopsStartup_NamingTheFileAndOffset(string tail)
    {
        using var dir = new DataDir();
        using (var server = dir.Start(AofOn))
        using (var c = server.Connect()) c.Call("SET", "a", "1");
        File.AppendAllText(Incr(dir, 1), tail);
        var e = Assert.Throws<PersistenceException>(() => dir.Start(AofOn));
        Assert.Contains("appendonly.aof.1.incr.aof", e.Message);
        Assert.Contains("(at offset 50)", e.Message);
    }

    [Theory]
    [InlineData("", "Found an empty AOF manifest")]
    [InlineData("file a seq 1\n", "Invalid AOF manifest file format")]
    [InlineData("file a seq 1 type x\n", "Unknown AOF file type")]
    [InlineData("file a/b seq 1 type b\n", "File can't be a path, just a filename")]
    [InlineData("file a seq 1 type b\nfile b seq 1 type b\n", "Found duplicate base file information")]
    [InlineData("file a seq 2 type i\nfile b seq 1 type i\n", "Found a non-monotonic sequence number")]
    public void BadManifest_StopsStartupWithRedisReason(string manifest, string reason)
    {
        using var dir = new DataDir();
        Directory.CreateDirectory(dir.AofDir);
        File.WriteAllText(Path.Combine(dir.AofDir, "appendonly.aof.manifest"), manifest);
        var e = Assert.Throws<PersistenceException>(() => dir.Start(AofOn));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Manifest_RoundTripsQuotedNamesAndKeepsOrder()
    {
        var m = AofManifest.Parse("file \"a b\" seq 1 type b\nfile x seq 3 type h\nfile y seq 4 type i\n", "m");
        Assert.Equal("a b", m.Base!.Name);
        Assert.Equal("file \"a b\" seq 1 type b\nfile x seq 3 type h\nfile y seq 4 type i\n", m.ToString());
    }

    [Fact]
    public void MissingFileListedInTheManifest_StopsStartup()
    {
        using var dir = new DataDir();
        using (dir.Start(AofOn))
        {
        }
        File.Delete(Incr(dir, 1));
        File.WriteAllBytes(Incr(dir, 1) + ".x", []);
        File.Delete(Path.Combine(dir.AofDir, "appendonly.aof.1.base.rdb"));
        var e = Assert.Throws<PersistenceException>(() => dir.Start(AofOn));
        Assert.Contains("appendonly.aof.1.base.rdb", e.Message);
    }

    [Fact]
    public void TimestampAnnotations_AreWrittenAndSkippedOnLoad()
    {
        using var dir = new DataDir();
        using (var server = dir.Start(c =>
        {
            c.AppendOnly = true;
            c.AofTimestampEnabled = true;
        }))
        using (var c = server.Connect())
        {
            c.Call("SET", "a", "1");
            server.Server.Persistence.Aof.Writer!.FlushAndSync();
        }
        Assert.StartsWith("#TS:", File.ReadAllText(Incr(dir, 1)));
        using var again = dir.Start(AofOn);
        using var c2 = again.Connect();
        Assert.Equal("$1", c2.CallText("GET", "a"));
    }

    [Fact]
    public void OldStyleAppendOnlyFile_IsMigratedIntoTheDirectory()
    {
        using var dir = new DataDir();
        File.WriteAllText(dir.File("appendonly.aof"), "*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n");
        using var server = dir.Start(AofOn);
        using var c = server.Connect();
        Assert.Equal("$style", c.CallText("GET", "old"));
        Assert.Equal("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", Manifest(dir));
    }
}
