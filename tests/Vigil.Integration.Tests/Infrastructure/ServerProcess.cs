using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Integration.Tests.Infrastructure;

/// <summary>
/// A vigil or redis-server process on a free loopback port, started by the test and killed by pid
/// when disposed. Output is kept for failure messages.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _ownsDir;

    private ServerProcess(string fileName, IEnumerable<string> args, string host, int port, string dir, bool ownsDir)
    {
        Host = host;
        Port = port;
        Dir = dir;
        _ownsDir = ownsDir;
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Host { get; }

    public int Port { get; }

    public string Dir { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Starts `vigil server` with the given directives (as --name value pairs) and waits until it answers PING.</summary>
    public static ServerProcess StartVigil(params string[] directives) => Start(Paths.Vigil, ["server"], directives);

    /// <summary>Starts Debian's redis-server 7.0 the same way, for side-by-side comparisons.</summary>
    public static ServerProcess StartRedis(params string[] directives) => Start(Paths.RedisServer, [], directives);

    private static ServerProcess Start(string fileName, string[] verb, string[] directives)
    {
        int port = FreePort.Next();
        string dir = Directory.CreateTempSubdirectory("vigil-it-").FullName;
        var args = new List<string>(verb) { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir };
        args.AddRange(directives);
        var process = new ServerProcess(fileName, args, "127.0.0.1", port, dir, ownsDir: true);
        process.WaitUntilReady(TimeSpan.FromSeconds(20));
        return process;
    }

    /// <summary>
    /// Starts `vigil server` (or redis-server, <paramref name="redis"/>) with a config file, then a free
    /// loopback port, a directory of its own and <paramref name="directives"/> on the command line.
    /// </summary>
    public static ServerProcess StartWithConfigFile(bool redis, string configFile, params string[] directives)
    {
        int port = FreePort.Next();
        string dir = Directory.CreateTempSubdirectory("vigil-it-").FullName;
        var args = new List<string>(redis ? [] : ["server"]) { configFile, "--port", port.ToString(), "--dir", dir };
        args.AddRange(directives);
        var process = new ServerProcess(redis ? Paths.RedisServer : Paths.Vigil, args, "127.0.0.1", port, dir, ownsDir: true);
        process.WaitUntilReady(TimeSpan.FromSeconds(20));
        return process;
    }

    /// <summary>
    /// Starts `vigil server` (or redis-server, <paramref name="redis"/>) bound to <paramref name="host"/>
    /// (any 127.0.0.0/8 address), with persistence and protected mode off and outgoing links leaving from that address,
    /// in a directory the caller owns (so a restart finds its files).
    /// </summary>
    public static ServerProcess StartAt(bool redis, string host, int port, string dir, params string[] directives)
    {
        var args = new List<string>(redis ? [] : ["server"])
        {
            "--port", port.ToString(), "--bind", host, "--bind-source-addr", host, "--save", "", "--appendonly", "no", "--dir", dir,
            // Redis 7.0 takes only 127.0.0.1 and ::1 for local in protected mode: the other loopback addresses would be refused.
            "--protected-mode", "no",
        };
        args.AddRange(directives);
        var process = new ServerProcess(redis ? Paths.RedisServer : Paths.Vigil, args, host, port, dir, ownsDir: false);
        process.WaitUntilReady(TimeSpan.FromSeconds(20));
        return process;
    }

    /// <summary>kill -9, and wait until the process is gone. Its directory stays.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    private void WaitUntilReady(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(Host, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException($"server on port {Port} not ready:\n{Output}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        if (!_ownsDir) return;
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
