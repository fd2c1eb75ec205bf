using System.Globalization;
using System.Text;
using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Commands;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;

namespace Vigil.Server.Replication;

/// <summary>
/// The node's replication role and what ties its parts together: the stream source (the master
/// half, also feeding a replica's own replicas), the link to a master when this node is a replica,
/// the history a replica keeps to continue with PSYNC (Redis's cached master), role changes
/// (REPLICAOF), the once-a-second cron, INFO replication and ROLE. Runs under the keyspace lock.
/// </summary>
internal sealed class ReplicationManager
{
    private static readonly byte[] Del = "DEL"u8.ToArray();

    private readonly VigilServer _server;
    private readonly ReplicationState _state;
    private MasterLink? _link;
    private LinkState _idleState;
    private bool _hasHistory;
    private int _historyDb;
    private long _linkDownSince;
    private long _lastSecondCron;
    private long _lastConnectAttempt = long.MinValue / 2;
    private bool _startedUp;

    public ReplicationManager(VigilServer server)
    {
        _server = server;
        _state = server.Replication;
        Source = new ReplicationSource(server);
        var config = server.Config;
        if (config.IsReplica)
        {
            server.Keyspace.IsReplica = true;
            server.Log.Role = 'S';
            _idleState = LinkState.Connect;
        }
        server.Executor.Propagate += ctx =>
        {
            // A replica passes on its master's stream as received; its own writes stay local.
            if (_server.Config.IsReplica) return;
            Source.FeedCommand(ctx);
            ctx.Client.ReplicationOffset = _state.MasterReplOffset;
        };
        server.Keyspace.KeyExpired += (db, key) =>
        {
            if (!_server.Config.IsReplica) _server.Executor.PropagateGenerated(db.Id, [Del, key]);
        };
        server.ClientClosed += Source.OnClientClosed;
        server.UsedMemory.ReplicationBacklog = () => Source.Backlog?.Size ?? 0;
        server.AddCronJob(Tick);
        server.Info.Add("replication", WriteInfo);
        server.Persistence.ReplicationInfo = SaveInfo;
    }

    public ReplicationSource Source { get; }

    public LinkState LinkState => _link?.State ?? _idleState;

    public bool MasterLinkUp => _link?.State == LinkState.Connected;

    private long UnixSeconds => _server.Keyspace.Now / 1000;

    // ---------------------------------------------------------------- role changes

    /// <summary>REPLICAOF host port (replicationSetMaster).</summary>
    public void SetMaster(string host, int port)
    {
        var config = _server.Config;
        bool wasMaster = !config.IsReplica;
        config.ReplicaOfHost = host;
        config.ReplicaOfPort = port;
        _server.Keyspace.IsReplica = true;
        _server.Log.Role = 'S';
        if (_link != null) ReleaseLink(_link);
        _server.Blocking.DisconnectAll();
        if (wasMaster)
        {
            // Its own history is what the new master may share (it was this node's replica, say).
            _hasHistory = true;
            _historyDb = 0;
            _server.Log.Notice("Before turning into a replica, using my own master parameters to synthesize a cached master: " +
                "I may be able to synchronize with the new master with just a partial transfer.");
        }
        _idleState = LinkState.Connect;
        StartLink();
    }

    /// <summary>REPLICAOF NO ONE (replicationUnsetMaster): this node's history continues as a master's.</summary>
    public void UnsetMaster()
    {
        var config = _server.Config;
        if (!config.IsReplica) return;
        config.ReplicaOfHost = "";
        config.ReplicaOfPort = 0;
        _server.Keyspace.IsReplica = false;
        _server.Log.Role = 'M';
        if (_link != null) ReleaseLink(_link);
        _hasHistory = false;
        _idleState = LinkState.None;
        _state.MasterLinkUp = false;
        _linkDownSince = 0;
        Source.ShiftReplId();
        // Its replicas learn the new ID by reconnecting; they continue with a partial resync.
        Source.DisconnectReplicas();
        Source.ForceSelect();
        Source.ResetNoReplicasClock();
    }

    private void StartLink()
    {
        var config = _server.Config;
        _lastConnectAttempt = Environment.TickCount64;
        _server.Log.Notice($"Connecting to MASTER {config.ReplicaOfHost}:{config.ReplicaOfPort}");
        _link = new MasterLink(_server, this, config.ReplicaOfHost, config.ReplicaOfPort);
        _link.Start();
    }

    /// <summary>Ends <paramref name="link"/> if it is the current one; a link that was up leaves its history cached.</summary>
    private void ReleaseLink(MasterLink link)
    {
        if (_link != link) return;
        _link = null;
        link.Cancel();
        var master = link.MasterClient;
        if (master != null)
        {
            _historyDb = master.DbIndex;
            _server.OnClientClosed(master);
        }
        if (link.State == LinkState.Connected)
        {
            _server.Log.Notice("Connection with master lost.");
            _server.Log.Notice("Caching the disconnected master state.");
            _hasHistory = true;
            _linkDownSince = UnixSeconds;
            _state.MasterLinkUp = false;
        }
        if (_server.Config.IsReplica) _idleState = LinkState.Connect;
    }

    // ---------------------------------------------------------------- the link's steps

    /// <summary>What to PSYNC with: this node's history when it has one, else "? -1".</summary>
    public (string ReplId, long Offset) PsyncRequest()
    {
        if (_hasHistory)
        {
            long next = _state.MasterReplOffset + 1;
            _server.Log.Notice($"Trying a partial resynchronization (request {_state.ReplId}:{next}).");
            return (_state.ReplId, next);
        }
        _server.Log.Notice("Partial resynchronization not possible (no cached master)");
        return ("?", -1);
    }

    /// <summary>+FULLRESYNC: the old history is void; this node's replicas must resync too.</summary>
    public void OnFullResyncStarting()
    {
        if (_hasHistory) _server.Log.Notice("Discarding previously cached master state.");
        _hasHistory = false;
        Source.DisconnectReplicas();
        Source.FreeBacklog();
    }

    /// <summary>+CONTINUE [new id]: the master may have a new ID (it was promoted): the old one becomes secondary.</summary>
    public void OnPartialResyncAccepted(string newReplId)
    {
        _server.Log.Notice("Successful partial resynchronization with master.");
        if (newReplId.Length > 0 && !newReplId.Equals(_state.ReplId, StringComparison.OrdinalIgnoreCase))
        {
            _state.ReplId2 = _state.ReplId;
            _state.SecondReplOffset = _state.MasterReplOffset + 1;
            _state.ReplId = newReplId;
            _server.Log.Notice($"Master replication ID changed to {newReplId}");
            Source.DisconnectReplicas();
        }
        if (Source.Backlog == null) Source.CreateBacklog();
        _server.Log.Notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    }

    /// <summary>The RDB of a full resync is loaded (off the lock): it replaces the dataset.</summary>
    public void OnFullResyncLoaded(Keyspace loaded, string replId, long offset, int streamDb)
    {
        _server.Keyspace.ReplaceWith(loaded);
        _server.Dirty++;
        Source.AdoptHistory(replId, offset);
        _historyDb = Math.Clamp(streamDb, 0, _server.Keyspace.DatabaseCount - 1);
        _server.Log.Notice("MASTER <-> REPLICA sync: Finished with success");
    }

    /// <summary>The stream starts: the master client that applies it, in the stream's database.</summary>
    public Client OnLinkConnected(MasterLink link, string address, string localAddress)
    {
        _state.MasterLinkUp = true;
        _linkDownSince = 0;
        var master = new Client(_server.Clients.NextId(), address, localAddress, _server.Keyspace.Now)
        {
            Flags = ClientFlags.Master,
            Authenticated = true,
            DbIndex = _historyDb,
        };
        // CLIENT KILL TYPE master ends the link; it reconnects and continues.
        master.CloseRequested = _ => link.Cancel();
        _server.Clients.Add(master);
        return master;
    }

    /// <summary>The link's thread ended (failure, master gone, cancelled).</summary>
    public void OnLinkEnded(MasterLink link) => ReleaseLink(link);

    /// <summary>REPLCONF GETACK from the master.</summary>
    public void SendAck() => _link?.SendAck();

    // ---------------------------------------------------------------- cron

    private void Tick()
    {
        if (!_startedUp)
        {
            // The cron starts once the dataset is loaded: the history its RDB recorded applies now.
            _startedUp = true;
            if (_server.Persistence.LoadedReplicationInfo is { } info) RestoreFromRdb(info);
        }
        Source.StartPendingFullSync();
        long now = Environment.TickCount64;
        if (now - _lastSecondCron < 1000) return;
        _lastSecondCron = now;
        ReplicaCron(now);
        Source.Cron();
    }

    /// <summary>replicationCron's replica half: timeouts, reconnection, the ACK every second.</summary>
    private void ReplicaCron(long now)
    {
        var config = _server.Config;
        if (!config.IsReplica) return;
        var link = _link;
        if (link == null)
        {
            if (now - _lastConnectAttempt >= 1000) StartLink();
            return;
        }
        long idle = now - link.LastIo;
        long timeout = config.ReplTimeout * 1000L;
        switch (link.State)
        {
            case LinkState.Connecting or LinkState.Handshake when idle > timeout:
                _server.Log.Warning("Timeout connecting to the MASTER...");
                ReleaseLink(link);
                break;
            case LinkState.Transfer when idle > timeout && !link.Loading:
                _server.Log.Warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.");
                ReleaseLink(link);
                break;
            case LinkState.Connected when idle > timeout:
                _server.Log.Warning("MASTER timeout: no data nor PING received...");
                ReleaseLink(link);
                break;
            case LinkState.Connected:
                link.SendAck();
                break;
        }
    }

    // ---------------------------------------------------------------- persistence

    /// <summary>rdbPopulateSaveInfo: the history an RDB saved now lets this node continue after a restart.</summary>
    private RdbFile.ReplicationInfo? SaveInfo()
    {
        if (!_server.Config.IsReplica)
        {
            if (Source.Backlog == null) return null;
            return new RdbFile.ReplicationInfo(_state.ReplId, _state.MasterReplOffset, Source.StreamDb == -1 ? 0 : Source.StreamDb);
        }
        var master = _link?.MasterClient;
        if (master != null) return new RdbFile.ReplicationInfo(_state.ReplId, _state.MasterReplOffset, master.DbIndex);
        return _hasHistory ? new RdbFile.ReplicationInfo(_state.ReplId, _state.MasterReplOffset, _historyDb) : null;
    }

    /// <summary>
    /// Startup with an RDB that records a history: a replica continues it with PSYNC; a master
    /// keeps it as its secondary history, so its replicas can continue after its restart.
    /// </summary>
    private void RestoreFromRdb(RdbFile.ReplicationInfo info)
    {
        if (info.StreamDb < 0 || info.Offset < 0) return;
        if (_server.Config.IsReplica)
        {
            _state.ReplId = info.ReplId;
            _state.MasterReplOffset = info.Offset;
            _hasHistory = true;
            _historyDb = Math.Clamp(info.StreamDb, 0, _server.Keyspace.DatabaseCount - 1);
            return;
        }
        _state.ReplId2 = info.ReplId;
        _state.SecondReplOffset = info.Offset + 1;
        _state.MasterReplOffset = info.Offset;
        Source.CreateBacklog();
        Source.ResetNoReplicasClock();
    }

    // ---------------------------------------------------------------- INFO and ROLE

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private void WriteInfo(StringBuilder sb)
    {
        var config = _server.Config;
        long now = Environment.TickCount64;
        sb.Append("role:").Append(config.IsReplica ? "slave" : "master").Append("\r\n");
        if (config.IsReplica)
        {
            var link = _link;
            bool connected = link?.State == LinkState.Connected;
            sb.Append("master_host:").Append(config.ReplicaOfHost).Append("\r\n");
            sb.Append("master_port:").Append(N(config.ReplicaOfPort)).Append("\r\n");
            sb.Append("master_link_status:").Append(connected ? "up" : "down").Append("\r\n");
            sb.Append("master_last_io_seconds_ago:").Append(connected ? N((now - link!.LastIo) / 1000) : "-1").Append("\r\n");
            sb.Append("master_sync_in_progress:").Append(link?.State == LinkState.Transfer ? "1" : "0").Append("\r\n");
            long applied = connected || _hasHistory ? _state.MasterReplOffset : 1;
            sb.Append("slave_read_repl_offset:").Append(N(connected ? link!.ReadOffset : applied)).Append("\r\n");
            sb.Append("slave_repl_offset:").Append(N(applied)).Append("\r\n");
            if (link?.State == LinkState.Transfer)
            {
                long size = link.TransferSize;
                long read = link.TransferRead;
                double perc = size != 0 ? (double)read / size * 100 : 0;
                sb.Append("master_sync_total_bytes:").Append(N(size)).Append("\r\n");
                sb.Append("master_sync_read_bytes:").Append(N(read)).Append("\r\n");
                sb.Append("master_sync_left_bytes:").Append(N(size - read)).Append("\r\n");
                sb.Append("master_sync_perc:").Append(perc.ToString("F2", CultureInfo.InvariantCulture)).Append("\r\n");
                sb.Append("master_sync_last_io_seconds_ago:").Append(N((now - link.LastIo) / 1000)).Append("\r\n");
            }
            if (!connected)
            {
                sb.Append("master_link_down_since_seconds:").Append(_linkDownSince != 0 ? N(UnixSeconds - _linkDownSince) : "-1").Append("\r\n");
            }
            sb.Append("slave_priority:").Append(N(config.ReplicaPriority)).Append("\r\n");
            sb.Append("slave_read_only:").Append(config.ReplicaReadOnly ? "1" : "0").Append("\r\n");
            sb.Append("replica_announced:").Append(config.ReplicaAnnounced ? "1" : "0").Append("\r\n");
        }
        sb.Append("connected_slaves:").Append(N(Source.Replicas.Count)).Append("\r\n");
        if (config.MinReplicasToWrite > 0 && config.MinReplicasMaxLag > 0)
        {
            sb.Append("min_slaves_good_slaves:").Append(N(_state.GoodReplicaCount)).Append("\r\n");
        }
        int index = 0;
        foreach (var (ip, port, state, offset, lag) in Source.Describe())
        {
            sb.Append("slave").Append(index++).Append(":ip=").Append(ip).Append(",port=").Append(N(port))
                .Append(",state=").Append(state).Append(",offset=").Append(N(offset)).Append(",lag=").Append(N(lag)).Append("\r\n");
        }
        var backlog = Source.Backlog;
        sb.Append("master_failover_state:no-failover\r\n");
        sb.Append("master_replid:").Append(_state.ReplId).Append("\r\n");
        sb.Append("master_replid2:").Append(_state.ReplId2).Append("\r\n");
        sb.Append("master_repl_offset:").Append(N(_state.MasterReplOffset)).Append("\r\n");
        sb.Append("second_repl_offset:").Append(N(_state.SecondReplOffset)).Append("\r\n");
        sb.Append("repl_backlog_active:").Append(backlog != null ? "1" : "0").Append("\r\n");
        sb.Append("repl_backlog_size:").Append(N(config.ReplBacklogSize)).Append("\r\n");
        sb.Append("repl_backlog_first_byte_offset:").Append(N(backlog?.FirstByteOffset ?? 0)).Append("\r\n");
        sb.Append("repl_backlog_histlen:").Append(N(backlog?.HistLen ?? 0)).Append("\r\n");
    }

    /// <summary>ROLE: ["master", offset, [[ip, port, offset], ...]] or ["slave", host, port, state, offset].</summary>
    public void WriteRole(RespWriter reply)
    {
        var config = _server.Config;
        if (!config.IsReplica)
        {
            var online = new List<(string Ip, int Port, long Offset)>();
            foreach (var (ip, port, state, offset, _) in Source.Describe())
            {
                if (state == "online") online.Add((ip, port, offset));
            }
            reply.WriteArrayHeader(3);
            reply.WriteBulkString("master"u8);
            reply.WriteInteger(_state.MasterReplOffset);
            reply.WriteArrayHeader(online.Count);
            foreach (var (ip, port, offset) in online)
            {
                reply.WriteArrayHeader(3);
                reply.WriteBulkString(ip);
                reply.WriteBulkString(N(port));
                reply.WriteBulkString(N(offset));
            }
            return;
        }
        reply.WriteArrayHeader(5);
        reply.WriteBulkString("slave"u8);
        reply.WriteBulkString(config.ReplicaOfHost);
        reply.WriteInteger(config.ReplicaOfPort);
        reply.WriteBulkString(LinkState switch
        {
            LinkState.Connect => "connect",
            LinkState.Connecting => "connecting",
            LinkState.Handshake => "handshake",
            LinkState.Transfer => "sync",
            LinkState.Connected => "connected",
            _ => "none",
        });
        reply.WriteInteger(MasterLinkUp ? _state.MasterReplOffset : -1);
    }
}
