using Vigil.Server.Commands;

namespace Vigil.Server.Transactions;

/// <summary>
/// How EXEC reaches replicas and the AOF, as in Redis 7.0 (propagatePendingCommands): while EXEC
/// runs, the commands that changed the dataset are collected instead of handed on; afterwards a
/// single one goes alone, and two or more go wrapped in MULTI ... EXEC. EXEC itself is never
/// propagated as a command.
///
/// For the propagation consumer (<see cref="CommandExecutor.Propagate"/>) each emitted command looks
/// like an ordinary one: the context's arguments and <see cref="CommandContext.Command"/> are the
/// command to send (already in its rewritten form when the handler set PropagateAs), and
/// <c>ctx.Client.DbIndex</c> is the database it ran in. The synthetic MULTI carries the database of
/// the first command and EXEC that of the last, so a consumer that emits SELECT on database changes
/// puts the SELECT before MULTI, as Redis does.
/// </summary>
internal sealed class ExecPropagation
{
    private readonly List<(PackedCommand Command, int Db)> _pending = new();
    private readonly CommandTable _commands;
    private readonly PackedCommand _multi;
    private readonly PackedCommand _exec;

    public ExecPropagation(CommandTable commands, RedisCommand multi, RedisCommand exec)
    {
        _commands = commands;
        _multi = PackedCommand.FromArgs(["MULTI"u8.ToArray()], multi);
        _exec = PackedCommand.FromArgs(["EXEC"u8.ToArray()], exec);
    }

    /// <summary>Installed as the executor's Propagate hook while EXEC runs its queue.</summary>
    public void Collect(CommandContext ctx)
    {
        var rewritten = ctx.PropagateAs;
        var command = rewritten == null
            ? PackedCommand.FromContext(ctx, ctx.Command)
            : PackedCommand.FromArgs(rewritten, _commands.Find(rewritten[0]) ?? ctx.Command);
        _pending.Add((command, ctx.Client.DbIndex));
    }

    /// <summary>
    /// Hands the collected commands to <paramref name="downstream"/>. Uses <paramref name="ctx"/> as
    /// the carrier: the caller restores its arguments, command and database afterwards.
    /// </summary>
    public void Flush(CommandContext ctx, Action<CommandContext> downstream)
    {
        if (_pending.Count == 0) return;
        bool wrap = _pending.Count > 1;
        if (wrap) Emit(ctx, downstream, _multi, _pending[0].Db);
        foreach (var (command, db) in _pending) Emit(ctx, downstream, command, db);
        if (wrap) Emit(ctx, downstream, _exec, _pending[^1].Db);
        _pending.Clear();
    }

    private static void Emit(CommandContext ctx, Action<CommandContext> downstream, PackedCommand command, int db)
    {
        command.LoadInto(ctx);
        ctx.PropagateAs = null;
        ctx.Client.DbIndex = db;
        downstream(ctx);
    }
}
