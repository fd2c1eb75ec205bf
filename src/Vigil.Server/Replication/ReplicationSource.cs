using System.Globalization;
using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Commands;

namespace Vigil.Server.Replication;

/// <summary>
/// The master half of replication: one append-only stream of the commands that changed the dataset
/// (SELECT inserted when the database changes), its offset, the backlog that keeps its recent
/// bytes, and the replicas attached to this node, each fed the stream into its output buffer.
/// On a replica with replicas of its own the stream is its master's, passed on byte for byte.
/// Everything here runs under the keyspace lock.
/// </summary>
internal sealed class ReplicationSource
{
    private static readonly byte[] PingCommand = "*1\r\n$4\r\nPING\r\n"u8.ToArray();
    private static readonly byte[] GetAckCommand = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"u8.ToArray();

    private readonly VigilServer _server;
    private readonly ReplicationState _state;
    private readonly List<Client> _replicas = new();
    private readonly RespWriter _encoded = new();
    private ReplicationBacklog? _backlog;
    private FullSync? _runningSync;
    private long _noReplicasSince;

    public ReplicationSource(VigilServer server)
    {
        _server = server;
        _state = server.Replication;
        _noReplicasSince = UnixSeconds;
    }

    public IReadOnlyList<Client> Replicas => _replicas;

    public ReplicationBacklog? Backlog => _backlog;

    /// <summary>The database the stream's last SELECT chose (slaveseldb), -1 when the next command must SELECT.</summary>
    public int StreamDb { get; private set; } = -1;

    private long UnixSeconds => _server.Keyspace.Now / 1000;

    // ---------------------------------------------------------------- the stream

    /// <summary>Appends a command this node executed (replicationFeedSlaves): its rewritten form if any.</summary>
    public void FeedCommand(CommandContext ctx)
    {
        if (_backlog == null) return;
        var encoded = _encoded;
        encoded.Reset();
        int db = ctx.Client.DbIndex;
        if (db != StreamDb)
        {
            encoded.WriteArrayHeader(2);
            encoded.WriteBulkString("SELECT"u8);
            encoded.WriteBulkString(db);
            StreamDb = db;
        }
        var rewritten = ctx.PropagateAs;
        if (rewritten != null)
        {
            encoded.WriteArrayHeader(rewritten.Length);
            foreach (var arg in rewritten) encoded.WriteBulkString(arg);
        }
        else
        {
            encoded.WriteArrayHeader(ctx.ArgCount);
            for (int i = 0; i < ctx.ArgCount; i++) encoded.WriteBulkString(ctx.Arg(i));
        }
        Append(encoded.WrittenSpan);
    }

    /// <summary>Passes on bytes of this replica's master stream (replicationFeedStreamFromMasterStream).</summary>
    public void FeedFromMaster(ReadOnlySpan<byte> bytes)
    {
        if (_backlog == null) return;
        Append(bytes);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        ResizeBacklogIfConfigured();
        _state.MasterReplOffset += bytes.Length;
        _backlog!.Append(bytes);
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            // Not yet given a starting offset: it gets everything after its snapshot's.
            if (attached.State == AttachedReplicaState.WaitBgsaveStart || replica.HasFlag(ClientFlags.CloseAsap)) continue;
            replica.Output.WriteRaw(bytes);
            if (!CloseIfOverOutputLimit(replica, attached)) replica.RequestFlush();
        }
    }

    /// <summary>repl-backlog-size changed at run time: keep what fits (resizeReplicationBacklog).</summary>
    private void ResizeBacklogIfConfigured()
    {
        long wanted = Math.Max(_server.Config.ReplBacklogSize, ReplicationBacklog.MinSize);
        if (_backlog!.Size != Math.Min(wanted, Array.MaxLength)) _backlog = _backlog.Resized(wanted);
    }

    /// <summary>client-output-buffer-limit replica: a replica too slow for the stream is dropped and will resync.</summary>
    private bool CloseIfOverOutputLimit(Client replica, AttachedReplica attached)
    {
        var limit = _server.Config.ClientOutputBufferLimit.Replica;
        if (!limit.IsReached(replica.Output.Length, ref attached.SoftLimitSince, UnixSeconds)) return false;
        _server.Log.Warning($"Client {ClientDescription.Describe(replica, _server.Keyspace.Now)} scheduled to be closed ASAP for overcoming of output buffer limits.");
        replica.Kill();
        return true;
    }

    // ---------------------------------------------------------------- history

    public void CreateBacklog() =>
        _backlog = new ReplicationBacklog(_server.Config.ReplBacklogSize, _state.MasterReplOffset + 1);

    public void FreeBacklog() => _backlog = null;

    public void StartNewHistory() => _state.StartNewHistory();

    /// <summary>
    /// shiftReplicationId, on promotion: the history followed so far stays valid as the secondary
    /// one up to the current offset, so replicas of the old master can continue with this node.
    /// </summary>
    public void ShiftReplId()
    {
        _state.ReplId2 = _state.ReplId;
        _state.SecondReplOffset = _state.MasterReplOffset + 1;
        _state.ReplId = ReplicationState.NewReplId();
        _server.Log.Notice($"Setting secondary replication ID to {_state.ReplId2}, valid up to offset: {_state.SecondReplOffset}. New replication ID is {_state.ReplId}");
    }

    /// <summary>The next command is preceded by SELECT (after a promotion or a full resync start).</summary>
    public void ForceSelect() => StreamDb = -1;

    /// <summary>Drops every attached replica (they reconnect and resync).</summary>
    public void DisconnectReplicas()
    {
        foreach (var replica in _replicas)
        {
            if (!replica.HasFlag(ClientFlags.CloseAsap)) replica.Kill();
        }
    }

    /// <summary>A replica starts following a new history from <paramref name="offset"/> (after a full resync).</summary>
    public void AdoptHistory(string replId, long offset)
    {
        _state.ReplId = replId;
        _state.ReplId2 = ReplicationState.NoReplId;
        _state.SecondReplOffset = -1;
        _state.MasterReplOffset = offset;
        CreateBacklog();
    }

    // ---------------------------------------------------------------- attaching replicas

    /// <summary>
    /// SYNC and PSYNC (syncCommand): a partial resync from the backlog when the replica's history
    /// and offset allow it, otherwise a full resync with a snapshot.
    /// </summary>
    public void Sync(CommandContext ctx, bool psync, bool masterLinkUp)
    {
        var client = ctx.Client;
        if (client.HasFlag(ClientFlags.Replica)) return;
        if (_server.Config.IsReplica && !masterLinkUp)
        {
            ctx.Error("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        if (client.Output.Length > 0)
        {
            ctx.Error("ERR SYNC and PSYNC are invalid with pending output");
            return;
        }
        var attached = client.GetOrAddExtension<AttachedReplica>();
        _server.Log.Notice($"Replica {NameOf(client)} asks for synchronization");
        if (psync)
        {
            if (TryPartialResync(ctx, attached))
            {
                _server.Stats.SyncPartialOk++;
                return;
            }
        }
        else
        {
            attached.PrePsync = true;
        }
        _server.Stats.SyncFull++;
        Attach(client, attached, AttachedReplicaState.WaitBgsaveStart);
        attached.SyncRequestedAt = Environment.TickCount64;
        if (_replicas.Count == 1 && _backlog == null)
        {
            StartNewHistory();
            CreateBacklog();
            _server.Log.Notice($"Replication backlog created, my new replication IDs are '{_state.ReplId}' and '{_state.ReplId2}'");
        }
        if (_runningSync != null)
        {
            _server.Log.Notice(_runningSync.Diskless
                ? "Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC"
                : "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
        }
        else if (_server.Config.ReplDisklessSync && attached.CapaEof && _server.Config.ReplDisklessSyncDelay > 0)
        {
            _server.Log.Notice("Delay next BGSAVE for diskless SYNC");
        }
        else
        {
            StartPendingFullSync();
        }
    }

    /// <summary>masterTryPartialResynchronization.</summary>
    private bool TryPartialResync(CommandContext ctx, AttachedReplica attached)
    {
        var client = ctx.Client;
        string replId = ctx.ArgString(1);
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long offset)) return false;
        bool current = replId.Equals(_state.ReplId, StringComparison.OrdinalIgnoreCase);
        bool previous = replId.Equals(_state.ReplId2, StringComparison.OrdinalIgnoreCase);
        if (!current && (!previous || offset > _state.SecondReplOffset))
        {
            if (replId.StartsWith('?'))
            {
                _server.Log.Notice($"Full resync requested by replica {NameOf(client)}");
                return false;
            }
            if (!previous)
            {
                _server.Log.Notice($"Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{replId}', " +
                    $"my replication IDs are '{_state.ReplId}' and '{_state.ReplId2}')");
            }
            else
            {
                _server.Log.Notice($"Partial resynchronization not accepted: Requested offset for second ID was {offset}, " +
                    $"but I can reply up to {_state.SecondReplOffset}");
            }
            _server.Stats.SyncPartialErr++;
            return false;
        }
        if (_backlog == null || !_backlog.CanContinueFrom(offset))
        {
            _server.Log.Notice($"Unable to partial resync with replica {NameOf(client)} for lack of backlog (Replica request was: {offset}).");
            if (offset > _state.MasterReplOffset)
            {
                _server.Log.Warning($"Warning: replica {NameOf(client)} tried to PSYNC with an offset that is greater than the master replication offset.");
            }
            _server.Stats.SyncPartialErr++;
            return false;
        }
        Attach(client, attached, AttachedReplicaState.Online);
        // Its output is empty (checked above): +CONTINUE, then the backlog, then the live stream.
        client.Output.WriteRaw(attached.CapaPsync2 ? System.Text.Encoding.ASCII.GetBytes($"+CONTINUE {_state.ReplId}\r\n") : "+CONTINUE\r\n"u8);
        long sent = _backlog.CopyFrom(offset, client.Output);
        _server.Log.Notice($"Partial resynchronization request from {NameOf(client)} accepted. Sending {sent} bytes of backlog starting from offset {offset}.");
        RefreshGoodReplicaCount();
        return true;
    }

    private void Attach(Client client, AttachedReplica attached, AttachedReplicaState state)
    {
        attached.State = state;
        attached.AckTimeSeconds = UnixSeconds;
        client.Flags |= ClientFlags.Replica;
        _replicas.Add(client);
    }

    /// <summary>REPLCONF ACK: the replica has applied the stream up to <paramref name="offset"/>.</summary>
    public void OnAck(Client client, long offset)
    {
        var attached = client.GetExtension<AttachedReplica>();
        if (attached == null) return;
        if (offset > attached.AckOffset) attached.AckOffset = offset;
        attached.AckTimeSeconds = UnixSeconds;
        // The first ACK after a streamed RDB: the replica has read past the end mark, the stream may follow.
        attached.FirstAck?.TrySetResult();
        AckReceived?.Invoke();
    }

    /// <summary>Called after each ACK (WAIT listens).</summary>
    public event Action? AckReceived;

    /// <summary>A client went away: if it was a replica, it no longer counts.</summary>
    public void OnClientClosed(Client client)
    {
        if (!client.HasFlag(ClientFlags.Replica) || !_replicas.Remove(client)) return;
        var attached = client.GetExtension<AttachedReplica>()!;
        attached.FirstAck?.TrySetCanceled();
        _server.Log.Notice($"Connection with replica {NameOf(client)} lost.");
        if (_replicas.Count == 0) _noReplicasSince = UnixSeconds;
        RefreshGoodReplicaCount();
    }

    /// <summary>Replicas online whose offset reached <paramref name="offset"/> (replicationCountAcksByOffset).</summary>
    public int CountAcked(long offset)
    {
        int n = 0;
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (attached.State == AttachedReplicaState.Online && attached.AckOffset >= offset) n++;
        }
        return n;
    }

    /// <summary>Asks every replica for an ACK now (REPLCONF GETACK *, sent in the stream).</summary>
    public void RequestAcks()
    {
        if (_backlog != null && _replicas.Count > 0 && !_server.Config.IsReplica) Append(GetAckCommand);
    }

    /// <summary>refreshGoodSlavesCount: replicas online whose last ACK is within min-replicas-max-lag.</summary>
    public void RefreshGoodReplicaCount()
    {
        var config = _server.Config;
        if (config.MinReplicasToWrite == 0 || config.MinReplicasMaxLag == 0) return;
        int good = 0;
        long now = UnixSeconds;
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (attached.State == AttachedReplicaState.Online && now - attached.AckTimeSeconds <= config.MinReplicasMaxLag) good++;
        }
        _state.GoodReplicaCount = good;
    }

    /// <summary>replicationGetSlaveName: the replica's announced (or peer) IP and its listening port.</summary>
    public static string NameOf(Client client)
    {
        var attached = client.GetExtension<AttachedReplica>();
        string ip = attached?.AnnouncedIp ?? PeerIp(client);
        int port = attached?.ListeningPort ?? 0;
        return port > 0 ? FormatAddress(ip, port) : $"{ip}:<unknown-replica-port>";
    }

    /// <summary>The IP of the client's peer address ("ip:port" or "[ipv6]:port").</summary>
    public static string PeerIp(Client client)
    {
        string address = client.Address;
        int colon = address.LastIndexOf(':');
        string ip = colon < 0 ? address : address[..colon];
        return ip.StartsWith('[') && ip.EndsWith(']') ? ip[1..^1] : ip;
    }

    private static string FormatAddress(string ip, int port) => ip.Contains(':') ? $"[{ip}]:{port}" : $"{ip}:{port}";

    // ---------------------------------------------------------------- full resyncs

    /// <summary>
    /// Starts a full resync for the replicas waiting for one, when none is running and, for a
    /// diskless one, the first waiter has waited repl-diskless-sync-delay or enough replicas wait
    /// (replicationStartPendingFork). Runs every cron tick.
    /// </summary>
    public void StartPendingFullSync()
    {
        if (_runningSync != null) return;
        var config = _server.Config;
        int waiting = 0;
        long maxWaitedMs = 0;
        bool allEof = true;
        long now = Environment.TickCount64;
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (attached.State != AttachedReplicaState.WaitBgsaveStart || replica.HasFlag(ClientFlags.CloseAsap)) continue;
            waiting++;
            maxWaitedMs = Math.Max(maxWaitedMs, now - attached.SyncRequestedAt);
            allEof &= attached.CapaEof;
        }
        if (waiting == 0) return;
        bool due = !config.ReplDisklessSync ||
            (config.ReplDisklessSyncMaxReplicas > 0 && waiting >= config.ReplDisklessSyncMaxReplicas) ||
            maxWaitedMs >= config.ReplDisklessSyncDelay * 1000L;
        bool diskless = config.ReplDisklessSync && allEof;
        if (!due || !FullSync.CanStart(_server, diskless)) return;

        _server.Log.Notice($"Starting BGSAVE for SYNC with target: {(diskless ? "replicas sockets" : "disk")}");
        var targets = new List<Client>();
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (attached.State != AttachedReplicaState.WaitBgsaveStart || replica.HasFlag(ClientFlags.CloseAsap)) continue;
            attached.State = AttachedReplicaState.WaitBgsaveEnd;
            targets.Add(replica);
        }
        var sync = FullSync.Create(_server, this, diskless, StreamDb == -1 ? 0 : StreamDb, targets.Count);
        _runningSync = sync;
        // Whatever the stream holds next, the replicas start from a SELECT (replicationSetupSlaveForFullResync).
        ForceSelect();
        sync.Begin(targets);
    }

    /// <summary>Called by a full resync when all its transfers ended.</summary>
    public void OnFullSyncFinished(FullSync sync)
    {
        if (_runningSync == sync) _runningSync = null;
        StartPendingFullSync();
    }

    /// <summary>A transfer reached the point where the replica receives the stream.</summary>
    public void PutOnline(Client replica, AttachedReplica attached)
    {
        attached.State = AttachedReplicaState.Online;
        attached.AckTimeSeconds = UnixSeconds;
        RefreshGoodReplicaCount();
    }

    // ---------------------------------------------------------------- cron

    private long _cronLoops;

    /// <summary>Once a second (replicationCron, master half).</summary>
    public void Cron()
    {
        var config = _server.Config;
        long now = UnixSeconds;
        _cronLoops++;
        if (!config.IsReplica && _replicas.Count > 0 && _backlog != null && _cronLoops % config.ReplPingReplicaPeriod == 0)
        {
            // Fed in whatever database the stream is in: PING needs no SELECT.
            Append(PingCommand);
        }
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (replica.HasFlag(ClientFlags.CloseAsap)) continue;
            if (attached.State == AttachedReplicaState.WaitBgsaveStart)
            {
                // A newline keeps a replica that waits for its snapshot from timing out.
                replica.Output.WriteRaw("\n"u8);
                replica.RequestFlush();
            }
            else if (attached.State == AttachedReplicaState.Online && !attached.PrePsync && now - attached.AckTimeSeconds > config.ReplTimeout)
            {
                _server.Log.Warning($"Disconnecting timedout replica (streaming sync): {NameOf(replica)}");
                replica.Kill();
            }
            else if (replica.Output.Length > 0)
            {
                CloseIfOverOutputLimit(replica, attached);
            }
        }
        if (!config.IsReplica && _replicas.Count == 0 && config.ReplBacklogTtl > 0 && _backlog != null &&
            now - _noReplicasSince > config.ReplBacklogTtl)
        {
            StartNewHistory();
            FreeBacklog();
            _server.Log.Notice($"Replication backlog freed after {config.ReplBacklogTtl} seconds without connected replicas.");
        }
        RefreshGoodReplicaCount();
    }

    /// <summary>The node stops being a replica: replicas it had wait a full backlog TTL from now.</summary>
    public void ResetNoReplicasClock() => _noReplicasSince = UnixSeconds;

    /// <summary>INFO's slaveN lines and ROLE's list: (ip, port, state, offset, lag) of each replica.</summary>
    public IEnumerable<(string Ip, int Port, string State, long Offset, long Lag)> Describe()
    {
        long now = UnixSeconds;
        foreach (var replica in _replicas)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            string state = attached.State switch
            {
                AttachedReplicaState.WaitBgsaveStart or AttachedReplicaState.WaitBgsaveEnd => "wait_bgsave",
                AttachedReplicaState.SendBulk => "send_bulk",
                _ => "online",
            };
            long lag = attached.State == AttachedReplicaState.Online ? now - attached.AckTimeSeconds : 0;
            yield return (attached.AnnouncedIp ?? PeerIp(replica), attached.ListeningPort, state, attached.AckOffset, lag);
        }
    }

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
