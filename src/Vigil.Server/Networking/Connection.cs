using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vigil.Protocol;
using Vigil.Server.Clients;

namespace Vigil.Server.Networking;

/// <summary>
/// Moves one client's bytes: reads into a single buffer, parses every complete command in it,
/// runs them as one batch under the keyspace lock, and sends all their replies with one send.
/// Replies produced for this client by others (pub/sub, unblocking) are sent by the same path.
/// </summary>
internal sealed class Connection
{
    private const int InitialReceiveSize = 16 * 1024;

    /// <summary>How long a half-closed connection may take to receive the replies it is owed.</summary>
    private const int DrainMilliseconds = 5000;

    private readonly Socket _socket;
    private readonly VigilServer _server;
    private readonly Client _client;
    private readonly ParsedCommands _parsed = new();
    private byte[] _receive = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
    private int _start;
    private int _end;
    private RespWriter _sending = new();
    private bool _sendInProgress;   // guarded by the keyspace lock
    private TaskCompletionSource? _sendDone;  // completed when the send in progress ends; guarded by the lock
    private int _resumeAt;          // the next parsed command to run; guarded by the keyspace lock
    private RespWriter? _beforeExclusive;                // replies due before the exclusive job; guarded by the lock
    private Func<Socket, Task>? _exclusiveJob;           // guarded by the keyspace lock
    private int _closed;
    private EventLoop _loop = null!;
    private GCHandle _loopHandle;
    private int _fd;
    private volatile bool _reading;  // the loop reads this socket (not paused for a slow send, not finished)

    public Connection(Socket socket, VigilServer server, Client client)
    {
        _socket = socket;
        _server = server;
        _client = client;
        client.FlushRequested = _ => OnFlushRequested();
        client.CloseRequested = _ => Abort();
        client.ResumeRequested = _ => OnResumeRequested();
        client.ExclusiveSendRequested = (_, job) => OnExclusiveSendRequested(job);
    }

    public Client Client => _client;

    /// <summary>Hands the connection to the event loop, which reads it from now on.</summary>
    public void Start(EventLoop loop)
    {
        _loop = loop;
        _fd = (int)_socket.Handle;
        _reading = true;
        if (loop.TryRegister(this, _fd, out _loopHandle)) return;
        _reading = false;
        Close();
    }

    /// <summary>On the loop's thread: the socket has input, its end, or an error.</summary>
    internal void OnReadable()
    {
        // An event of this batch may still name a connection that stopped reading.
        if (!_reading) return;
        if (_client.HasFlag(ClientFlags.CloseAsap) || !MakeRoomLocked())
        {
            Close();
            return;
        }
        // Only the loop moves the buffer; others (a resume) read below _end under the lock.
        int n = SocketCalls.Receive(_fd, _receive.AsSpan(_end), out int errno);
        if (n < 0)
        {
            if (errno is not (SocketCalls.Eagain or SocketCalls.Eintr)) Close();
            return;
        }
        if (n == 0)
        {
            StopReading();
            _ = DrainThenCloseAsync();
            return;
        }
        if (ProcessInput(n)) _loop.FlushAfterBatch(this);
        else AfterReplies();
    }

    /// <summary>On the loop's thread, after the batch: sends this client's replies.</summary>
    internal void FlushAfterBatch()
    {
        var sending = SendPendingAsync();
        // A client that is not being read (it is closing) only has its replies sent.
        if (!_reading) return;
        if (sending.IsCompleted)
        {
            AfterReplies();
            return;
        }
        // The client takes its replies slower than it sends commands: read no more until it caught up.
        StopReading();
        _ = ResumeAfterAsync(sending);
    }

    private async Task ResumeAfterAsync(Task sending)
    {
        await sending.ConfigureAwait(false);
        if (_client.HasFlag(ClientFlags.CloseAsap)) Close();
        else if (_client.HasFlag(ClientFlags.CloseAfterReply)) await DrainThenCloseAsync().ConfigureAwait(false);
        else if (_closed == 0)
        {
            _reading = true;
            _loop.Resume(_fd, _loopHandle);
        }
    }

    /// <summary>What a batch's replies may end in: a client closing now, or after its last reply.</summary>
    private void AfterReplies()
    {
        if (_client.HasFlag(ClientFlags.CloseAsap)) Close();
        else if (_client.HasFlag(ClientFlags.CloseAfterReply))
        {
            // Another thread (a resume after an unblock, a pub/sub flush) may be sending: the
            // last reply must still go out after what it sends.
            StopReading();
            _ = DrainThenCloseAsync();
        }
    }

    private void StopReading()
    {
        _reading = false;
        _loop.Pause(_fd);
    }

    private async Task DrainThenCloseAsync()
    {
        try
        {
            await DrainAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Takes <paramref name="received"/> new bytes and runs what can run. True when this caller must send replies.</summary>
    private bool ProcessInput(int received)
    {
        lock (_server.Sync)
        {
            _server.Stats.TotalReadsProcessed++;
            _end += received;
            // A blocked client's input waits (Redis keeps reading it, to notice a disconnection).
            bool send = RunPendingLocked();
            _server.Blocking.ProcessUnblockedClients();
            return send;
        }
    }

    /// <summary>Runs the client's pending commands unless it is blocked; true when this caller must send replies.</summary>
    private bool RunPendingLocked()
    {
        RunInputLocked();
        if (_sendInProgress || _client.Output.Length == 0) return false;
        _sendInProgress = true;
        return true;
    }

    /// <summary>Runs what the client sent, unless it is blocked; a protocol error gets its reply and closes after it.</summary>
    private void RunInputLocked()
    {
        string? protocolError = _client.HasFlag(ClientFlags.Blocked) ? null : RunCommands();
        _client.QueryBufferLength = _end - _start;
        _client.QueryBufferFree = _receive.Length - _end;
        TrackMemory();
        if (protocolError == null) return;
        _server.Stats.CountError(protocolError);
        _client.Output.WriteError("ERR " + protocolError);
        _client.Flags |= ClientFlags.CloseAfterReply;
        _server.Log.Verbose($"Protocol error ({protocolError}) from client: id={_client.Id} addr={_client.Address}");
    }

    /// <summary>
    /// Runs parsed commands, and parses more, until the input runs out, the client blocks or is
    /// closing. Returns the protocol error that stopped parsing, if any. Under the lock.
    /// </summary>
    private string? RunCommands()
    {
        while (true)
        {
            // Commands left over when the client blocked run first; their bytes stay where they are.
            while (_resumeAt < _parsed.Count)
            {
                if (_client.HasFlag(ClientFlags.CloseAfterReply) || _client.HasFlag(ClientFlags.CloseAsap)) return null;
                int i = _resumeAt++;
                _server.Executor.Execute(_client, _receive, _parsed.Args, _parsed.ArgStart(i), _parsed.ArgCount(i));
                if (!_client.HasFlag(ClientFlags.Blocked)) continue;
                // A command CLIENT PAUSE held did not run: it runs again when the pause ends.
                if (_client.HasFlag(ClientFlags.Postponed)) _resumeAt = i;
                return null;
            }
            _parsed.Clear();
            _resumeAt = 0;
            if (_client.HasFlag(ClientFlags.CloseAfterReply) || _client.HasFlag(ClientFlags.CloseAsap)) return null;
            // Limits are judged again after each batch: an AUTH among its commands changes them.
            var limits = new ParseLimits(_server.Config.ProtoMaxBulkLen, _server.AuthRequired && !_client.Authenticated,
                _client.HasFlag(ClientFlags.Master));
            string? error = ParseBatch(limits);
            if (_parsed.Count == 0) return error;
        }
    }

    /// <summary>
    /// Parses complete commands from the buffer into <see cref="_parsed"/>. A malformed command after
    /// good ones is left in place: it is parsed again (and reported) once those have run.
    /// </summary>
    private string? ParseBatch(in ParseLimits limits)
    {
        // What an incomplete command still needs; once it parsed, a big buffer may go back to the pool.
        _needed = 0;
        while (_start < _end)
        {
            var status = RequestParser.TryParse(_receive.AsSpan(_start, _end - _start), _start, _parsed, limits,
                out int consumed, out long needed, out string? error);
            if (status == ParseStatus.Incomplete)
            {
                _needed = needed;
                break;
            }
            if (status == ParseStatus.Error)
            {
                if (_parsed.Count > 0) return null;
                _start = _end;
                return error;
            }
            _start += consumed;
            Interlocked.Add(ref _server.Stats.TotalNetInputBytes, consumed);
        }
        return null;
    }

    private long _needed;

    private bool MakeRoomLocked()
    {
        lock (_server.Sync)
        {
            bool room = MakeRoom();
            TrackMemory();
            return room;
        }
    }

    /// <summary>Tells used_memory what this client's buffers hold now. Under the lock.</summary>
    private void TrackMemory() =>
        _server.UsedMemory.UpdateClient(_client, (long)_receive.Length + _client.Output.Capacity + _sending.Capacity);

    /// <summary>Makes space to receive into; false when the query buffer would pass its limit.</summary>
    private bool MakeRoom()
    {
        // Commands parsed before the client blocked point into the buffer: nothing may move under them.
        bool pinned = _resumeAt < _parsed.Count;
        if (_start == _end && !pinned)
        {
            _start = _end = 0;
            if (_receive.Length > 4 * InitialReceiveSize && _needed == 0)
            {
                ArrayPool<byte>.Shared.Return(_receive);
                _receive = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
            }
        }
        long pending = _end - _start;
        long wanted = Math.Max(pending + 4096, _needed);
        if (wanted > _server.Config.ClientQueryBufferLimit)
        {
            _server.Log.Warning($"Closing client that reached max query buffer length: id={_client.Id} addr={_client.Address}");
            return false;
        }
        if (_receive.Length - _end >= 4096 && _end + (_needed - pending) <= _receive.Length) return true;
        int keepFrom = pinned ? 0 : _start;
        long kept = _end - keepFrom;
        long wantedTotal = kept - pending + wanted;
        if (wantedTotal <= _receive.Length && keepFrom > 0)
        {
            Buffer.BlockCopy(_receive, keepFrom, _receive, 0, (int)kept);
        }
        else
        {
            long size = Math.Max(wantedTotal, Math.Min((long)_receive.Length * 2, Array.MaxLength));
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
            Buffer.BlockCopy(_receive, keepFrom, bigger, 0, (int)kept);
            ArrayPool<byte>.Shared.Return(_receive);
            _receive = bigger;
        }
        _start -= keepFrom;
        _end -= keepFrom;
        return true;
    }

    /// <summary>Sends until no replies are pending. The caller has set <see cref="_sendInProgress"/>.</summary>
    private async Task SendPendingAsync()
    {
        try
        {
            while (true)
            {
                RespWriter toSend;
                Func<Socket, Task>? job = null;
                Persistence.DurabilityMark durableMark = default;
                lock (_server.Sync)
                {
                    if (_client.HasFlag(ClientFlags.CloseAsap) ||
                        (_beforeExclusive == null && _exclusiveJob == null && _client.Output.Length == 0))
                    {
                        EndSend();
                        // The last reply of a client closing after it (QUIT, an UNBLOCKED error) is out.
                        if (_client.HasFlag(ClientFlags.CloseAfterReply)) Abort();
                        return;
                    }
                    if (_beforeExclusive != null)
                    {
                        toSend = _beforeExclusive;
                        _beforeExclusive = null;
                    }
                    else if (_exclusiveJob != null)
                    {
                        (job, _exclusiveJob) = (_exclusiveJob, null);
                        toSend = _sending;
                    }
                    else
                    {
                        // Swap buffers: others keep appending to Output while this one is on the wire.
                        _sending = _client.SwapOutput(_sending);
                        toSend = _sending;
                    }
                    if (job == null) durableMark = _server.Persistence.DurabilityMark();
                    TrackMemory();
                }
                if (job != null)
                {
                    await RunExclusiveJob(job).ConfigureAwait(false);
                    continue;
                }
                // Writes these replies acknowledge reach the AOF first (as Redis's beforeSleep).
                _server.Persistence.AwaitDurable(durableMark);
                var data = toSend.WrittenMemory;
                while (data.Length > 0)
                {
                    int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                    data = data[sent..];
                }
                // Outside the lock: these are only read and added to atomically. A replica's stream counts apart.
                if (_client.HasFlag(ClientFlags.Replica)) Interlocked.Add(ref _server.Stats.TotalNetReplOutputBytes, toSend.Length);
                else Interlocked.Add(ref _server.Stats.TotalNetOutputBytes, toSend.Length);
                Interlocked.Increment(ref _server.Stats.TotalWritesProcessed);
                toSend.Reset();
            }
        }
        catch (Exception e)
        {
            // A failed send or job ends the connection; anything but I/O trouble is also a bug to report.
            if (e is not (SocketException or ObjectDisposedException or IOException)) _server.Log.Warning($"Send job failed: {e}");
            lock (_server.Sync) EndSend();
            Abort();
        }
    }

    /// <summary>
    /// On its own thread: a job blocks for as long as a transfer takes, and continuations here may
    /// run on the socket engine's only thread. (A method of its own, so that the closure is made
    /// only for a job, not on every pass of the send loop.)
    /// </summary>
    private Task RunExclusiveJob(Func<Socket, Task> job) =>
        Task.Factory.StartNew(() => job(_socket), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    /// <summary>Under the lock: no send is in progress any more; whoever waits for that goes on.</summary>
    private void EndSend()
    {
        _sendInProgress = false;
        _sendDone?.TrySetResult();
        _sendDone = null;
    }

    /// <summary>
    /// The peer half-closed, or the client closes after its reply. As Redis runs an unblocked
    /// client's waiting commands and writes replies before it reads the end of the stream: commands
    /// that can run still do, and replies already written go out before the connection closes, also those another thread (a flush after an
    /// unblock, a pub/sub message) is sending. A peer that stops reading gets a few seconds; a
    /// replica's link (its transfer has its own end) none.
    /// </summary>
    private async Task DrainAsync()
    {
        var deadline = Environment.TickCount64 + DrainMilliseconds;
        try
        {
            lock (_server.Sync)
            {
                if (_client.HasFlag(ClientFlags.Replica)) return;
                RunInputLocked();
                _server.Blocking.ProcessUnblockedClients();
            }
            while (true)
            {
                Task? another = null;
                lock (_server.Sync)
                {
                    if (_client.HasFlag(ClientFlags.CloseAsap) || _client.HasFlag(ClientFlags.Replica)) return;
                    if (_sendInProgress) another = (_sendDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    else if (_client.Output.Length == 0) return;
                    else _sendInProgress = true;
                }
                var sending = another ?? SendPendingAsync();
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return;
                await sending.WaitAsync(TimeSpan.FromMilliseconds(left)).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Called under the lock when the client is no longer blocked: the input that waited runs now.</summary>
    private void OnResumeRequested()
    {
        if (_closed != 0) return;
        RunInputLocked();
        OnFlushRequested();
    }

    /// <summary>Called under the lock: the job runs after the replies written so far, and before those written from now on.</summary>
    private void OnExclusiveSendRequested(Func<Socket, Task> job)
    {
        if (_exclusiveJob != null || _beforeExclusive != null) throw new InvalidOperationException("an exclusive send is already pending");
        if (_client.Output.Length > 0) _beforeExclusive = _client.SwapOutput(new RespWriter());
        _exclusiveJob = job;
        if (_sendInProgress) return;
        _sendInProgress = true;
        ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.SendPendingAsync(), this, preferLocal: false);
    }

    /// <summary>
    /// Called under the lock when someone else wrote to this client's output. Written on the loop's
    /// thread (a published message, the replication stream), it goes out with the batch's replies.
    /// </summary>
    private void OnFlushRequested()
    {
        TrackMemory();
        if (_sendInProgress || _client.Output.Length == 0) return;
        _sendInProgress = true;
        if (_loop != null && _loop.IsLoopThread) _loop.FlushAfterBatch(this);
        else ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.SendPendingAsync(), this, preferLocal: false);
    }

    /// <summary>Ends the connection from any thread; the event loop then reads its end and cleans up.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        if (_loop != null) _loop.Unregister(_fd, _loopHandle, _reading);
        _reading = false;
        lock (_server.Sync) _server.OnClientClosed(_client);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
        ArrayPool<byte>.Shared.Return(_receive);
        _receive = [];
    }
}
