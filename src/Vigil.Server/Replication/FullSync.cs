using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Vigil.Server.Clients;
using Vigil.Server.Persistence;

namespace Vigil.Server.Replication;

/// <summary>
/// One full resync, shared by the replicas that started it together: a snapshot taken under the
/// lock at one stream offset, then, for each replica, +FULLRESYNC &lt;replid&gt; &lt;offset&gt; and the RDB,
/// sent outside the lock with the connection's sending side to itself. Diskless, each replica gets
/// the RDB streamed between two <c>$EOF:</c> marks; otherwise the RDB is written to the dump file
/// once and sent as <c>$&lt;length&gt;</c> and its bytes. The stream produced meanwhile waits in each
/// replica's output buffer and follows the RDB (for a streamed one, once the replica's first ACK
/// says it read the end mark).
/// </summary>
internal sealed class FullSync
{
    private const int EofMarkLength = 40;

    private readonly VigilServer _server;
    private readonly ReplicationSource _source;
    private readonly RdbSnapshot _snapshot;
    private readonly RdbFile.ReplicationInfo _info;
    private readonly Task<string>? _file;
    private int _transfersLeft;
    private int _snapshotUsers;

    private FullSync(VigilServer server, ReplicationSource source, RdbSnapshot snapshot, RdbFile.ReplicationInfo info, bool diskless, int transfers)
    {
        _server = server;
        _source = source;
        _snapshot = snapshot;
        _info = info;
        Diskless = diskless;
        _transfersLeft = transfers;
        // Diskless, every transfer writes its own RDB from the snapshot; on disk, only the file does.
        _snapshotUsers = diskless ? transfers : 1;
        if (!diskless) _file = Task.Factory.StartNew(WriteFile, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public bool Diskless { get; }

    /// <summary>False while another snapshot is being written (one at a time, as Redis runs one child).</summary>
    public static bool CanStart(VigilServer server) => server.Keyspace.CopyOnWrite == null;

    /// <summary>Takes the snapshot (under the lock); <see cref="Begin"/> then hands out the transfers.</summary>
    public static FullSync Create(VigilServer server, ReplicationSource source, bool diskless, int streamDb, int transfers)
    {
        var state = server.Replication;
        var snapshot = RdbSnapshot.Capture(server.Keyspace);
        server.Keyspace.CopyOnWrite = new SnapshotGuard();
        var info = new RdbFile.ReplicationInfo(state.ReplId, state.MasterReplOffset, streamDb);
        return new FullSync(server, source, snapshot, info, diskless, transfers);
    }

    /// <summary>Gives each target its transfer: +FULLRESYNC, then the RDB. Under the lock.</summary>
    public void Begin(List<Client> targets)
    {
        foreach (var replica in targets)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (replica.RequestExclusiveSend(socket => TransferAsync(replica, attached, socket))) continue;
            replica.Kill();
            if (Diskless) ReleaseSnapshot();
            TransferEnded();
        }
    }

    /// <summary>Disk target: the snapshot as the dump file (as BGSAVE writes it), once for every replica.</summary>
    private string WriteFile()
    {
        var config = _server.Config;
        string path = Path.Combine(config.Dir, config.DbFilename);
        string temp = Path.Combine(config.Dir, $"temp-{Environment.ProcessId}-{Environment.TickCount64}.rdb");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                RdbFile.Write(file, _snapshot, config.RdbCompression, config.RdbChecksum, GC.GetTotalMemory(false), _info);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            _server.Log.Notice("DB saved on disk");
            return path;
        }
        catch (Exception e)
        {
            _server.Log.Warning($"Background saving error: {e.Message}");
            File.Delete(temp);
            throw;
        }
        finally
        {
            ReleaseSnapshot();
        }
    }

    private async Task TransferAsync(Client replica, AttachedReplica attached, Socket socket)
    {
        string name;
        lock (_server.Sync) name = ReplicationSource.NameOf(replica);
        int snapshotReleased = 0;
        void DoneWithSnapshot()
        {
            if (Diskless && Interlocked.Exchange(ref snapshotReleased, 1) == 0) ReleaseSnapshot();
        }
        try
        {
            var config = _server.Config;
            socket.SendTimeout = config.ReplTimeout * 1000;
            if (config.ReplDisableTcpNoDelay) socket.NoDelay = false;
            using var network = new NetworkStream(socket, ownsSocket: false);
            using var output = new BufferedStream(network, 1 << 16);
            if (!attached.PrePsync) Write(output, $"+FULLRESYNC {_info.ReplId} {_info.Offset}\r\n");
            output.Flush();
            if (Diskless) await StreamRdbAsync(replica, attached, output, name, DoneWithSnapshot).ConfigureAwait(false);
            else await SendFileAsync(replica, attached, output, name).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The replica went away while it waited: nothing more to send.
        }
        finally
        {
            DoneWithSnapshot();
            TransferEnded();
        }
    }

    private async Task StreamRdbAsync(Client replica, AttachedReplica attached, BufferedStream output, string name, Action doneWithSnapshot)
    {
        var config = _server.Config;
        var mark = Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(EofMarkLength / 2)).ToLowerInvariant());
        Write(output, "$EOF:");
        output.Write(mark);
        Write(output, "\r\n");
        RdbFile.Write(output, _snapshot, config.RdbCompression, config.RdbChecksum, GC.GetTotalMemory(false), _info);
        output.Write(mark);
        output.Flush();
        doneWithSnapshot();
        Task firstAck;
        lock (_server.Sync)
        {
            if (replica.HasFlag(ClientFlags.CloseAsap)) return;
            attached.FirstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            firstAck = attached.FirstAck.Task;
            _source.PutOnline(replica, attached);
            _server.Log.Notice($"Streamed RDB transfer with replica {name} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming");
        }
        // The replica reads the end mark in chunks: anything sent right behind it could be swallowed.
        await firstAck.ConfigureAwait(false);
        lock (_server.Sync)
        {
            attached.FirstAck = null;
            _server.Log.Notice($"Synchronization with replica {name} succeeded");
        }
    }

    private async Task SendFileAsync(Client replica, AttachedReplica attached, BufferedStream output, string name)
    {
        // A newline a second keeps the replica from timing out while the file is written.
        while (!_file!.IsCompleted)
        {
            await Task.WhenAny(_file, Task.Delay(1000)).ConfigureAwait(false);
            if (_file.IsCompleted) break;
            output.WriteByte((byte)'\n');
            output.Flush();
        }
        string path = await _file.ConfigureAwait(false);
        lock (_server.Sync) attached.State = AttachedReplicaState.SendBulk;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16))
        {
            Write(output, $"${file.Length}\r\n");
            file.CopyTo(output);
        }
        output.Flush();
        lock (_server.Sync)
        {
            if (replica.HasFlag(ClientFlags.CloseAsap)) return;
            _source.PutOnline(replica, attached);
            _server.Log.Notice($"Synchronization with replica {name} succeeded");
        }
    }

    private static void Write(Stream output, string text) => output.Write(Encoding.ASCII.GetBytes(text));

    /// <summary>The snapshot's last user is done: writes stop copying collections.</summary>
    private void ReleaseSnapshot()
    {
        if (Interlocked.Decrement(ref _snapshotUsers) != 0) return;
        lock (_server.Sync) _server.Keyspace.CopyOnWrite = null;
    }

    /// <summary>One replica's transfer ended (it is online, or it failed); the last one ends the resync.</summary>
    private void TransferEnded()
    {
        if (Interlocked.Decrement(ref _transfersLeft) != 0) return;
        lock (_server.Sync) _source.OnFullSyncFinished(this);
    }
}
