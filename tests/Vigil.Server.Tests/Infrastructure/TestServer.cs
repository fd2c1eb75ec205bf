using StackExchange.Redis;
using Vigil.Server;
using Vigil.Server.Configuration;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>A data node in this process, listening on a free loopback port, for tests through real sockets.</summary>
public sealed class TestServer : IDisposable
{
    private ConnectionMultiplexer? _multiplexer;

    public TestServer(Action<ServerConfig>? configure = null)
    {
        // Its own data directory, and no save points: tests never share or leave dump files.
        Dir = Directory.CreateTempSubdirectory("vigil-test-").FullName;
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = Dir, SavePoints = [] };
        configure?.Invoke(config);
        Server = new VigilServer(config, new ServerLog { MinimumLevel = LogLevel.Warning });
        Server.Start();
    }

    public VigilServer Server { get; }

    /// <summary>The node's data directory (dump.rdb, the AOF directory), deleted on dispose.</summary>
    public string Dir { get; }

    public int Port => Server.Port;

    public RawClient Connect() => new("127.0.0.1", Port);

    /// <summary>A StackExchange.Redis connection, made on first use and shared by the test.</summary>
    public ConnectionMultiplexer Multiplexer => _multiplexer ??= ConnectionMultiplexer.Connect(
        new ConfigurationOptions { EndPoints = { { "127.0.0.1", Port } }, AllowAdmin = true, ConnectTimeout = 5000, SyncTimeout = 5000 });

    public IDatabase Db(int index = 0) => Multiplexer.GetDatabase(index);

    public void Dispose()
    {
        _multiplexer?.Dispose();
        Server.Shutdown(new ShutdownRequest { Save = false });
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
