using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Vigil.Server.Blocking;
using Vigil.Server.Clients;
using Vigil.Server.Commands;
using Vigil.Server.Configuration;
using Vigil.Server.Networking;
using Vigil.Server.Storage;

namespace Vigil.Server;

public delegate void KeyspaceEventSink(PubSub.KeyspaceEventType type, string eventName, int db, ReadOnlySpan<byte> key);

/// <summary>
/// A data node: the keyspace, the command table, the clients and the listener, tied together.
/// Commands run one at a time under <see cref="Sync"/>, as in Redis; reading, parsing and sending
/// happen outside it.
/// </summary>
public sealed class VigilServer : IAsyncDisposable
{
    private readonly Listener _listener;
    private Networking.EventLoop? _loop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action> _cronJobs = new();
    private Thread? _cronThread;
    private volatile bool _stopping;

    public VigilServer(ServerConfig config, ServerLog? log = null)
    {
        Config = config;
        Log = log ?? new ServerLog();
        Keyspace = new Keyspace(config.Databases);
        Keyspace.IsReplica = config.IsReplica;
        UsedMemory = new Eviction.UsedMemory(this);
        Commands = new CommandTable();
        Executor = new CommandExecutor(this);
        SlowLog = new SlowLog(this);
        LatencyMonitor = new LatencyMonitor(this);
        Memory = new MemoryAccounting(this);
        Persistence = new Persistence.PersistenceService(this);
        _listener = new Listener(this);
        RunId = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        StartTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Blocking = new BlockingManager(this);
        Evictor = new Eviction.Evictor(this);
        BuiltinCommands.Register(this);
        RenameCommands();
        AddCronJob(new ActiveExpiry(this).RunCycle);
        AddCronJob(new ClientTimeouts(this).Check);
        ClientPause = new ClientPause(this);
        ServerInfoSections.Register(this);
        RegisterConfigAppliers();
    }

    /// <summary>The keyspace lock: every command, and every change to client state, runs under it.</summary>
    public object Sync { get; } = new();

    public ServerConfig Config { get; }

    public ServerLog Log { get; }

    public Keyspace Keyspace { get; }

    public CommandTable Commands { get; }

    public CommandExecutor Executor { get; }

    public ClientRegistry Clients { get; } = new();

    public ServerStats Stats { get; } = new();

    /// <summary>used_memory, kept up to date (INFO memory, maxmemory).</summary>
    public Eviction.UsedMemory UsedMemory { get; }

    /// <summary>maxmemory: evicts keys before commands run, or refuses those that would add data.</summary>
    public Eviction.Evictor Evictor { get; }

    public SlowLog SlowLog { get; }

    public LatencyMonitor LatencyMonitor { get; }

    /// <summary>used_memory and its parts (INFO memory, MEMORY).</summary>
    public MemoryAccounting Memory { get; }

    /// <summary>Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN...) and the serving of them.</summary>
    public BlockingManager Blocking { get; }

    public ReplicationState Replication { get; } = new();

    /// <summary>What INFO prints: each feature adds its own section.</summary>
    public InfoSections Info { get; } = new();

    /// <summary>CLIENT PAUSE: which clients' commands wait, and until when.</summary>
    public ClientPause ClientPause { get; }

    /// <summary>What CONFIG SET does after changing a directive: each feature adds its own.</summary>
    public ConfigAppliers ConfigAppliers { get; } = new();

    /// <summary>Samples of operations and traffic per second (INFO instantaneous_*).</summary>
    public InstantaneousMetrics Metrics { get; } = new();

    /// <summary>40 hex characters, new at every start (INFO run_id).</summary>
    public string RunId { get; }

    public long StartTimeMs { get; }

    /// <summary>The supervisor the host talks to ("systemd"), or "no" (INFO process_supervised).</summary>
    public string SupervisedBy { get; init; } = "no";

    /// <summary>DEBUG SET-ACTIVE-EXPIRE: whether the cron deletes expired keys it samples.</summary>
    public bool ActiveExpireEnabled { get; set; } = true;

    /// <summary>DEBUG PAUSE-CRON: the cron's jobs are suspended.</summary>
    public bool CronPaused { get; set; }

    /// <summary>Changes to the dataset since the last save (server.dirty).</summary>
    public long Dirty { get; set; }

    /// <summary>RDB snapshots, the append-only file, loading at startup.</summary>
    public Persistence.PersistenceService Persistence { get; }

    /// <summary>True while the dataset is being loaded: commands without the loading flag get -LOADING.</summary>
    public bool Loading { get; set; }

    public bool AuthRequired => !Config.DefaultUser.NoPass;

    /// <summary>Where the node listens (the real port when configured with port 0).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _listener.Endpoints;

    public int Port => Endpoints.Count > 0 ? Endpoints[0].Port : Config.Port;

    /// <summary>Completes when the server has shut down.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Delivers keyspace events (pub/sub installs it): type, event name, database, key.</summary>
    public KeyspaceEventSink? KeyspaceEvents { get; set; }

    /// <summary>Called under the lock when a client goes away; features drop its state.</summary>
    public event Action<Client>? ClientClosed;

    /// <summary>Called under the lock when a client's state is reset (RESET): features drop its state.</summary>
    public event Action<Client>? ClientResetting;

    public void ResetClient(Client client) => ClientResetting?.Invoke(client);

    /// <summary>
    /// Called under the lock before the process exits (SHUTDOWN, SIGTERM): final save and the like.
    /// A handler refuses the shutdown by setting <see cref="ShutdownRequest.Refusal"/> (a failed save).
    /// </summary>
    public event Action<ShutdownRequest>? ShuttingDown;

    /// <summary>Called under the lock after FLUSHALL emptied every database (Redis then saves when it has save points).</summary>
    public event Action? FlushedAll;

    internal void OnFlushedAll() => FlushedAll?.Invoke();

    /// <summary>Runs <paramref name="job"/> under the lock on every tick of the server cron (hz times a second).</summary>
    public void AddCronJob(Action job) => _cronJobs.Add(job);

    /// <summary>rename-command lines of the config file, applied once every command is registered.</summary>
    private void RenameCommands()
    {
        foreach (var (name, newName) in Config.RenamedCommands)
        {
            if (!Commands.Rename(name, newName)) throw new ConfigException(newName.Length > 0 && Commands.Find(name) != null
                ? "Target command name already exists"
                : "No such command in rename-command");
        }
    }

    /// <summary>The side effects of CONFIG SET for the directives the server itself owns.</summary>
    private void RegisterConfigAppliers()
    {
        string? Rebind()
        {
            // Where the node listens now: the real port, also when it was configured as 0.
            int boundPort = Port;
            try
            {
                _listener.Rebind(Config.Bind, Config.Port, _boundAddresses, boundPort, Config.TcpBacklog);
            }
            catch (IOException e)
            {
                Log.Warning(e.Message);
                return Config.Port != boundPort ? "Unable to listen on this port. Check server logs." : "Failed to bind to specified addresses.";
            }
            _boundAddresses = Config.Bind;
            return null;
        }
        ConfigAppliers.Add("port", Rebind);
        ConfigAppliers.Add("bind", Rebind);
        ConfigAppliers.Add("loglevel", () =>
        {
            Log.MinimumLevel = ServerLog.Parse(Config.LogLevel);
            return null;
        });
        Evictor.RegisterConfigAppliers(ConfigAppliers);
    }

    private string[] _boundAddresses = [];

    /// <summary>
    /// Listens, loads the dataset from disk (clients that connect meanwhile get -LOADING), then
    /// starts the cron. Throws <see cref="Persistence.PersistenceException"/> when a data file is bad.
    /// </summary>
    public void Start()
    {
        _listener.Bind(Config.Bind, Config.Port, Config.TcpBacklog);
        _boundAddresses = Config.Bind;
        // No command runs before the dataset is loaded and the AOF open: the lock is held until
        // then, and let go during a long load only with Loading set (clients get -LOADING), as Redis.
        lock (Sync)
        {
            Loading = Persistence.HasDataToLoad();
            _loop = new Networking.EventLoop(Log);
            _listener.Start();
            Log.Notice($"Server initialized");
            try
            {
                Persistence.LoadAtStartup();
            }
            catch
            {
                _listener.Dispose();
                _loop.Stop();
                throw;
            }
        }
        _cronThread = new Thread(CronLoop) { IsBackground = true, Name = "vigil-cron" };
        _cronThread.Start();
        Log.Notice($"Ready to accept connections tcp");
    }

    internal void Accept(Socket socket)
    {
        socket.NoDelay = true;
        if (Config.TcpKeepAlive > 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Config.TcpKeepAlive);
        }
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        string? refusal = null;
        Client client;
        lock (Sync)
        {
            Stats.TotalConnectionsReceived++;
            client = new Client(Clients.NextId(), FormatEndpoint(remote), FormatEndpoint(local), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
            {
                // As Redis: a client starts authenticated when the default user needs no password.
                Authenticated = !AuthRequired,
                IsLocal = IPAddress.IsLoopback(remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address),
                Fd = (int)socket.Handle,
            };
            if (Clients.Count >= Config.MaxClients) refusal = "-ERR max number of clients reached\r\n";
            else if (IsRefusedByProtectedMode(remote.Address)) refusal = ProtectedModeMessage;
            if (refusal == null) Clients.Add(client);
            else Stats.RejectedConnections++;
        }
        if (refusal != null)
        {
            try
            {
                socket.Send(System.Text.Encoding.ASCII.GetBytes(refusal));
            }
            catch (SocketException)
            {
            }
            socket.Dispose();
            return;
        }
        var connection = new Connection(socket, this, client);
        connection.Start(_loop!);
    }

    private bool IsRefusedByProtectedMode(IPAddress address)
    {
        if (!Config.ProtectedMode || AuthRequired) return false;
        // Protected mode applies only while bind is left at its default (every interface).
        if (!(Config.Bind.Length == 2 && Config.Bind[0] == "*" && Config.Bind[1] == "-::*")) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return !IPAddress.IsLoopback(address);
    }

    private const string ProtectedModeMessage =
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
        "In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you " +
        "may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the " +
        "loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible " +
        "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode " +
        "by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you " +
        "started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password " +
        "for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from " +
        "the outside.\r\n";

    private static string FormatEndpoint(IPEndPoint endpoint)
    {
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{endpoint.Port}" : $"{address}:{endpoint.Port}";
    }

    internal void OnClientClosed(Client client)
    {
        UsedMemory.UpdateClient(client, 0);
        Clients.Remove(client);
        ClientClosed?.Invoke(client);
    }

    private void CronLoop()
    {
        while (!_stopping)
        {
            Thread.Sleep(1000 / Math.Max(1, Config.Hz));
            lock (Sync)
            {
                if (_stopping) return;
                if (CronPaused) continue;
                Keyspace.UpdateClock();
                Metrics.Sample(this);
                foreach (var job in _cronJobs) job();
                // Clients a job unblocked (a timeout, the end of a pause) run their waiting input.
                Blocking.ProcessUnblockedClients();
            }
        }
    }

    /// <summary>
    /// SHUTDOWN: runs the shutdown hooks (final save), closes the listener and every client.
    /// Returns the refusal when a hook refused (a failed save without FORCE): the server runs on.
    /// </summary>
    public string? Shutdown(ShutdownRequest? request = null)
    {
        request ??= new ShutdownRequest();
        lock (Sync)
        {
            if (_stopping) return null;
            Log.Warning("User requested shutdown...");
            ShuttingDown?.Invoke(request);
            if (request.Refusal != null && !request.Force) return request.Refusal;
            _stopping = true;
            foreach (var client in Clients.Snapshot()) client.Kill();
            _listener.Dispose();
            _loop?.Stop();
        }
        Log.Warning("Redis is now ready to exit, bye bye...");
        _stopped.TrySetResult();
        return null;
    }

    public ValueTask DisposeAsync()
    {
        Shutdown();
        return ValueTask.CompletedTask;
    }
}

/// <summary>How SHUTDOWN was asked for: its SAVE / NOSAVE / FORCE options (none for SIGTERM).</summary>
public sealed class ShutdownRequest
{
    /// <summary>True: SAVE, false: NOSAVE, null: save when save points are configured.</summary>
    public bool? Save { get; init; }

    /// <summary>FORCE: exit even when the final save fails.</summary>
    public bool Force { get; init; }

    /// <summary>NOW: do not wait for lagging replicas.</summary>
    public bool Now { get; init; }

    /// <summary>Set by a hook that cannot prepare (the final save failed): the error SHUTDOWN replies.</summary>
    public string? Refusal { get; set; }

    /// <summary>A signal's request, from shutdown-on-sigterm / shutdown-on-sigint ("default", or some of save, nosave, now, force).</summary>
    public static ShutdownRequest FromSignalFlags(string flags)
    {
        var words = flags.Split(' ');
        return new ShutdownRequest
        {
            Save = words.Contains("save") ? true : words.Contains("nosave") ? false : null,
            Now = words.Contains("now"),
            Force = words.Contains("force"),
        };
    }
}
