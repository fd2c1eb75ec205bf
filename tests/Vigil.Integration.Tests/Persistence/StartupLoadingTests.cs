using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Persistence;

/// <summary>The `vigil` executable at startup: -LOADING while the dump loads, and a clear stop on a bad file.</summary>
public class StartupLoadingTests
{
    [Fact]
    public void WhileTheDumpLoads_CommandsGetLoading_AndInfoShowsProgress()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-loading-").FullName;
        try
        {
            int port = FreePort.Next();
            using (var first = ServerProcess.StartAt(false, "127.0.0.1", port, dir))
            using (var c = new RespConnection(port))
            {
                for (int i = 0; i < 50; i++) c.Call("SET", "key:" + i, "value:" + i);
                Assert.Equal("+OK", c.Call("SAVE").ToString());
            }
            // A second per key: the load lasts until the delay is lifted below.
            port = FreePort.Next();
            using var server = ServerProcess.StartAt(false, "127.0.0.1", port, dir, "--key-load-delay", "1000000");
            using var v = new RespConnection(port);
            Assert.Equal("-LOADING Redis is loading the dataset in memory", v.Call("GET", "key:1").ToString());
            string info = v.Call("INFO", "persistence").Text!;
            Assert.Contains("loading:1\r\n", info);
            Assert.Contains("loading_total_bytes:", info);
            Assert.Contains("loading_eta_seconds:", info);
            Assert.Equal("+OK", v.Call("CONFIG", "SET", "key-load-delay", "0").ToString());
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (v.Call("GET", "key:1").IsError)
            {
                Assert.True(DateTime.UtcNow < deadline, "still loading");
                Thread.Sleep(20);
            }
            Assert.Equal("value:49", v.Call("GET", "key:49").Text);
            Assert.Contains("loading:0\r\n", v.Call("INFO", "persistence").Text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TruncatedDump_StopsStartup_NamingTheFileAndOffset()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-baddump-").FullName;
        try
        {
            int port = FreePort.Next();
            using (var first = ServerProcess.StartAt(false, "127.0.0.1", port, dir))
            using (var c = new RespConnection(port))
            {
                for (int i = 0; i < 20; i++) c.Call("SET", "key:" + i, new string('v', 100));
                c.Call("SAVE");
            }
            string dump = Path.Combine(dir, "dump.rdb");
            var bytes = File.ReadAllBytes(dump);
            File.WriteAllBytes(dump, bytes[..(bytes.Length - 40)]);
            var result = Cli.Run(Paths.Vigil, ["server", "--port", FreePort.Next().ToString(), "--bind", "127.0.0.1", "--dir", dir], timeoutMs: 30_000);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"Fatal error loading the DB {dump}: Unexpected EOF reading RDB file (at offset ", result.All);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
