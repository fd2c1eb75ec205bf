using System.Runtime.InteropServices;
using Vigil.Server;
using Vigil.Server.Configuration;

namespace Vigil;

/// <summary>`vigil server`: redis-server's command line, startup and shutdown.</summary>
internal static class ServerHost
{
    public static string VersionLine =>
        $"Vigil server v={ServerInfo.RedisVersion} sha=00000000:0 malloc=dotnet bits=64 build=vigil-{ServerInfo.VigilVersion}";

    /// <summary>A signal asks for a shutdown with the flags its directive gives; a failed one leaves the node up, as Redis.</summary>
    private static void SignalShutdown(VigilServer server, string flags)
    {
        if (server.Shutdown(ShutdownRequest.FromSignalFlags(flags)) != null)
        {
            server.Log.Warning("SIGTERM received but errors trying to shut down the server, check the logs for more information");
        }
    }

    public static int Run(string[] args)
    {
        if (args.Length >= 1 && args[0] is "-v" or "--version")
        {
            Console.WriteLine(VersionLine);
            return 0;
        }
        if (args.Length >= 1 && args[0] is "-h" or "--help")
        {
            Console.WriteLine("Usage: vigil server [/path/to/redis.conf] [options] [-]");
            Console.WriteLine("       vigil server - (read config from stdin)");
            Console.WriteLine("       vigil server -v or --version");
            Console.WriteLine();
            Console.WriteLine("Examples:");
            Console.WriteLine("       vigil server (run the server with default config)");
            Console.WriteLine("       vigil server /etc/redis/6379.conf");
            Console.WriteLine("       vigil server --port 7777");
            Console.WriteLine("       vigil server /etc/myredis.conf --loglevel verbose --maxmemory 10mb");
            return 0;
        }

        ServerConfig config;
        try
        {
            config = ConfigLoader.Load(args);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        if (config.Daemonize)
        {
            if (!Daemon.IsChild) return Daemon.LaunchChild(args);
            Daemon.DetachSession();
            // As Redis: a daemon always has a pidfile.
            if (config.PidFile.Length == 0) config.PidFile = Daemon.DefaultPidFile;
        }

        var log = new ServerLog { MinimumLevel = ServerLog.Parse(config.LogLevel) };
        if (config.LogFile.Length > 0) log.UseFile(config.LogFile);
        log.Notice("oO0OoO0OoO0Oo Vigil is starting oO0OoO0OoO0Oo");
        log.Notice($"Vigil version={ServerInfo.VigilVersion}, redis compatibility={ServerInfo.RedisVersion}, bits=64, pid={Environment.ProcessId}, just started");
        log.Notice(config.ConfigFile == null
            ? "Warning: no config file specified, using the default config. In order to specify a config file use vigil server /path/to/redis.conf"
            : "Configuration loaded");

        VigilServer server;
        try
        {
            server = new VigilServer(config, log) { SupervisedBy = Supervision.Detect(config.Supervised) };
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        try
        {
            server.Start();
        }
        catch (IOException e)
        {
            log.Warning(e.Message);
            return 1;
        }
        catch (Vigil.Server.Persistence.PersistenceException e)
        {
            log.Warning(e.Message);
            return 1;
        }
        WritePidFile(config.PidFile, log);
        if (config.Daemonize) Daemon.SignalReady();
        Supervision.Ready(server.SupervisedBy);

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            log.Warning("Received SIGTERM scheduling shutdown...");
            SignalShutdown(server, config.ShutdownOnSigterm);
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            log.Warning("Received SIGINT scheduling shutdown...");
            SignalShutdown(server, config.ShutdownOnSigint);
        });
        server.Stopped.GetAwaiter().GetResult();
        Supervision.Stopping(server.SupervisedBy);
        if (config.PidFile.Length > 0) File.Delete(config.PidFile);
        return 0;
    }

    /// <summary>createPidFile: a pidfile that cannot be written is logged, not fatal, as in Redis.</summary>
    private static void WritePidFile(string path, ServerLog log)
    {
        if (path.Length == 0) return;
        try
        {
            File.WriteAllText(path, Environment.ProcessId + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning($"Failed to write PID file: {e.Message}");
        }
    }
}
