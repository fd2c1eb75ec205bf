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
/// the RDB streamed between two <c>$EOF:</c> marks; otherwise a background save writes the dump
/// file once and each replica gets it as <c>$&lt;length&gt;</c> and its bytes. The stream produced meanwhile waits in each
/// replica's output buffer and follows the RDB (for a streamed one, once the replica's first ACK
/// says it read the end mark).
/// </summary>
internal sealed class FullSync
{
    private const int EofMarkLength = 40;

    private readonly VigilServer _server;
    private readonly ReplicationSource _source;
    private readonly RdbSnapshot? _snapshot;
    private readonly RdbFile.ReplicationInfo _info;
    private readonly TaskCompletionSource<string>? _file;
    private int _transfersLeft;
    private int _snapshotUsers;

    private FullSync(VigilServer server, ReplicationSource source, RdbSnapshot? snapshot, RdbFile.ReplicationInfo info, int transfers)
    {
        _server = server;
        _source = source;
        _snapshot = snapshot;
        _info = info;
        _transfersLeft = transfers;
        // Each diskless transfer writes its own RDB from the snapshot; the last one done releases it.
        _snapshotUsers = transfers;
        if (snapshot == null) _file = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public bool Diskless => _snapshot != null;

    /// <summary>
    /// Whether a resync can start now: a disk one needs the background save slot (as Redis runs one
    /// child at a time); a diskless one takes a snapshot of its own.
    /// </summary>
    public static bool CanStart(VigilServer server, bool diskless) => diskless || !server.Persistence.HasActiveJob;

    /// <summary>
    /// Takes the snapshot at the current offset, under the lock: diskless, a view of its own; on
    /// disk, a background save of the dump file (BGSAVE), which the transfers then send.
    /// <see cref="Begin"/> then hands out the transfers.
    /// </summary>
    public static FullSync Create(VigilServer server, ReplicationSource source, bool diskless, int streamDb, int transfers)
    {
        var state = server.Replication;
        var info = new RdbFile.ReplicationInfo(state.ReplId, state.MasterReplOffset, streamDb);
        if (diskless) return new FullSync(server, source, RdbSnapshot.Capture(server), info, transfers);
        var sync = new FullSync(server, source, null, info, transfers);
        server.Persistence.BackgroundSaveFinished += sync.OnBackgroundSaveFinished;
        server.Persistence.StartBackgroundSave();
        return sync;
    }

    private void OnBackgroundSaveFinished(bool ok)
    {
        _server.Persistence.BackgroundSaveFinished -= OnBackgroundSaveFinished;
        if (ok) _file!.TrySetResult(_server.Config.RdbPath);
        else _file!.TrySetException(new IOException("Background save for replication failed"));
    }

    /// <summary>Gives each target its transfer: +FULLRESYNC, then the RDB. Under the lock.</summary>
    public void Begin(List<Client> targets)
    {
        foreach (var replica in targets)
        {
            var attached = replica.GetExtension<AttachedReplica>()!;
            if (replica.RequestExclusiveSend(socket => TransferAsync(replica, attached, socket))) continue;
            replica.Kill();
            ReleaseSnapshot();
            TransferEnded();
        }
    }

    private async Task TransferAsync(Client replica, AttachedReplica attached, Socket socket)
    {
        string name;
        lock (_server.Sync) name = ReplicationSource.NameOf(replica);
        int snapshotReleased = 0;
        void DoneWithSnapshot()
        {
            if (Interlocked.Exchange(ref snapshotReleased, 1) == 0) ReleaseSnapshot();
        }
        try
        {
            var config = _server.Config;
            socket.SendTimeout = config.ReplTimeout * 1000;
            if (config.ReplDisableTcpNoDelay) socket.NoDelay = false;
            using var network = new CountingStream(new NetworkStream(socket, ownsSocket: false), _server.Stats);
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
        // Ready before the mark goes out: a fast replica may acknowledge it before this thread gets the lock again.
        Task firstAck;
        lock (_server.Sync)
        {
            attached.FirstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            firstAck = attached.FirstAck.Task;
        }
        Write(output, "$EOF:");
        output.Write(mark);
        Write(output, "\r\n");
        // Paced by rdb-key-save-delay, as Redis's child writing to replica sockets is.
        var pacing = new SnapshotJob(_snapshot!, "", 0, () => config.RdbKeySaveDelay);
        RdbFile.Write(output, _snapshot!, config.RdbCompression, config.RdbChecksum, GC.GetTotalMemory(false), _info, afterKey: pacing.AfterKey);
        output.Write(mark);
        output.Flush();
        doneWithSnapshot();
        lock (_server.Sync)
        {
            if (replica.HasFlag(ClientFlags.CloseAsap)) return;
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
        var file = _file!.Task;
        // A newline a second keeps the replica from timing out while the file is written.
        while (!file.IsCompleted)
        {
            await Task.WhenAny(file, Task.Delay(1000)).ConfigureAwait(false);
            if (file.IsCompleted) break;
            output.WriteByte((byte)'\n');
            output.Flush();
        }
        string path = await file.ConfigureAwait(false);
        lock (_server.Sync) attached.State = AttachedReplicaState.SendBulk;
        using (var rdb = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16))
        {
            Write(output, $"${rdb.Length}\r\n");
            rdb.CopyTo(output);
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

    /// <summary>Counts what a transfer sends in total_net_repl_output_bytes.</summary>
    private sealed class CountingStream(Stream inner, ServerStats stats) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Interlocked.Add(ref stats.TotalNetReplOutputBytes, buffer.Length);
        }

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A diskless transfer's RDB is out (or it failed); the last one releases the snapshot.</summary>
    private void ReleaseSnapshot()
    {
        if (_snapshot != null && Interlocked.Decrement(ref _snapshotUsers) == 0) _snapshot.Dispose();
    }

    /// <summary>One replica's transfer ended (it is online, or it failed); the last one ends the resync.</summary>
    private void TransferEnded()
    {
        if (Interlocked.Decrement(ref _transfersLeft) != 0) return;
        lock (_server.Sync) _source.OnFullSyncFinished(this);
    }
}
