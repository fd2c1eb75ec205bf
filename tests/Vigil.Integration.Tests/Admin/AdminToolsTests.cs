using System.Diagnostics;
using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Admin;

/// <summary>Redis's own tools and redis-py on the admin surface, and the executable's daemon mode.</summary>
public class AdminToolsTests
{
    [Fact]
    public void RedisCli_InfoConfigClientAndKeyScans()
    {
        using var server = ServerProcess.StartVigil("--enable-debug-command", "yes");
        Assert.Equal("OK", Cli.RedisCli(server.Port, "DEBUG", "POPULATE", "200").StdOut.Trim());
        Assert.Contains("redis_version:7.0.15", Cli.RedisCli(server.Port, "INFO", "server").StdOut);
        Assert.Equal("maxmemory\n0\n", Cli.RedisCli(server.Port, "CONFIG", "GET", "maxmemory").StdOut);
        Assert.StartsWith("id=", Cli.RedisCli(server.Port, "CLIENT", "LIST").StdOut);
        // --bigkeys and --memkeys walk the keyspace with SCAN, TYPE, STRLEN and MEMORY USAGE.
        var bigkeys = Cli.RedisCli(server.Port, "--bigkeys");
        Assert.Contains("200 strings with 1690 bytes", bigkeys.StdOut);
        var memkeys = Cli.RedisCli(server.Port, "--memkeys");
        Assert.Contains("Sampled 200 keys in the keyspace!", memkeys.StdOut);
        Assert.Equal(0, memkeys.ExitCode);
    }

    [Fact]
    public void RedisBenchmark_Runs()
    {
        using var server = ServerProcess.StartVigil();
        var result = Cli.Run("/usr/bin/redis-benchmark", ["-h", "127.0.0.1", "-p", server.Port.ToString(), "-n", "200", "-c", "4", "-t", "set,get", "-q"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SET:", result.StdOut);
        Assert.Contains("GET:", result.StdOut);
    }

    [Fact]
    public void RedisPy_AdminCalls()
    {
        using var server = ServerProcess.StartVigil();
        string script = $"""
            import redis
            r = redis.Redis(host='127.0.0.1', port={server.Port})
            assert r.info('server')['redis_version'] == '7.0.15'
            assert r.info()['connected_clients'] >= 1
            assert r.config_get('maxmemory*')['maxmemory-policy'] == 'noeviction'
            assert r.config_set('maxmemory', '10mb')
            assert r.config_get('maxmemory')['maxmemory'] == '10485760'
            r.client_setname('py')
            assert r.client_getname() == b'py' or r.client_getname() == 'py'
            assert any(c['name'] == 'py' for c in r.client_list())
            assert r.dbsize() == 0
            r.set('k', 'v')
            assert r.memory_usage('k') > 0
            assert len(r.slowlog_get()) >= 0
            assert r.time()[0] > 0
            assert r.command_count() > 100
            print('ok')
            """;
        var result = Cli.Run("/usr/bin/python3", ["-c", script]);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal("ok", result.StdOut.Trim());
    }

    [Fact]
    public void Daemonize_DetachesWritesPidfile_AndRemovesItOnShutdown()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-daemon-").FullName;
        string pidFile = Path.Combine(dir, "vigil.pid");
        int port = FreePort.Next();
        int pid = 0;
        try
        {
            var result = Cli.Run(Paths.Vigil, ["server", "--port", port.ToString(), "--bind", "127.0.0.1", "--daemonize", "yes",
                "--pidfile", pidFile, "--dir", dir, "--logfile", Path.Combine(dir, "vigil.log"), "--save", ""], timeoutMs: 60_000);
            // The command returns once the daemon serves.
            Assert.True(result.ExitCode == 0, result.All);
            pid = int.Parse(File.ReadAllText(pidFile).Trim());
            Assert.NotEqual(0, pid);
            Assert.Equal("PONG", Cli.RedisCli(port, "PING").StdOut.Trim());
            Assert.Equal($"pidfile\n{pidFile}\n", Cli.RedisCli(port, "CONFIG", "GET", "pidfile").StdOut);
            Assert.Contains($"process_id:{pid}", Cli.RedisCli(port, "INFO", "server").StdOut);
            Cli.RedisCli(port, "SHUTDOWN", "NOSAVE");
            Assert.True(WaitUntil(() => !File.Exists(pidFile) && ProcessGone(pid)), "the daemon did not stop and remove its pidfile");
            Assert.Contains("ready to exit", File.ReadAllText(Path.Combine(dir, "vigil.log")));
        }
        finally
        {
            if (pid != 0 && !ProcessGone(pid)) Process.GetProcessById(pid).Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Daemonize_ThatCannotListen_ReturnsAnError()
    {
        using var blocker = ServerProcess.StartRedis();
        string dir = Directory.CreateTempSubdirectory("vigil-daemon-").FullName;
        try
        {
            var result = Cli.Run(Paths.Vigil, ["server", "--port", blocker.Port.ToString(), "--bind", "127.0.0.1", "--daemonize", "yes",
                "--pidfile", Path.Combine(dir, "vigil.pid"), "--dir", dir], timeoutMs: 60_000);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Address already in use", result.All);
            Assert.False(File.Exists(Path.Combine(dir, "vigil.pid")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Timeout_ClosesIdleClients_ButNotSubscribers()
    {
        using var server = ServerProcess.StartVigil("--timeout", "1");
        using var idle = new RespConnection(server.Port);
        using var subscriber = new RespConnection(server.Port);
        Assert.Equal("PONG", idle.Call("PING").Text);
        subscriber.Call("SUBSCRIBE", "ch");
        Assert.True(WaitUntil(() => !Cli.RedisCli(server.Port, "CLIENT", "LIST").StdOut.Contains("cmd=ping")), "the idle client was not closed");
        Assert.ThrowsAny<Exception>(() => idle.Call("PING"));
        Assert.Contains("cmd=subscribe", Cli.RedisCli(server.Port, "CLIENT", "LIST").StdOut);
    }

    [Fact]
    public void SupervisedSystemd_NotifiesReadyAndStopping()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-notify-").FullName;
        string socketPath = Path.Combine(dir, "notify.sock");
        using var notify = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram,
            System.Net.Sockets.ProtocolType.Unspecified) { ReceiveTimeout = 30_000 };
        notify.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        int port = FreePort.Next();
        var info = new ProcessStartInfo(Paths.Vigil) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "server", "--port", port.ToString(), "--bind", "127.0.0.1", "--supervised", "systemd", "--dir", dir, "--save", "" })
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["NOTIFY_SOCKET"] = socketPath;
        using var process = Process.Start(info)!;
        try
        {
            var buffer = new byte[256];
            var received = new System.Text.StringBuilder();
            while (!received.ToString().Contains("READY=1")) received.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, notify.Receive(buffer)));
            Assert.Contains("STATUS=Ready to accept connections", received.ToString());
            Assert.Contains("process_supervised:systemd", Cli.RedisCli(port, "INFO", "server").StdOut);
            Cli.RedisCli(port, "SHUTDOWN", "NOSAVE");
            Assert.Equal("STOPPING=1\n", System.Text.Encoding.ASCII.GetString(buffer, 0, notify.Receive(buffer)));
            Assert.True(process.WaitForExit(20_000));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool ProcessGone(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 20_000;
        while (Environment.TickCount64 < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }
}
