using Vigil.Server.Clients;
using Vigil.Server.Commands;

namespace Vigil.Server.Transactions;

/// <summary>
/// MULTI/EXEC/DISCARD/WATCH/UNWATCH as Redis 7.0's multi.c: commands sent inside MULTI are
/// copied into the client's queue and answered +QUEUED; an error while queueing (flagged
/// DirtyExec by the executor) makes EXEC answer EXECABORT; a touched WATCHed key (DirtyCas) makes
/// it answer a null array; otherwise EXEC runs the queue through the executor, each command with
/// its own reply, and propagates the writes as one MULTI/EXEC block (see <see cref="ExecPropagation"/>).
/// The client keeps its Multi flag while EXEC runs, so commands can tell they run inside EXEC.
/// </summary>
internal sealed class MultiExec
{
    private readonly VigilServer _server;
    private readonly WatchRegistry _watches;
    private ExecPropagation? _propagation;

    public MultiExec(VigilServer server)
    {
        _server = server;
        _watches = new WatchRegistry(server);
        var executor = server.Executor;
        executor.QueueInTransaction = Queue;
        executor.TransactionFlags = static client => client.GetExtension<TransactionState>()?.QueuedFlags ?? CommandFlags.None;
        executor.AbortExec = AbortExec;
        server.ClientClosed += Discard;
        server.ClientResetting += Discard;
    }

    public void Multi(CommandContext ctx)
    {
        if (ctx.Client.HasFlag(ClientFlags.Multi))
        {
            ctx.Error("ERR MULTI calls can not be nested");
            return;
        }
        ctx.Client.Flags |= ClientFlags.Multi;
        ctx.Reply.WriteOk();
    }

    public void DiscardCommand(CommandContext ctx)
    {
        if (!ctx.Client.HasFlag(ClientFlags.Multi))
        {
            ctx.Error("ERR DISCARD without MULTI");
            return;
        }
        Discard(ctx.Client);
        ctx.Reply.WriteOk();
    }

    public void Watch(CommandContext ctx)
    {
        var client = ctx.Client;
        if (client.HasFlag(ClientFlags.Multi))
        {
            ctx.Error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        // Already doomed: watching more changes nothing.
        if (!client.HasFlag(ClientFlags.DirtyCas))
        {
            var state = client.GetOrAddExtension<TransactionState>();
            for (int i = 1; i < ctx.ArgCount; i++) _watches.Watch(client, state, ctx.Db, ctx.Arg(i));
        }
        ctx.Reply.WriteOk();
    }

    public void Unwatch(CommandContext ctx)
    {
        var state = ctx.Client.GetExtension<TransactionState>();
        if (state != null) _watches.UnwatchAll(state);
        ctx.Client.Flags &= ~ClientFlags.DirtyCas;
        ctx.Reply.WriteOk();
    }

    public void Exec(CommandContext ctx)
    {
        var client = ctx.Client;
        if (!client.HasFlag(ClientFlags.Multi))
        {
            ctx.Error("ERR EXEC without MULTI");
            return;
        }
        var state = client.GetOrAddExtension<TransactionState>();
        if (_watches.AnyExpiredSinceWatch(state)) client.Flags |= ClientFlags.DirtyCas;
        if (client.HasFlag(ClientFlags.DirtyExec))
        {
            ctx.Error("EXECABORT Transaction discarded because of previous errors.");
            Discard(client);
            return;
        }
        if (client.HasFlag(ClientFlags.DirtyCas))
        {
            ctx.Reply.WriteNullArray();
            Discard(client);
            return;
        }

        _watches.UnwatchAll(state);
        var execCommand = ctx.Command;
        var execArgs = PackedCommand.FromContext(ctx, execCommand);
        var executor = _server.Executor;
        var downstream = executor.Propagate;
        var propagation = downstream == null ? null : _propagation ??= CreatePropagation();
        if (propagation != null) executor.Propagate = propagation.Collect;
        // A copy: nothing a queued command does may change what this EXEC announced it runs.
        var queue = state.Queue.ToArray();
        ctx.Reply.WriteArrayHeader(queue.Length);
        try
        {
            foreach (var queued in queue)
            {
                queued.LoadInto(ctx);
                ctx.Failed = false;
                executor.Call(ctx, queued.Command);
            }
        }
        finally
        {
            if (propagation != null) executor.Propagate = downstream;
        }
        Discard(client);
        if (propagation != null)
        {
            int db = client.DbIndex;
            propagation.Flush(ctx, downstream!);
            client.DbIndex = db;
        }

        // Back to EXEC's own arguments for the accounting that follows (MONITOR, SLOWLOG). EXEC
        // itself is never propagated, and its queued commands' errors are not its own.
        execArgs.LoadInto(ctx);
        ctx.PropagateAs = null;
        ctx.SuppressPropagation = true;
        ctx.Failed = false;
    }

    /// <summary>The executor queues every command but the transaction controls while in MULTI.</summary>
    private void Queue(CommandContext ctx)
    {
        var client = ctx.Client;
        // A transaction that is doomed anyway does not need the memory.
        if (!client.HasFlag(ClientFlags.DirtyCas) && !client.HasFlag(ClientFlags.DirtyExec))
        {
            var state = client.GetOrAddExtension<TransactionState>();
            var queued = PackedCommand.FromContext(ctx, ctx.Command);
            state.Queue.Add(queued);
            state.QueuedFlags |= ctx.Command.Flags;
            state.QueuedArgBytes += queued.ArgBytes;
        }
        ctx.Reply.WriteRaw("+QUEUED\r\n"u8);
    }

    /// <summary>
    /// EXEC refused before it ran (wrong arity, NOREPLICAS, READONLY, ...): the transaction is
    /// discarded and the refusal becomes the reason of an EXECABORT. Redis formats its own refusals
    /// without the "ERR " code there, and keeps the code of shared ones such as NOREPLICAS.
    /// </summary>
    private void AbortExec(CommandContext ctx, string refusal)
    {
        Discard(ctx.Client);
        string reason = refusal.StartsWith("ERR ", StringComparison.Ordinal) ? refusal[4..] : refusal;
        ctx.Error("EXECABORT Transaction discarded because of: " + reason);
    }

    /// <summary>discardTransaction: forgets the queue, leaves MULTI and stops watching.</summary>
    private void Discard(Client client)
    {
        client.Flags &= ~(ClientFlags.Multi | ClientFlags.DirtyCas | ClientFlags.DirtyExec);
        var state = client.GetExtension<TransactionState>();
        if (state == null) return;
        state.ClearQueue();
        _watches.UnwatchAll(state);
    }

    private ExecPropagation CreatePropagation() =>
        new(_server.Commands, _server.Commands.Find("multi")!, _server.Commands.Find("exec")!);
}
