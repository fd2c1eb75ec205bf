using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;

namespace Vigil.Server.Replication;

/// <summary>Where a replica's link to its master stands (Redis's REPL_STATE_*), as ROLE names it.</summary>
internal enum LinkState
{
    None,
    Connect,
    Connecting,
    Handshake,
    Transfer,
    Connected,
}

/// <summary>A failure of the link that has been logged already; the link ends and is retried.</summary>
internal sealed class LinkFailure(string message) : Exception(message);

/// <summary>
/// One attempt of a replica to follow its master, on a thread of its own with blocking socket
/// calls: connect (from bind-source-addr), the handshake (PING, AUTH, REPLCONF listening-port,
/// ip-address, capa eof psync2), PSYNC, then either the RDB of a full resync (to disk, or loaded
/// straight from the socket per repl-diskless-load) or a partial resync, then the stream, applied
/// through the executor as the master client. Shared state changes only under the keyspace lock,
/// and not at all once the link was cancelled (REPLICAOF elsewhere, a timeout).
/// </summary>
internal sealed class MasterLink
{
    private static readonly ParseLimits StreamLimits = new(long.MaxValue, false, true);

    private readonly VigilServer _server;
    private readonly ReplicationManager _manager;
    private readonly ParsedCommands _parsed = new();
    private Socket? _socket;
    private LinkReader? _reader;
    private volatile bool _cancelled;
    private bool _ackSending;
    private bool _ackPending;

    public MasterLink(VigilServer server, ReplicationManager manager, string host, int port)
    {
        _server = server;
        _manager = manager;
        Host = host;
        Port = port;
        LastIo = Environment.TickCount64;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Under the lock.</summary>
    public LinkState State { get; private set; } = LinkState.Connecting;

    /// <summary>Monotonic ms of the last byte from the master (or of the connect).</summary>
    public long LastIo { get; private set; }

    /// <summary>True while a received RDB is loaded from disk (no bytes flow: no timeout).</summary>
    public bool Loading { get; private set; }

    /// <summary>The RDB's size when announced (-1 for a streamed one), and the bytes received of it.</summary>
    public long TransferSize { get; private set; } = -1;

    public long TransferRead { get; private set; }

    /// <summary>Stream bytes received, applied or not (slave_read_repl_offset).</summary>
    public long ReadOffset { get; private set; }

    /// <summary>The client that applies the stream, once connected.</summary>
    public Client? MasterClient { get; private set; }

    public bool Cancelled => _cancelled;

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "vigil-master-link" };
        thread.Start();
    }

    /// <summary>Ends the link from any thread; it stops touching shared state at once.</summary>
    public void Cancel()
    {
        _cancelled = true;
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket?.Dispose();
    }

    private void Run()
    {
        try
        {
            Connect();
            Handshake();
            if (RequestPsync()) ReceiveRdb();
            FollowStream();
        }
        catch (LinkFailure)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or RdbFormatException or OperationCanceledException)
        {
            if (!_cancelled) Log(LogLevel.Warning, $"Master link error: {e.Message}");
        }
        catch (Exception e)
        {
            if (!_cancelled) Log(LogLevel.Warning, $"Master link failed: {e}");
        }
        finally
        {
            _socket?.Dispose();
            lock (_server.Sync) _manager.OnLinkEnded(this);
        }
    }

    private void Log(LogLevel level, string message)
    {
        if (!_cancelled) _server.Log.Write(level, message);
    }

    private LinkFailure Fail(string message)
    {
        Log(LogLevel.Warning, message);
        return new LinkFailure(message);
    }

    /// <summary>Runs <paramref name="change"/> under the lock unless the link was cancelled, in which case the link ends.</summary>
    private void Locked(Action change)
    {
        lock (_server.Sync)
        {
            if (_cancelled) throw new LinkFailure("cancelled");
            change();
        }
    }

    // ---------------------------------------------------------------- connect and handshake

    private void Connect()
    {
        var config = _server.Config;
        Locked(() => _server.Log.Notice("MASTER <-> REPLICA sync started"));
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(Host, out var parsed) ? parsed : Dns.GetHostAddresses(Host)[0];
        }
        catch (SocketException e)
        {
            throw Fail($"Unable to connect to MASTER: {e.Message}");
        }
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket = socket;
        if (_cancelled) throw new LinkFailure("cancelled");
        try
        {
            if (config.BindSourceAddr.Length > 0) socket.Bind(new IPEndPoint(IPAddress.Parse(config.BindSourceAddr), 0));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(config.ReplTimeout));
            socket.ConnectAsync(new IPEndPoint(address, Port), timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or FormatException)
        {
            throw Fail($"Unable to connect to MASTER: {(e is OperationCanceledException ? "Connection timed out" : e.Message)}");
        }
        socket.NoDelay = true;
        _reader = new LinkReader(socket, _server.Stats);
        Locked(() =>
        {
            State = LinkState.Handshake;
            LastIo = Environment.TickCount64;
            _server.Log.Notice("Non blocking connect for SYNC fired the event.");
        });
    }

    private void Send(params string[] args)
    {
        var bytes = Encode(args);
        _socket!.Send(bytes);
    }

    private static byte[] Encode(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private string ReadReply()
    {
        string line = _reader!.ReadLine();
        LastIo = _reader.LastIo;
        return line;
    }

    /// <summary>syncWithMaster's handshake: PING, then AUTH and the REPLCONFs pipelined.</summary>
    private void Handshake()
    {
        var config = _server.Config;
        Send("PING");
        string pong = ReadReply();
        if (pong.StartsWith('-') && !pong.StartsWith("-NOAUTH", StringComparison.Ordinal) && !pong.StartsWith("-NOPERM", StringComparison.Ordinal) &&
            !pong.StartsWith("-ERR operation not permitted", StringComparison.Ordinal))
        {
            throw Fail($"Error reply to PING from master: '{pong}'");
        }
        Log(LogLevel.Notice, "Master replied to PING, replication can continue...");

        var pipeline = new MemoryStream();
        bool auth = config.MasterAuth.Length > 0;
        if (auth)
        {
            pipeline.Write(config.MasterUser.Length > 0 ? Encode("AUTH", config.MasterUser, config.MasterAuth) : Encode("AUTH", config.MasterAuth));
        }
        int port = config.ReplicaAnnouncePort > 0 ? config.ReplicaAnnouncePort : _server.Port;
        pipeline.Write(Encode("REPLCONF", "listening-port", port.ToString()));
        bool announceIp = config.ReplicaAnnounceIp.Length > 0;
        if (announceIp) pipeline.Write(Encode("REPLCONF", "ip-address", config.ReplicaAnnounceIp));
        pipeline.Write(Encode("REPLCONF", "capa", "eof", "capa", "psync2"));
        _socket!.Send(pipeline.ToArray());

        if (auth)
        {
            string reply = ReadReply();
            if (reply.StartsWith('-')) throw Fail($"Unable to AUTH to MASTER: {reply}");
        }
        string portReply = ReadReply();
        if (portReply.StartsWith('-')) Log(LogLevel.Notice, $"(Non critical) Master does not understand REPLCONF listening-port: {portReply}");
        if (announceIp)
        {
            string ipReply = ReadReply();
            if (ipReply.StartsWith('-')) Log(LogLevel.Notice, $"(Non critical) Master does not understand REPLCONF ip-address: {ipReply}");
        }
        string capaReply = ReadReply();
        if (capaReply.StartsWith('-')) Log(LogLevel.Notice, $"(Non critical) Master does not understand REPLCONF capa: {capaReply}");
    }

    private string _fullSyncReplId = "";
    private long _fullSyncOffset;

    /// <summary>PSYNC with the cached history, or "? -1". True when the master answered with a full resync.</summary>
    private bool RequestPsync()
    {
        string replId = "?";
        long offset = -1;
        Locked(() => (replId, offset) = _manager.PsyncRequest());
        Send("PSYNC", replId, offset.ToString());
        while (true)
        {
            string reply = ReadReply();
            // The master may send newlines to keep the link alive before it answers.
            if (reply.Length == 0) continue;
            if (reply.StartsWith("+FULLRESYNC", StringComparison.Ordinal))
            {
                var parts = reply.Split(' ');
                if (parts.Length < 3 || !long.TryParse(parts[2], out _fullSyncOffset))
                {
                    throw Fail($"Master replied with wrong +FULLRESYNC syntax.");
                }
                _fullSyncReplId = parts[1];
                Locked(() =>
                {
                    _server.Log.Notice($"Full resync from master: {_fullSyncReplId}:{_fullSyncOffset}");
                    _manager.OnFullResyncStarting();
                });
                return true;
            }
            if (reply.StartsWith("+CONTINUE", StringComparison.Ordinal))
            {
                string newId = reply.Length > "+CONTINUE ".Length ? reply["+CONTINUE ".Length..].Trim() : "";
                Locked(() => _manager.OnPartialResyncAccepted(newId));
                return false;
            }
            if (reply.StartsWith("-NOMASTERLINK", StringComparison.Ordinal) || reply.StartsWith("-LOADING", StringComparison.Ordinal))
            {
                throw Fail($"Master is currently unable to PSYNC but should be in the future: {reply}");
            }
            throw Fail($"Unexpected reply to PSYNC from master: {reply}");
        }
    }

    // ---------------------------------------------------------------- full resync

    private void ReceiveRdb()
    {
        var config = _server.Config;
        var reader = _reader!;
        string preamble;
        while (true)
        {
            preamble = ReadReply();
            if (preamble.Length > 0) break;
        }
        if (preamble.StartsWith('-')) throw Fail($"MASTER aborted replication with an error: {preamble[1..]}");
        if (!preamble.StartsWith('$'))
        {
            throw Fail($"Bad protocol from MASTER, the first byte is not '$' (we received '{preamble}'), are you sure the host and port are right?");
        }
        byte[]? mark = null;
        long length = -1;
        if (preamble.StartsWith("$EOF:", StringComparison.Ordinal)) mark = Encoding.Latin1.GetBytes(preamble[5..]);
        else if (!long.TryParse(preamble.AsSpan(1), out length) || length < 0) throw Fail($"Bad protocol from MASTER, invalid bulk length '{preamble}'");

        bool diskless = false;
        Locked(() =>
        {
            State = LinkState.Transfer;
            TransferSize = length;
            diskless = config.ReplDisklessLoad == "swapdb" || (config.ReplDisklessLoad == "on-empty-db" && _server.Keyspace.TotalKeys() == 0);
        });
        var loaded = new Keyspace(_server.Keyspace.DatabaseCount) { IsReplica = true };
        RdbFile.LoadResult result;
        long startRead = reader.TotalRead - reader.Remaining.Length;
        if (diskless)
        {
            Log(LogLevel.Notice, "MASTER <-> REPLICA sync: Loading DB in memory");
            using var stream = mark != null ? reader.AsStreamUntil(mark) : reader.AsStream(length);
            result = RdbFile.Load(stream, loaded, keepExpired: true, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            // The RDB must end where its transfer does: right at the end mark, or after its length.
            if (stream.Read(new byte[1]) != 0) throw Fail("Replication stream EOF marker is broken");
            TransferRead = reader.TotalRead - startRead - reader.Remaining.Length;
        }
        else
        {
            result = ReceiveToDiskAndLoad(reader, mark, length, loaded);
        }
        Locked(() => _manager.OnFullResyncLoaded(loaded, _fullSyncReplId, _fullSyncOffset, result.Replication?.StreamDb ?? 0));
    }

    private RdbFile.LoadResult ReceiveToDiskAndLoad(LinkReader reader, byte[]? mark, long length, Keyspace loaded)
    {
        var config = _server.Config;
        Log(LogLevel.Notice, mark != null
            ? "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"
            : $"MASTER <-> REPLICA sync: receiving {length} bytes from master to disk");
        string temp = Path.Combine(config.Dir, $"temp-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.ProcessId}.rdb");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Action<long> progress = read =>
                {
                    TransferRead = read;
                    LastIo = reader.LastIo;
                };
                if (mark != null) reader.CopyUntilMark(mark, file, progress);
                else reader.CopyExactly(length, file, progress);
                file.Flush(flushToDisk: true);
            }
            // As Redis: the received file becomes the dump file, so a restart resumes from it.
            string path = Path.Combine(config.Dir, config.DbFilename);
            File.Move(temp, path, overwrite: true);
            Log(LogLevel.Notice, "MASTER <-> REPLICA sync: Flushing old data");
            Log(LogLevel.Notice, "MASTER <-> REPLICA sync: Loading DB in memory");
            Loading = true;
            RdbFile.LoadResult result;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                result = RdbFile.Load(file, loaded, keepExpired: true, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }
            Loading = false;
            if (config.RdbDelSyncFiles && config.SavePoints.Count == 0 && !config.AppendOnly)
            {
                Log(LogLevel.Notice, "Removing the RDB file obtained from the master. This replica has persistence disabled");
                File.Delete(path);
            }
            return result;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // ---------------------------------------------------------------- the stream

    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private int _proxied;
    private long _needed;

    private void FollowStream()
    {
        var leftover = _reader!.Remaining;
        _buffer = new byte[Math.Max(64 * 1024, leftover.Length * 2)];
        leftover.CopyTo(_buffer);
        int already = leftover.Length;
        Locked(() =>
        {
            ReadOffset = _server.Replication.MasterReplOffset;
            State = LinkState.Connected;
            MasterClient = _manager.OnLinkConnected(this, Endpoint(_socket!.RemoteEndPoint), Endpoint(_socket.LocalEndPoint));
            SendAck();
            ApplyReceived(already);
        });
        var socket = _socket!;
        while (true)
        {
            MakeRoom();
            int n = Networking.SocketCalls.ReceiveWaiting(socket, _buffer.AsSpan(_end));
            if (n == 0) throw new LinkFailure("closed");
            Interlocked.Add(ref _server.Stats.TotalNetReplInputBytes, n);
            Locked(() => ApplyReceived(n));
        }
    }

    private static string Endpoint(EndPoint? endpoint) =>
        endpoint is IPEndPoint ip ? (ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip.Address}]:{ip.Port}" : $"{ip.Address}:{ip.Port}") : "";

    /// <summary>Takes <paramref name="received"/> new bytes: runs every complete command, passes applied bytes on.</summary>
    private void ApplyReceived(int received)
    {
        _end += received;
        ReadOffset += received;
        LastIo = Environment.TickCount64;
        var master = MasterClient!;
        var keyspace = _server.Keyspace;
        keyspace.ApplyingMasterStream = true;
        try
        {
            while (_start < _end && !_cancelled)
            {
                _parsed.Clear();
                var status = RequestParser.TryParse(_buffer.AsSpan(_start, _end - _start), _start, _parsed, StreamLimits,
                    out int consumed, out long needed, out string? error);
                if (status == ParseStatus.Incomplete)
                {
                    _needed = needed;
                    return;
                }
                _needed = 0;
                if (status == ParseStatus.Error) throw Fail($"Protocol error ({error}) from master: addr={master.Address}");
                if (_parsed.Count == 1)
                {
                    _server.Executor.Execute(master, _buffer, _parsed.Args, _parsed.ArgStart(0), _parsed.ArgCount(0));
                    // A master gets no replies; it asks for an ACK with REPLCONF GETACK.
                    master.Output.Reset();
                }
                _start += consumed;
                // A transaction is passed on, and counts as applied, once its EXEC ran.
                if (!master.HasFlag(ClientFlags.Multi))
                {
                    _manager.Source.FeedFromMaster(_buffer.AsSpan(_proxied, _start - _proxied));
                    _proxied = _start;
                }
            }
        }
        finally
        {
            keyspace.ApplyingMasterStream = false;
        }
    }

    /// <summary>Space to receive into; bytes not yet passed on (an open transaction) are kept.</summary>
    private void MakeRoom()
    {
        lock (_server.Sync)
        {
            long kept = _end - _proxied;
            long wanted = Math.Max(kept + 16 * 1024, _start - _proxied + _needed);
            if (_buffer.Length - _end >= 16 * 1024 && _proxied + wanted <= _buffer.Length) return;
            var target = wanted <= _buffer.Length ? _buffer : new byte[Math.Max(wanted, Math.Min(_buffer.Length * 2L, Array.MaxLength))];
            Buffer.BlockCopy(_buffer, _proxied, target, 0, (int)kept);
            _buffer = target;
            _start -= _proxied;
            _end -= _proxied;
            _proxied = 0;
        }
    }

    /// <summary>REPLCONF ACK &lt;applied offset&gt; (every second, and on GETACK). Under the lock.</summary>
    public void SendAck()
    {
        if (State != LinkState.Connected || _cancelled) return;
        if (_ackSending)
        {
            _ackPending = true;
            return;
        }
        _ackSending = true;
        var bytes = Encode("REPLCONF", "ACK", _server.Replication.MasterReplOffset.ToString());
        _ = SendAckAsync(bytes);
    }

    private async Task SendAckAsync(byte[] bytes)
    {
        try
        {
            var data = bytes.AsMemory();
            while (data.Length > 0)
            {
                int sent = await _socket!.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                data = data[sent..];
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Cancel();
            return;
        }
        lock (_server.Sync)
        {
            _ackSending = false;
            if (!_ackPending) return;
            _ackPending = false;
            SendAck();
        }
    }
}
