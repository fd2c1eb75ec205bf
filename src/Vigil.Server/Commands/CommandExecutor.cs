using System.Diagnostics;
using System.Text;
using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Eviction;
using Vigil.Server.Transactions;

namespace Vigil.Server.Commands;

/// <summary>
/// Runs one parsed command for a client: lookup, arity, authentication and the other admission
/// checks in the order Redis's processCommand makes them, then the handler, then the statistics,
/// reply mode and propagation. Always called under the keyspace lock.
/// </summary>
public sealed class CommandExecutor
{
    private readonly VigilServer _server;

    public CommandExecutor(VigilServer server)
    {
        _server = server;
    }

    /// <summary>Transactions install this: queues a command while the client is inside MULTI.</summary>
    public Action<CommandContext>? QueueInTransaction { get; set; }

    /// <summary>MONITOR installs this: sees every command that runs.</summary>
    public Action<CommandContext>? Monitor { get; set; }

    /// <summary>Replication and AOF install this: receive every command that changed the dataset.</summary>
    public Action<CommandContext>? Propagate { get; set; }

    public void Execute(Client client, byte[] buffer, ArgRange[] ranges, int first, int count)
    {
        var ctx = Prepare(client, buffer, ranges, first, count);
        client.LastInteractionMs = _server.Keyspace.Now;
        if (client.ReplyMode == ReplyMode.SkipNext) client.ReplyMode = ReplyMode.Skip;
        int replyStart = client.Output.Length;

        ctx.Executing = true;
        var command = Resolve(ctx);
        // CLIENT LIST's cmd= names the command being run, as c->lastcmd, set at lookup.
        client.LastCommandName = command?.FullName ?? "NULL";
        if (command != null && Admit(ctx, command) && !_server.ClientPause.Postpones(client, command))
        {
            if (client.HasFlag(ClientFlags.Multi) && !IsTransactionControl(command))
            {
                QueueInTransaction?.Invoke(ctx);
            }
            else
            {
                // CLIENT NO-TOUCH: lookups leave access stamps alone, except for TOUCH itself.
                _server.Keyspace.NoTouch = client.HasFlag(ClientFlags.NoTouch) && command.Name != "touch";
                Call(ctx, command, ctx.StartTimestamp);
                // Clients blocked on keys this command (or transaction) filled are served now.
                _server.Blocking.HandleReadyKeys();
                _server.Keyspace.NoTouch = false;
            }
        }
        ctx.Executing = false;

        // A blocked command replies when it is served; CLIENT REPLY applies to that reply then.
        if (!client.HasFlag(ClientFlags.Blocked)) ApplyReplyMode(client, replyStart);
    }

    /// <summary>CLIENT REPLY OFF/SKIP: drops the reply written since <paramref name="replyStart"/>.</summary>
    internal static void ApplyReplyMode(Client client, int replyStart)
    {
        if (client.ReplyMode is ReplyMode.Off or ReplyMode.Skip)
        {
            client.Output.Truncate(replyStart);
            if (client.ReplyMode == ReplyMode.Skip) client.ReplyMode = ReplyMode.On;
        }
    }

    /// <summary>
    /// Runs a command from a trusted stream (the AOF being loaded) without the admission checks, as
    /// Redis calls the command's proc directly: commands inside MULTI are queued, EXEC runs them.
    /// Returns false when the command does not exist.
    /// </summary>
    public bool Replay(Client client, byte[] buffer, ArgRange[] ranges, int first, int count)
    {
        var ctx = Prepare(client, buffer, ranges, first, count);
        var command = Resolve(ctx);
        if (command == null) return false;
        ctx.Command = command;
        if (client.HasFlag(ClientFlags.Multi) && !IsTransactionControl(command)) QueueInTransaction?.Invoke(ctx);
        else Call(ctx, command);
        return true;
    }

    /// <summary>The client's context loaded with the command's arguments, on the command's clock.</summary>
    private CommandContext Prepare(Client client, byte[] buffer, ArgRange[] ranges, int first, int count)
    {
        var ctx = client.Context;
        ctx.Server = _server;
        ctx.SetArgs(buffer, ranges, first, count);
        ctx.Failed = false;
        ctx.StartTimestamp = Stopwatch.GetTimestamp();
        _server.Keyspace.UpdateClock(ctx.StartTimestamp);
        return ctx;
    }

    /// <summary>Runs an admitted command and accounts for it (Redis's call()).</summary>
    public void Call(CommandContext ctx, RedisCommand command) => Call(ctx, command, Stopwatch.GetTimestamp());

    /// <summary>Runs an admitted command whose time counts from <paramref name="start"/> (a Stopwatch reading).</summary>
    private void Call(CommandContext ctx, RedisCommand command, long start)
    {
        ctx.Command = command;
        ctx.SuppressPropagation = false;
        ctx.ForcePropagation = false;
        ctx.PropagateAs = null;
        ctx.PropagateMany?.Clear();
        long dirtyBefore = _server.Dirty;
        bool wasWriting = _server.Keyspace.InWriteCommand;
        _server.Keyspace.InWriteCommand = command.Has(CommandFlags.Write);
        command.Handler(ctx);
        _server.Keyspace.InWriteCommand = wasWriting;
        _server.Keyspace.SettleMemory();
        long micros = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;

        if (!command.Has(CommandFlags.SkipMonitor) && !command.Has(CommandFlags.Admin)) Monitor?.Invoke(ctx);
        // A command that blocked is accounted for when it is served or times out (updateStatsOnUnblock).
        if (ctx.Client.HasFlag(ClientFlags.Blocked)) return;
        Complete(ctx, command, micros, dirtyBefore);
    }

    /// <summary>
    /// The accounting after a command ran (or, for one that blocked, was served or timed out): call
    /// statistics, the slow log, and propagation when it changed the dataset.
    /// </summary>
    internal void Complete(CommandContext ctx, RedisCommand command, long micros, long dirtyBefore)
    {
        command.Calls++;
        command.Microseconds += micros;
        if (_server.Config.LatencyTracking) (command.Latency ??= new LatencyHistogram()).Record(micros * 1000);
        _server.LatencyMonitor.AddSampleIfNeeded(command.Has(CommandFlags.Fast) ? "fast-command" : "command", micros / 1000);
        if (ctx.Failed) command.FailedCalls++;
        _server.Stats.TotalCommandsProcessed++;
        _server.SlowLog.Record(ctx, micros);
        if ((_server.Dirty != dirtyBefore || ctx.ForcePropagation) && !ctx.SuppressPropagation && Propagate != null)
        {
            if (ctx.PropagateMany is { Count: > 0 } commands) PropagateEach(ctx, commands, Propagate);
            else Propagate(ctx);
        }
    }

    /// <summary>
    /// Hands on the commands a handler propagates instead of itself, as Redis 7.0's
    /// propagatePendingCommands does: one alone, several wrapped in MULTI ... EXEC, unless the command
    /// runs inside EXEC, whose own wrapping covers them. The context carries each one, then gets
    /// the command's own arguments back.
    /// </summary>
    private void PropagateEach(CommandContext ctx, List<byte[][]> commands, Action<CommandContext> propagate)
    {
        var own = PackedCommand.FromContext(ctx, ctx.Command);
        bool wrap = commands.Count > 1 && !ctx.Client.HasFlag(ClientFlags.Multi);
        if (wrap) Emit(ctx, ["MULTI"u8.ToArray()], propagate);
        foreach (var args in commands) Emit(ctx, args, propagate);
        if (wrap) Emit(ctx, ["EXEC"u8.ToArray()], propagate);
        own.LoadInto(ctx);
    }

    private void Emit(CommandContext ctx, byte[][] args, Action<CommandContext> propagate)
    {
        PackedCommand.FromArgs(args, _server.Commands.Find(args[0]) ?? ctx.Command).LoadInto(ctx);
        ctx.PropagateAs = null;
        propagate(ctx);
    }

    private Client? _generatedCarrier;

    /// <summary>
    /// Hands a command the server produced itself (the DEL of an expired key) to <see cref="Propagate"/>
    /// as if it ran in database <paramref name="db"/>. Inside EXEC it joins the transaction's writes.
    /// </summary>
    public void PropagateGenerated(int db, byte[][] args)
    {
        var propagate = Propagate;
        if (propagate == null) return;
        var command = _server.Commands.Find(args[0]) ?? throw new ArgumentException("unknown command", nameof(args));
        _generatedCarrier ??= new Client(0, "", "", 0);
        var ctx = _generatedCarrier.Context;
        ctx.Server = _server;
        Transactions.PackedCommand.FromArgs(args, command).LoadInto(ctx);
        ctx.PropagateAs = null;
        _generatedCarrier.DbIndex = db;
        propagate(ctx);
    }

    private RedisCommand? Resolve(CommandContext ctx)
    {
        var table = _server.Commands;
        var command = table.Find(ctx.Arg(0));
        if (command is { Subcommands: not null, DispatchesItself: false } && ctx.ArgCount >= 2)
        {
            var sub = CommandTable.Find(ctx.Arg(1), command.SubcommandLookup);
            if (sub == null)
            {
                Reject(ctx, $"ERR unknown subcommand '{Truncate(ctx.ArgLatin1(1), 128)}'. Try {ctx.ArgLatin1(0).ToUpperInvariant()} HELP.");
                return null;
            }
            command = sub;
        }
        if (command == null)
        {
            Reject(ctx, UnknownCommandMessage(ctx));
            return null;
        }
        return command;
    }

    private bool Admit(CommandContext ctx, RedisCommand command)
    {
        var client = ctx.Client;
        var config = _server.Config;
        ctx.Command = command;
        if (!command.AcceptsArgCount(ctx.ArgCount))
        {
            Reject(ctx, $"ERR wrong number of arguments for '{command.FullName}' command", command);
            return false;
        }
        if (command.Has(CommandFlags.Protected) && !ConfigCommand.AllowsProtected(config.EnableDebugCommand, ctx))
        {
            Reject(ctx, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, " +
                "otherwise you need to set this option in the configuration file, and then restart the server.", command);
            return false;
        }
        if (!client.Authenticated && _server.AuthRequired && !command.Has(CommandFlags.NoAuth))
        {
            Reject(ctx, Errors.NoAuth, command);
            return false;
        }
        bool isMaster = client.HasFlag(ClientFlags.Master);
        bool isExec = command is { Name: "exec", Parent: null };
        var queued = isExec ? TransactionFlags(client) : CommandFlags.None;
        bool isWrite = command.Has(CommandFlags.Write) || (queued & CommandFlags.Write) != 0;
        if (config.MaxMemory > 0 && _server.Evictor.PerformEvictions() == EvictionResult.Fail && RefusedWhenOutOfMemory(client, command, queued))
        {
            Reject(ctx, Errors.OutOfMemory, command);
            return false;
        }
        if ((isWrite || command is { Name: "ping", Parent: null }) && !isMaster && _server.Persistence.WritesDeniedReason() is { } diskError)
        {
            Reject(ctx, diskError, command);
            return false;
        }
        if (isWrite && !isMaster && !config.IsReplica && config.MinReplicasToWrite > 0 && config.MinReplicasMaxLag > 0 &&
            _server.Replication.GoodReplicaCount < config.MinReplicasToWrite)
        {
            Reject(ctx, Errors.NoReplicas, command);
            return false;
        }
        if (isWrite && !isMaster && config.IsReplica && config.ReplicaReadOnly)
        {
            Reject(ctx, Errors.ReadOnlyReplica, command);
            return false;
        }
        if (client.HasFlag(ClientFlags.PubSub) && client.Protocol == RespVersion.Resp2 && !command.Has(CommandFlags.AllowedInPubSubContext))
        {
            Reject(ctx, $"ERR Can't execute '{command.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", command);
            return false;
        }
        if (config.IsReplica && !_server.Replication.MasterLinkUp && !config.ReplicaServeStaleData && !command.Has(CommandFlags.Stale))
        {
            Reject(ctx, Errors.MasterDown, command);
            return false;
        }
        if (_server.Loading && !command.Has(CommandFlags.Loading))
        {
            Reject(ctx, Errors.Loading, command);
            return false;
        }
        if (client.HasFlag(ClientFlags.Multi) && command.Has(CommandFlags.NoMulti))
        {
            Reject(ctx, Errors.NotAllowedInMulti, command);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Over maxmemory with nothing to evict, Redis refuses commands flagged denyoom (and an EXEC
    /// whose queue holds one), and inside MULTI anything but EXEC, DISCARD, QUIT and RESET, since
    /// queueing takes memory too.
    /// </summary>
    private static bool RefusedWhenOutOfMemory(Client client, RedisCommand command, CommandFlags queued)
    {
        if (command.Has(CommandFlags.DenyOom) || (queued & CommandFlags.DenyOom) != 0) return true;
        return client.HasFlag(ClientFlags.Multi) && !(command.Parent == null && command.Name is "exec" or "discard" or "quit" or "reset");
    }

    /// <summary>Set by transactions: the flags of the commands a client has queued, together (mstate.cmd_flags).</summary>
    public Func<Client, CommandFlags> TransactionFlags { get; set; } = static _ => CommandFlags.None;

    /// <summary>Whether the commands a client has queued include a write.</summary>
    public bool TransactionWrites(Client client) => (TransactionFlags(client) & CommandFlags.Write) != 0;

    /// <summary>
    /// Set by transactions: answers an EXEC that the admission checks refused, with the refusal as
    /// the reason of an EXECABORT, and discards the transaction (Redis's rejectCommand on EXEC).
    /// </summary>
    public Action<CommandContext, string>? AbortExec { get; set; }

    // Top-level commands only: SLOWLOG RESET or CLUSTER RESET are queued like any other.
    private static bool IsTransactionControl(RedisCommand command) =>
        command.Parent == null && command.Name is "exec" or "discard" or "multi" or "watch" or "quit" or "reset";

    private void Reject(CommandContext ctx, string message, RedisCommand? command = null)
    {
        if (command != null) command.RejectedCalls++;
        // An error before EXEC dooms the transaction (flagTransaction).
        if (ctx.Client.HasFlag(ClientFlags.Multi)) ctx.Client.Flags |= ClientFlags.DirtyExec;
        if (command is { Name: "exec", Parent: null } && AbortExec != null)
        {
            AbortExec(ctx, message);
            return;
        }
        ctx.Error(message);
    }

    private static string UnknownCommandMessage(CommandContext ctx)
    {
        var args = new StringBuilder();
        for (int i = 1; i < ctx.ArgCount && args.Length < 128; i++)
        {
            int room = 128 - args.Length;
            args.Append('\'').Append(Truncate(ctx.ArgLatin1(i), room)).Append("' ");
        }
        return $"ERR unknown command '{Truncate(ctx.ArgLatin1(0), 128)}', with args beginning with: {args}";
    }

    /// <summary>As printf's "%.*s" shows an argument: at most <paramref name="max"/> chars, and none past a NUL.</summary>
    private static string Truncate(string s, int max)
    {
        int nul = s.IndexOf('\0');
        if (nul >= 0 && nul < max) max = nul;
        return s.Length <= max ? s : s[..max];
    }
}
