using Vigil.Protocol;
using Vigil.Server.Commands;

namespace Vigil.Server.Clients;

/// <summary>
/// One client's session state, apart from how its bytes travel: the socket connection, the
/// replication link and in-process callers all drive a <see cref="Client"/>. Everything here is
/// read and written under the server's keyspace lock.
/// </summary>
public sealed class Client
{
    public Client(long id, string address, string localAddress, long nowMs)
    {
        Id = id;
        Address = address;
        LocalAddress = localAddress;
        CreatedMs = nowMs;
        LastInteractionMs = nowMs;
        Context = new CommandContext(this);
    }

    public long Id { get; }

    /// <summary>ip:port of the peer, as CLIENT LIST prints it.</summary>
    public string Address { get; }

    public string LocalAddress { get; }

    /// <summary>Connected from a loopback address (enable-debug-command local, protected configs).</summary>
    public bool IsLocal { get; init; }

    /// <summary>The socket's file descriptor, as CLIENT LIST's fd= (-1 for clients without one).</summary>
    public int Fd { get; init; } = -1;

    public long CreatedMs { get; }

    public long LastInteractionMs { get; set; }

    public string? Name { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public int DbIndex { get; set; }

    public bool Authenticated { get; set; }

    public string User { get; set; } = "default";

    public ClientFlags Flags { get; set; }

    public ReplyMode ReplyMode { get; set; }

    /// <summary>Replies not yet handed to the transport.</summary>
    public RespWriter Output { get; private set; } = new();

    public RespVersion Protocol
    {
        get => Output.Version;
        set => Output.Version = value;
    }

    /// <summary>Hands the pending replies to the transport, taking an empty buffer in their place.</summary>
    public RespWriter SwapOutput(RespWriter empty)
    {
        var full = Output;
        empty.Version = full.Version;
        Output = empty;
        return full;
    }

    public CommandContext Context { get; }

    /// <summary>The last command run, for CLIENT LIST's cmd= field.</summary>
    public string LastCommandName { get; set; } = "NULL";

    /// <summary>The replication offset just after this client's last write reached the stream (woff: what WAIT waits for).</summary>
    public long ReplicationOffset { get; set; }

    /// <summary>Bytes read but not yet parsed (CLIENT LIST qbuf=).</summary>
    public int QueryBufferLength { get; set; }

    /// <summary>Room left in the receive buffer (CLIENT LIST qbuf-free=).</summary>
    public int QueryBufferFree { get; set; }

    /// <summary>Bytes of this client's buffers that used_memory counts (see <see cref="Eviction.UsedMemory.UpdateClient"/>).</summary>
    public long ChargedMemory { get; internal set; }

    /// <summary>Whether <see cref="ChargedMemory"/> is counted with the replicas' buffers.</summary>
    internal bool ChargedAsReplica { get; set; }

    /// <summary>Asks the transport to send <see cref="Output"/>; set by the transport.</summary>
    public Action<Client>? FlushRequested { get; set; }

    /// <summary>Asks the transport to close the connection; set by the transport.</summary>
    public Action<Client>? CloseRequested { get; set; }

    /// <summary>
    /// Asks the transport to run, now, the commands that arrived while the client was blocked (called
    /// under the lock by <see cref="Blocking.BlockingManager.ProcessUnblockedClients"/>); set by the transport.
    /// </summary>
    public Action<Client>? ResumeRequested { get; set; }

    /// <summary>
    /// Asks the transport to hand its socket's sending side to a job (a replica's RDB transfer), once
    /// the replies written so far are sent; what is written to <see cref="Output"/> meanwhile is sent
    /// after the job completes. Set by the transport.
    /// </summary>
    public Action<Client, Func<System.Net.Sockets.Socket, Task>>? ExclusiveSendRequested { get; set; }

    /// <summary>State other features keep per client (transactions, subscriptions, blocking).</summary>
    public Dictionary<Type, object>? Extensions { get; private set; }

    public T GetOrAddExtension<T>() where T : class, new()
    {
        Extensions ??= new Dictionary<Type, object>();
        if (!Extensions.TryGetValue(typeof(T), out var state))
        {
            state = new T();
            Extensions[typeof(T)] = state;
        }
        return (T)state;
    }

    public T? GetExtension<T>() where T : class =>
        Extensions != null && Extensions.TryGetValue(typeof(T), out var state) ? (T)state : null;

    public bool HasFlag(ClientFlags flag) => (Flags & flag) != 0;

    /// <summary>Writes an out-of-band reply (pub/sub message, unblocked reply) and asks for a send.</summary>
    public void RequestFlush() => FlushRequested?.Invoke(this);

    /// <summary>Runs the input that waited while the client was blocked (see <see cref="ResumeRequested"/>).</summary>
    public void RequestResume() => ResumeRequested?.Invoke(this);

    /// <summary>See <see cref="ExclusiveSendRequested"/>; false when the transport cannot do it.</summary>
    public bool RequestExclusiveSend(Func<System.Net.Sockets.Socket, Task> job)
    {
        if (ExclusiveSendRequested == null) return false;
        ExclusiveSendRequested(this, job);
        return true;
    }

    /// <summary>Closes the connection as soon as possible (CLIENT KILL).</summary>
    public void Kill()
    {
        Flags |= ClientFlags.CloseAsap;
        CloseRequested?.Invoke(this);
    }
}
