using System.Text;
using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Storage;

namespace Vigil.Server.Commands;

/// <summary>
/// What a handler sees while one command runs: its arguments (slices of the receive buffer, never
/// copied unless stored), the client, the current database and the reply buffer. One instance per
/// client, reused for every command.
/// </summary>
public sealed class CommandContext
{
    private byte[] _buffer = [];
    private ArgRange[] _ranges = [];
    private int _first;

    internal CommandContext(Client client)
    {
        Client = client;
    }

    public Client Client { get; }

    public VigilServer Server { get; internal set; } = null!;

    public RedisCommand Command { get; internal set; } = null!;

    public RespWriter Reply => Client.Output;

    public Database Db => Server.Keyspace[Client.DbIndex];

    /// <summary>True while a command of this client runs (its arguments are valid only then).</summary>
    public bool Executing { get; internal set; }

    /// <summary>The Stopwatch reading taken when the command arrived: its clock and the start of its duration.</summary>
    internal long StartTimestamp { get; set; }

    /// <summary>Number of arguments, the command name included.</summary>
    public int ArgCount { get; private set; }

    /// <summary>Set by <see cref="Error"/>: the command answered with an error.</summary>
    public bool Failed { get; internal set; }

    /// <summary>When a handler sets this, the executed command is not propagated as is (it propagated its own form).</summary>
    public bool SuppressPropagation { get; set; }

    /// <summary>Propagate the command even though the dataset did not change (forceCommandPropagation: FLUSHDB of an empty database).</summary>
    public bool ForcePropagation { get; set; }

    internal void SetArgs(byte[] buffer, ArgRange[] ranges, int first, int count)
    {
        _buffer = buffer;
        _ranges = ranges;
        _first = first;
        ArgCount = count;
        _redacted = 0;
    }

    private ulong _redacted;

    /// <summary>Hides a secret argument (a password) from SLOWLOG and MONITOR, as redactClientCommandArgument.</summary>
    public void RedactArg(int index)
    {
        if (index < 64) _redacted |= 1UL << index;
    }

    public bool IsRedacted(int index) => index < 64 && (_redacted & (1UL << index)) != 0;

    /// <summary>The arguments of the running command, copied (for MULTI queues, propagation, MONITOR).</summary>
    public byte[][] CopyArgs()
    {
        var args = new byte[ArgCount][];
        for (int i = 0; i < ArgCount; i++) args[i] = Arg(i).ToArray();
        return args;
    }

    public ReadOnlySpan<byte> Arg(int index)
    {
        ref readonly ArgRange r = ref _ranges[_first + index];
        return new ReadOnlySpan<byte>(_buffer, r.Start, r.Length);
    }

    public byte[] ArgBytes(int index) => Arg(index).ToArray();

    public string ArgString(int index) => Encoding.UTF8.GetString(Arg(index));

    /// <summary>The argument with each byte as one char: for echoing arguments in error messages byte for byte.</summary>
    public string ArgLatin1(int index) => Encoding.Latin1.GetString(Arg(index));

    /// <summary>Case-insensitive match of an option argument against a lower-case keyword.</summary>
    public bool ArgIs(int index, ReadOnlySpan<byte> lowercase) => RedisNumbers.EqualsIgnoreCase(Arg(index), lowercase);

    /// <summary>Parses an integer argument; on failure replies <paramref name="error"/> and returns false.</summary>
    public bool TryGetInt64(int index, out long value, string error = Errors.NotInteger)
    {
        if (RedisNumbers.TryParseInt64(Arg(index), out value)) return true;
        Error(error);
        return false;
    }

    /// <summary>getIntFromObjectOrReply: a 64-bit integer first, then the int range with its own message.</summary>
    public bool TryGetInt32(int index, out int value)
    {
        value = 0;
        if (!TryGetInt64(index, out long wide)) return false;
        if (wide < int.MinValue || wide > int.MaxValue)
        {
            Error("ERR value is out of range, value must between -2147483648 and 2147483647");
            return false;
        }
        value = (int)wide;
        return true;
    }

    public bool TryGetDouble(int index, out double value, string error = Errors.NotFloat)
    {
        if (RedisNumbers.TryParseDouble(Arg(index), out value)) return true;
        Error(error);
        return false;
    }

    /// <summary>Writes an error reply and counts it (INFO errorstats, failed_calls).</summary>
    public void Error(string message)
    {
        Failed = true;
        Server.Stats.CountError(message);
        Reply.WriteError(message);
    }

    public void WrongType() => Error(Errors.WrongType);

    public void SyntaxError() => Error(Errors.Syntax);

    public void WrongArgCount() => Error($"ERR wrong number of arguments for '{Command.FullName}' command");

    /// <summary>
    /// Fires a keyspace event for <paramref name="key"/> in the current database (notifyKeyspaceEvent):
    /// published on __keyspace@db__:key and __keyevent@db__:event when notify-keyspace-events selects it.
    /// </summary>
    public void Notify(PubSub.KeyspaceEventType type, string eventName, ReadOnlySpan<byte> key) =>
        Server.KeyspaceEvents?.Invoke(type, eventName, Db.Id, key);

    /// <summary>
    /// The arguments to propagate to replicas and the AOF instead of the command as sent, where Redis
    /// rewrites it (relative expiry to PEXPIREAT/PXAT, INCRBYFLOAT to SET KEEPTTL, SPOP to SREM, ...).
    /// </summary>
    public byte[][]? PropagateAs { get; set; }

    /// <summary>
    /// Commands to propagate instead of this one, in order (Redis's alsoPropagate with the command
    /// itself kept out): SPOP with a count becomes SREMs. Two or more go as MULTI ... EXEC.
    /// </summary>
    public List<byte[][]>? PropagateMany { get; private set; }

    /// <summary>Adds a command to <see cref="PropagateMany"/>.</summary>
    public void AlsoPropagate(byte[][] args) => (PropagateMany ??= new()).Add(args);

    /// <summary>Marks the dataset changed by <paramref name="changes"/> (server.dirty): the command is propagated.</summary>
    public void MarkDirty(long changes = 1) => Server.Dirty += changes;

    /// <summary>The clock of this command (ms since the Unix epoch).</summary>
    public long Now => Server.Keyspace.Now;
}
