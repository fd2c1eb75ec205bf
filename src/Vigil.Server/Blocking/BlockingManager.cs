using System.Diagnostics;
using Vigil.Server.Clients;
using Vigil.Server.Commands;
using Vigil.Server.Storage;
using Vigil.Server.Transactions;

namespace Vigil.Server.Blocking;

/// <summary>
/// Serves a client blocked on keys once one of them holds a value of the type it waits for. Runs
/// under the lock with the blocked client's context: its arguments are those of the blocked
/// command, its database the one the client blocked in. The handler replies, changes the dataset
/// through <see cref="Database"/>, fires keyspace events, marks the dataset dirty and sets
/// <see cref="CommandContext.PropagateAs"/> to the non-blocking form replicas receive (LPOP for
/// BLPOP, ZPOPMIN for BZPOPMIN...). It may instead reply an error and leave the value alone
/// (BLMOVE whose destination holds another type); either way the client is unblocked after it.
/// </summary>
public delegate void ServeBlocked(CommandContext ctx, byte[] key, object value);

/// <summary>
/// Commands that wait for data on keys (Redis's blocked.c, 7.0 semantics). A command family plugs
/// in by calling, from its handler, when there is nothing to serve right away:
/// <code>
/// if (!BlockingManager.TryGetTimeout(ctx, timeoutArg, out long deadline)) return;
/// ... serve at once when a key has data (and return) ...
/// if (!BlockingManager.MayBlock(ctx.Client)) { ctx.Reply.WriteNullArray(); return; }   // MULTI, scripts
/// ctx.Server.Blocking.Block(ctx, firstKeyArg, keyCount, deadline, "zset", ServeFromZset);
/// </code>
/// The client then runs nothing else until it is unblocked. A key is ready when it receives a
/// collection value (<see cref="Keyspace.CollectionStored"/>: a push to a missing key, RENAME, MOVE,
/// COPY, RESTORE, SWAPDB, from any client, transaction or the master's stream). After each top-level
/// command the executor calls <see cref="HandleReadyKeys"/>, which serves the clients blocked on each
/// ready key in the order they blocked, those waiting for the type the key now holds, while it holds
/// one; a serve that fills another key (BLMOVE) makes that key ready in turn. Timeouts fire from the
/// server cron with a null array (RESP3: null), as do CLIENT UNBLOCK's; a closing client is simply
/// forgotten. A served or timed-out command is counted in the command statistics then, not when it
/// blocked. What the client sent meanwhile runs at <see cref="ProcessUnblockedClients"/>.
/// </summary>
public sealed class BlockingManager
{
    private const string UnblockedError = "-UNBLOCKED client unblocked via CLIENT UNBLOCK";
    private const string RoleChangedError = "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";

    private readonly VigilServer _server;
    private readonly KeyTable<WaitingKey>?[] _byDb;
    private readonly Dictionary<Client, BlockedClient> _blocked = new(ReferenceEqualityComparer.Instance);
    private readonly SortedSet<BlockedClient> _timeouts = new(DeadlineOrder.Instance);
    private List<WaitingKey> _ready = new();
    private List<WaitingKey> _serving = new();
    private readonly Queue<Client> _toReprocess = new();
    private bool _handling;
    private bool _reprocessing;
    private long _sequence;
    private int _blockedKeys;

    public BlockingManager(VigilServer server)
    {
        _server = server;
        _byDb = new KeyTable<WaitingKey>?[server.Keyspace.DatabaseCount];
        server.Keyspace.CollectionStored += SignalKeyReady;
        server.Keyspace.DatabaseReplaced += SignalExistingKeys;
        server.ClientClosed += Forget;
        server.ClientResetting += Forget;
        server.AddCronJob(FireTimeouts);
    }

    /// <summary>
    /// Whether a blocking command of <paramref name="client"/> may block. Inside MULTI/EXEC (and on
    /// the master's link, which must never stall) it answers at once as if it had timed out.
    /// </summary>
    public static bool MayBlock(Client client) => !client.HasFlag(ClientFlags.Multi) && !client.HasFlag(ClientFlags.Master);

    /// <summary>
    /// getTimeoutFromObjectOrReply in seconds: a long double times 1000, rounded up; 0 blocks forever.
    /// Gives the deadline as absolute Unix ms (0: none), or replies Redis's error and returns false.
    /// </summary>
    public static bool TryGetTimeout(CommandContext ctx, int index, out long deadline)
    {
        deadline = 0;
        if (!ExtendedFloat.TryParse(ctx.Arg(index), out var seconds))
        {
            ctx.Error(Errors.TimeoutNotFloat);
            return false;
        }
        // Out of range (infinity included) converts to the most negative long, as on x86-64.
        long ms = seconds.CeilingOfProduct(1000);
        if (ms < 0)
        {
            ctx.Error(Errors.TimeoutNegative);
            return false;
        }
        // A deadline past the end of time never fires (Redis's overflows into one that never does).
        if (ms > 0) deadline = ms > long.MaxValue - ctx.Now ? long.MaxValue : ctx.Now + ms;
        return true;
    }

    /// <summary>
    /// Blocks the running command's client on the keys in arguments <paramref name="firstKey"/> to
    /// <paramref name="firstKey"/> + <paramref name="keyCount"/> - 1, until one holds a value whose
    /// TYPE is <paramref name="valueType"/> (then <paramref name="serve"/> runs) or
    /// <paramref name="deadline"/> (absolute Unix ms, 0 for never) passes.
    /// </summary>
    public void Block(CommandContext ctx, int firstKey, int keyCount, long deadline, string valueType, ServeBlocked serve)
    {
        var client = ctx.Client;
        var blocked = new BlockedClient(client, client.DbIndex, PackedCommand.FromContext(ctx, ctx.Command), deadline,
            valueType, serve, ++_sequence);
        var table = _byDb[blocked.Db] ??= new KeyTable<WaitingKey>();
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            var key = ctx.Arg(i);
            int slot = table.FindOrAdd(key, KeyTable<WaitingKey>.HashOf(key), out bool added);
            if (added)
            {
                table.WritableValueAt(slot) = new WaitingKey(table.KeyAt(slot)!, blocked.Db);
                _blockedKeys++;
            }
            var waiting = table.ValueAt(slot);
            // A key named twice is waited on once.
            if (blocked.Waits.Exists(w => w.Key == waiting)) continue;
            blocked.Waits.Add((waiting, waiting.Clients.AddLast(blocked)));
        }
        client.Flags |= ClientFlags.Blocked;
        _blocked[client] = blocked;
        if (deadline != 0) _timeouts.Add(blocked);
        UpdateStats();
    }

    /// <summary>
    /// Blocks the running command's client on something other than keys (WAIT: replicas'
    /// acknowledgements) until its owner calls <see cref="Release"/> or <paramref name="deadline"/>
    /// (absolute Unix ms, 0 for never) passes; then, and on CLIENT UNBLOCK without ERROR,
    /// <paramref name="replyWithoutRelease"/> writes the reply.
    /// </summary>
    public void BlockWithoutKeys(CommandContext ctx, long deadline, Action<CommandContext> replyWithoutRelease)
    {
        var client = ctx.Client;
        var blocked = new BlockedClient(client, client.DbIndex, PackedCommand.FromContext(ctx, ctx.Command), deadline,
            "", static (_, _, _) => { }, ++_sequence) { ReplyWithoutData = replyWithoutRelease };
        client.Flags |= ClientFlags.Blocked;
        _blocked[client] = blocked;
        if (deadline != 0) _timeouts.Add(blocked);
        UpdateStats();
    }

    /// <summary>Ends the wait of a client blocked by <see cref="BlockWithoutKeys"/>, <paramref name="reply"/> answering it.</summary>
    public bool Release(Client client, Action<CommandContext> reply)
    {
        if (!_blocked.TryGetValue(client, out var blocked) || blocked.ReplyWithoutData == null) return false;
        var ctx = LoadCommand(blocked);
        int replyStart = ctx.Reply.Length;
        reply(ctx);
        Finish(blocked, ctx, replyStart, 0, _server.Dirty);
        return true;
    }

    /// <summary>
    /// CLIENT UNBLOCK: ends a blocked client's wait as a timeout would, or with an UNBLOCKED error.
    /// False when the client is not blocked.
    /// </summary>
    public bool Unblock(Client client, bool withError)
    {
        if (!_blocked.TryGetValue(client, out var blocked)) return false;
        EndWithoutData(blocked, withError ? UnblockedError : null);
        return true;
    }

    /// <summary>
    /// disconnectAllBlockedClients: the node becomes a replica, where blocking makes no sense; every
    /// blocked client gets an UNBLOCKED error and is closed once it has it.
    /// </summary>
    public void DisconnectAll()
    {
        foreach (var blocked in _blocked.Values.ToArray())
        {
            blocked.Client.Flags |= ClientFlags.CloseAfterReply;
            EndWithoutData(blocked, RoleChangedError);
        }
    }

    /// <summary>
    /// handleClientsBlockedOnKeys: serves the clients blocked on keys that became ready, key by key,
    /// until no key is ready (serving one client can make another key ready). Not reentrant.
    /// </summary>
    public void HandleReadyKeys()
    {
        if (_ready.Count == 0 || _handling) return;
        _handling = true;
        var keyspace = _server.Keyspace;
        bool wasWriting = keyspace.InWriteCommand;
        // Serving writes: lookups must hand out values a snapshot in progress does not hold.
        keyspace.InWriteCommand = true;
        try
        {
            while (_ready.Count > 0)
            {
                (_ready, _serving) = (_serving, _ready);
                foreach (var waiting in _serving)
                {
                    waiting.Ready = false;
                    ServeKey(waiting);
                }
                _serving.Clear();
            }
        }
        finally
        {
            _serving.Clear();
            keyspace.InWriteCommand = wasWriting;
            keyspace.SettleMemory();
            _handling = false;
        }
    }

    /// <summary>
    /// queueClientForReprocessing: a client that stopped being blocked (served, timed out, unpaused)
    /// runs the input that waited meanwhile at the next <see cref="ProcessUnblockedClients"/>.
    /// </summary>
    public void QueueForReprocessing(Client client) => _toReprocess.Enqueue(client);

    /// <summary>
    /// processUnblockedClients, as Redis runs it before it sleeps: after each client's batch of
    /// commands and each cron tick, unblocked clients run their waiting commands, in the order they
    /// were unblocked (those commands may serve and unblock others in turn).
    /// </summary>
    public void ProcessUnblockedClients()
    {
        if (_toReprocess.Count == 0 || _reprocessing) return;
        _reprocessing = true;
        try
        {
            while (_toReprocess.Count > 0) _toReprocess.Dequeue().RequestResume();
        }
        finally
        {
            _reprocessing = false;
        }
    }

    /// <summary>signalKeyAsReady: queues the key when clients wait on it.</summary>
    private void SignalKeyReady(Database db, ReadOnlySpan<byte> key)
    {
        if (_blocked.Count == 0) return;
        var table = _byDb[db.Id];
        if (table == null || table.Count == 0) return;
        int slot = table.Find(key);
        if (slot < 0) return;
        var waiting = table.ValueAt(slot);
        if (waiting.Ready) return;
        waiting.Ready = true;
        _ready.Add(waiting);
    }

    /// <summary>scanDatabaseForReadyKeys: after SWAPDB, every waited-on key that now exists is ready.</summary>
    private void SignalExistingKeys(Database db)
    {
        var table = _byDb[db.Id];
        if (table == null || table.Count == 0) return;
        for (int slot = 0; slot < table.SlotCount; slot++)
        {
            var key = table.KeyAt(slot);
            if (key != null && db.Main.Find(key) >= 0) SignalKeyReady(db, key);
        }
    }

    private void ServeKey(WaitingKey waiting)
    {
        var db = _server.Keyspace[waiting.Db];
        var node = waiting.Clients.First;
        while (node != null)
        {
            var value = db.Get(waiting.Key);
            if (value == null) return;
            var next = node.Next;
            var blocked = node.Value;
            if (blocked.ValueType != RedisTypes.NameOf(value))
            {
                node = next;
                continue;
            }
            Serve(blocked, waiting.Key, value);
            // Serving removed this client only; start over should anything else have moved.
            node = next?.List != null ? next : waiting.Clients.First;
        }
    }

    private void Serve(BlockedClient blocked, byte[] key, object value)
    {
        var ctx = LoadCommand(blocked);
        int replyStart = ctx.Reply.Length;
        long dirtyBefore = _server.Dirty;
        long start = Stopwatch.GetTimestamp();
        blocked.Serve(ctx, key, value);
        long micros = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        Finish(blocked, ctx, replyStart, micros, dirtyBefore);
    }

    private void FireTimeouts()
    {
        long now = _server.Keyspace.Now;
        while (_timeouts.Count > 0 && _timeouts.Min!.Deadline <= now)
        {
            EndWithoutData(_timeouts.Min, error: null);
        }
    }

    /// <summary>replyToBlockedClientTimedOut (a null array, or the keyless wait's own reply), or an error; then unblocks.</summary>
    private void EndWithoutData(BlockedClient blocked, string? error)
    {
        var ctx = LoadCommand(blocked);
        int replyStart = ctx.Reply.Length;
        if (error != null) ctx.Error(error);
        else if (blocked.ReplyWithoutData != null) blocked.ReplyWithoutData(ctx);
        else ctx.Reply.WriteNullArray();
        Finish(blocked, ctx, replyStart, 0, _server.Dirty);
    }

    /// <summary>Makes the blocked command the one the client's context runs again.</summary>
    private CommandContext LoadCommand(BlockedClient blocked)
    {
        var ctx = blocked.Client.Context;
        ctx.Server = _server;
        blocked.Command.LoadInto(ctx);
        ctx.Failed = false;
        ctx.PropagateAs = null;
        ctx.PropagateMany?.Clear();
        ctx.SuppressPropagation = false;
        return ctx;
    }

    /// <summary>Unblocks, accounts for the command (updateStatsOnUnblock, afterCommand), sends its reply and lets its input run.</summary>
    private void Finish(BlockedClient blocked, CommandContext ctx, int replyStart, long micros, long dirtyBefore)
    {
        Remove(blocked);
        var client = blocked.Client;
        _server.Executor.Complete(ctx, blocked.Command.Command, micros, dirtyBefore);
        CommandExecutor.ApplyReplyMode(client, replyStart);
        client.RequestFlush();
        QueueForReprocessing(client);
    }

    /// <summary>A client that goes away (or is RESET) stops waiting, with no reply.</summary>
    private void Forget(Client client)
    {
        if (_blocked.TryGetValue(client, out var blocked)) Remove(blocked);
    }

    private void Remove(BlockedClient blocked)
    {
        var table = _byDb[blocked.Db]!;
        foreach (var (waiting, node) in blocked.Waits)
        {
            waiting.Clients.Remove(node);
            if (waiting.Clients.Count > 0) continue;
            table.Remove(waiting.Key);
            _blockedKeys--;
        }
        blocked.Client.Flags &= ~ClientFlags.Blocked;
        _blocked.Remove(blocked.Client);
        if (blocked.Deadline != 0) _timeouts.Remove(blocked);
        UpdateStats();
    }

    private void UpdateStats()
    {
        _server.Stats.BlockedClients = _blocked.Count;
        _server.Stats.BlockedKeys = _blockedKeys;
        _server.Stats.ClientsInTimeoutTable = _timeouts.Count;
    }

    /// <summary>A key some clients wait on (an entry of db->blocking_keys), with its waiters in blocking order.</summary>
    private sealed class WaitingKey
    {
        public WaitingKey(byte[] key, int db)
        {
            Key = key;
            Db = db;
        }

        public byte[] Key { get; }

        public int Db { get; }

        public LinkedList<BlockedClient> Clients { get; } = new();

        /// <summary>Queued for serving (db->ready_keys), so that it is queued once.</summary>
        public bool Ready { get; set; }
    }

    /// <summary>One blocked client: what it waits on, until when, and how to serve it.</summary>
    private sealed class BlockedClient
    {
        public BlockedClient(Client client, int db, PackedCommand command, long deadline, string valueType, ServeBlocked serve, long sequence)
        {
            Client = client;
            Db = db;
            Command = command;
            Deadline = deadline;
            ValueType = valueType;
            Serve = serve;
            Sequence = sequence;
        }

        public Client Client { get; }

        public int Db { get; }

        /// <summary>The blocked command's arguments, loaded back into the context when it completes.</summary>
        public PackedCommand Command { get; }

        public long Deadline { get; }

        public string ValueType { get; }

        public ServeBlocked Serve { get; }

        /// <summary>Breaks ties between equal deadlines.</summary>
        public long Sequence { get; }

        public List<(WaitingKey Key, LinkedListNode<BlockedClient> Node)> Waits { get; } = new(1);

        /// <summary>For a wait on something other than keys: its reply on timeout or CLIENT UNBLOCK.</summary>
        public Action<CommandContext>? ReplyWithoutData { get; init; }
    }

    private sealed class DeadlineOrder : IComparer<BlockedClient>
    {
        public static readonly DeadlineOrder Instance = new();

        public int Compare(BlockedClient? x, BlockedClient? y)
        {
            int c = x!.Deadline.CompareTo(y!.Deadline);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
