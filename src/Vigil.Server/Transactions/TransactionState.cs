using Vigil.Server.Commands;

namespace Vigil.Server.Transactions;

/// <summary>
/// One client's MULTI queue and WATCHed keys (a <see cref="Clients.Client"/> extension). CLIENT LIST
/// reads <see cref="QueuedCount"/> for multi= while the client is inside MULTI.
/// </summary>
public sealed class TransactionState
{
    internal List<PackedCommand> Queue { get; } = new();

    internal List<WatchedKey> Watched { get; } = new();

    /// <summary>Union of the queued commands' flags (Redis's mstate.cmd_flags): does EXEC write?</summary>
    public CommandFlags QueuedFlags { get; internal set; }

    public int QueuedCount => Queue.Count;

    /// <summary>Bytes of the queued commands' arguments (part of CLIENT LIST multi-mem).</summary>
    public long QueuedArgBytes { get; internal set; }

    public int WatchedKeyCount => Watched.Count;

    internal void ClearQueue()
    {
        Queue.Clear();
        QueuedFlags = CommandFlags.None;
        QueuedArgBytes = 0;
    }
}
