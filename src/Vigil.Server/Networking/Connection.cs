using System.Buffers;
using System.Net.Sockets;
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

    private readonly Socket _socket;
    private readonly VigilServer _server;
    private readonly Client _client;
    private readonly ParsedCommands _parsed = new();
    private byte[] _receive = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
    private int _start;
    private int _end;
    private RespWriter _sending = new();
    private bool _sendInProgress;   // guarded by the keyspace lock
    private RespWriter? _beforeExclusive;                // replies due before the exclusive job; guarded by the lock
    private Func<Socket, Task>? _exclusiveJob;           // guarded by the keyspace lock
    private int _closed;

    public Connection(Socket socket, VigilServer server, Client client)
    {
        _socket = socket;
        _server = server;
        _client = client;
        client.FlushRequested = _ => OnFlushRequested();
        client.CloseRequested = _ => Abort();
        client.ExclusiveSendRequested = (_, job) => OnExclusiveSendRequested(job);
    }

    public Client Client => _client;

    public async Task RunAsync()
    {
        try
        {
            while (!_client.HasFlag(ClientFlags.CloseAsap))
            {
                if (!MakeRoom()) break;
                int n = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) break;
                _end += n;
                bool send = ProcessInput();
                if (send) await SendPendingAsync().ConfigureAwait(false);
                if (_client.HasFlag(ClientFlags.CloseAfterReply) || _client.HasFlag(ClientFlags.CloseAsap)) break;
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Parses and runs what has arrived. Returns true when this caller must send replies.</summary>
    private bool ProcessInput()
    {
        string? protocolError = null;
        lock (_server.Sync)
        {
            while (true)
            {
                _parsed.Clear();
                var limits = new ParseLimits(_server.Config.ProtoMaxBulkLen, _server.AuthRequired && !_client.Authenticated,
                    _client.HasFlag(ClientFlags.Master));
                protocolError = ParseBatch(limits, out bool stoppedEarly);
                for (int i = 0; i < _parsed.Count; i++)
                {
                    if (_client.HasFlag(ClientFlags.CloseAfterReply) || _client.HasFlag(ClientFlags.CloseAsap)) break;
                    _server.Executor.Execute(_client, _receive, _parsed.Args, _parsed.ArgStart(i), _parsed.ArgCount(i));
                }
                // A parse error after commands is judged again once they ran: an AUTH among them
                // changes the limits (unauthenticated lengths).
                if (!stoppedEarly || _parsed.Count == 0) break;
                protocolError = null;
            }
            _client.QueryBufferLength = _end - _start;
            if (protocolError != null)
            {
                _server.Stats.CountError(protocolError);
                _client.Output.WriteError("ERR " + protocolError);
                _client.Flags |= ClientFlags.CloseAfterReply;
                _server.Log.Verbose($"Protocol error ({protocolError}) from client: id={_client.Id} addr={_client.Address}");
            }
            if (_sendInProgress || _client.Output.Length == 0) return false;
            _sendInProgress = true;
            return true;
        }
    }

    /// <summary>Parses complete commands from the buffer into <see cref="_parsed"/>.</summary>
    private string? ParseBatch(in ParseLimits limits, out bool stoppedEarly)
    {
        stoppedEarly = false;
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
                if (_parsed.Count > 0)
                {
                    stoppedEarly = true;
                    return null;
                }
                _start = _end;
                return error;
            }
            _start += consumed;
            _server.Stats.TotalNetInputBytes += consumed;
        }
        return null;
    }

    private long _needed;

    /// <summary>Makes space to receive into; false when the query buffer would pass its limit.</summary>
    private bool MakeRoom()
    {
        if (_start == _end)
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
        if (wanted <= _receive.Length && _start > 0)
        {
            Buffer.BlockCopy(_receive, _start, _receive, 0, (int)pending);
        }
        else
        {
            long size = Math.Max(wanted, Math.Min((long)_receive.Length * 2, Array.MaxLength));
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
            Buffer.BlockCopy(_receive, _start, bigger, 0, (int)pending);
            ArrayPool<byte>.Shared.Return(_receive);
            _receive = bigger;
        }
        _start = 0;
        _end = (int)pending;
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
                        _sendInProgress = false;
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
                }
                if (job != null)
                {
                    // Its own thread: a job blocks for as long as a transfer takes, and continuations
                    // here may run on the socket engine's only thread.
                    await Task.Factory.StartNew(() => job(_socket), CancellationToken.None, TaskCreationOptions.LongRunning,
                        TaskScheduler.Default).Unwrap().ConfigureAwait(false);
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
                _server.Stats.TotalNetOutputBytes += toSend.Length;
                toSend.Reset();
            }
        }
        catch (Exception e)
        {
            // A failed send or job ends the connection; anything but I/O trouble is also a bug to report.
            if (e is not (SocketException or ObjectDisposedException or IOException)) _server.Log.Warning($"Send job failed: {e}");
            lock (_server.Sync) _sendInProgress = false;
            Abort();
        }
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

    /// <summary>Called under the lock when someone else wrote to this client's output.</summary>
    private void OnFlushRequested()
    {
        if (_sendInProgress || _client.Output.Length == 0) return;
        _sendInProgress = true;
        ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.SendPendingAsync(), this, preferLocal: false);
    }

    /// <summary>Ends the connection from any thread; the receive loop then cleans up.</summary>
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
